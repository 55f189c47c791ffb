"""Indexes of the dossier list (issue 9, scale 100): its phase filter, and its search.

`dossier_phase_liste_idx` (phase, date_accueil, id), on every database: the list filtered
by phase, newest reception first, read in order from the index (see Dossier.Meta).

Trigram indexes for the search (PostgreSQL only; nothing on SQLite).

The search (porteurs.filters.DossierFilter.rechercher) looks for each word anywhere in the
dossier's reference and title and in the lead porteur's name and first name: Django writes
`UPPER("col"::text) LIKE UPPER('%mot%')`, which no B-tree index serves. A GIN index of the
trigrams of that same expression does (pg_trgm), for words of three letters or more: at
a network's scale (130 000 dossiers) the search no longer reads both tables whole.

pg_trgm ships with PostgreSQL and is a trusted extension (the database's owner may create
it). Where it cannot be created the indexes are left out with a warning: the search gives
the same results, only slower. These indexes are not in the models' Meta (Django would
create them on SQLite too); they are dropped when the migration is reversed.
"""

from django.conf import settings
from django.db import DatabaseError, migrations, models, transaction

INDEX = [
    # (name, table, column)
    ("dossier_reference_trgm_idx", "porteurs_dossier", "reference"),
    ("dossier_intitule_trgm_idx", "porteurs_dossier", "intitule"),
    ("porteur_nom_trgm_idx", "porteurs_porteur", "nom"),
    ("porteur_prenom_trgm_idx", "porteurs_porteur", "prenom"),
]


def creer_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as erreur:
        print(
            "\n  Extension pg_trgm indisponible : la recherche des dossiers restera sans"
            f" index ({erreur}).".rstrip()
        )
        return
    for nom, table, colonne in INDEX:
        # The exact expression of Django's icontains on PostgreSQL, so the planner matches it.
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{nom}" ON "{table}" '
            f'USING gin ((UPPER("{colonne}"::text)) gin_trgm_ops)'
        )


def supprimer_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for nom, _table, _colonne in INDEX:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{nom}"')


class Migration(migrations.Migration):
    dependencies = [
        ("porteurs", "0004_index_liste_dossiers"),
        ("territoires", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=["phase", "date_accueil", "id"], name="dossier_phase_liste_idx"
            ),
        ),
        migrations.RunPython(creer_index, supprimer_index, elidable=False),
    ]
