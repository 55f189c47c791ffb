from django.db import migrations

from maillage.roles import synchroniser_roles


class Migration(migrations.Migration):
    """Give the role groups the permissions of the history tables (staff read the history of
    the casework they may read)."""

    dependencies = [
        ("maillage", "0005_roles_rapports"),
        ("porteurs", "0002_historique"),
        ("accompagnement", "0002_historique"),
    ]

    operations = [migrations.RunPython(synchroniser_roles, migrations.RunPython.noop)]
