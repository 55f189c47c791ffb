from django.db import migrations

from maillage.roles import synchroniser_roles


class Migration(migrations.Migration):
    """Create the three role groups with their permissions (see maillage/roles.py).

    Each later migration that adds models calls synchroniser_roles again, depending on the
    migrations that created them.
    """

    dependencies = [
        ("maillage", "0001_initial"),
        ("territoires", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(synchroniser_roles, migrations.RunPython.noop)]
