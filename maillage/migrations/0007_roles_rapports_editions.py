from django.db import migrations

from maillage.roles import synchroniser_roles


class Migration(migrations.Migration):
    """Give the role groups the permissions of the report's texts, manual indicators and
    published editions."""

    dependencies = [
        ("maillage", "0006_roles_historique"),
        ("rapports", "0002_textes_indicateurs_editions"),
    ]

    operations = [migrations.RunPython(synchroniser_roles, migrations.RunPython.noop)]
