from django.db import migrations, models


class Migration(migrations.Migration):
    """The funnel's index, apart from 0008: on PostgreSQL an index cannot be built in the
    transaction that filled its columns (the foreign keys' deferred checks are pending)."""

    dependencies = [
        ("porteurs", "0008_parcours_du_dossier"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=[
                    "date_accueil",
                    "date_sortie",
                    "dispositif",
                    "date_maturation",
                    "date_creation",
                    "date_post_creation",
                    "type_sortie",
                    "issue_sortie",
                    "emplois_crees",
                ],
                name="dossier_parcours_idx",
            ),
        ),
    ]
