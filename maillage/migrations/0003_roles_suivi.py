from django.db import migrations

from maillage.roles import synchroniser_roles


class Migration(migrations.Migration):
    """Give the role groups the permissions of the casework models (porteurs, dossiers,
    appointments, phase changes), as maillage/roles.py declares them."""

    dependencies = [
        ("maillage", "0002_roles"),
        ("porteurs", "0001_initial"),
        ("accompagnement", "0001_initial"),
    ]

    operations = [migrations.RunPython(synchroniser_roles, migrations.RunPython.noop)]
