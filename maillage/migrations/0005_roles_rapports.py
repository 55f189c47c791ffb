from django.db import migrations

from maillage.roles import synchroniser_roles


class Migration(migrations.Migration):
    """Give the role groups the permissions of the report's models (historical aggregates),
    as maillage/roles.py declares them: staff read them, the direction edits them."""

    dependencies = [
        ("maillage", "0004_roles_formations"),
        ("rapports", "0001_agregats_historiques"),
    ]

    operations = [migrations.RunPython(synchroniser_roles, migrations.RunPython.noop)]
