from django.db import migrations

from maillage.roles import synchroniser_roles


class Migration(migrations.Migration):
    """Give the role groups the permissions of the PDF generations."""

    dependencies = [
        ("maillage", "0007_roles_rapports_editions"),
        ("rapports", "0003_generation_pdf"),
    ]

    operations = [migrations.RunPython(synchroniser_roles, migrations.RunPython.noop)]
