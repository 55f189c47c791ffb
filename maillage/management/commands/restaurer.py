"""`manage.py restaurer FICHIER [--oui]`: replace the whole database by a backup made with
`manage.py sauvegarder`.

SQLite: the online backup API, from the file into the live database. PostgreSQL:
`pg_restore --clean --if-exists --single-transaction`, after closing this process's
connections (their locks would block the DROPs).
"""

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from maillage.management.commands.sauvegarder import (
    base,
    parametres_postgresql,
    programme_postgresql,
)


def _verifier_sqlite(fichier: Path) -> None:
    """Refuse a file that is not a complete SQLite backup of this app, before touching
    anything."""
    try:
        source = sqlite3.connect(f"file:{fichier}?mode=ro", uri=True)
        try:
            (etat,) = source.execute("PRAGMA quick_check").fetchone()
            lignes = source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {nom for (nom,) in lignes}
        finally:
            source.close()
    except sqlite3.DatabaseError as erreur:
        raise CommandError(
            f"{fichier} n'est pas une sauvegarde SQLite lisible ({erreur})."
        ) from erreur
    if etat != "ok" or "django_migrations" not in tables:
        raise CommandError(f"{fichier} n'est pas une sauvegarde complète de Maillage.")


def restaurer(fichier: Path, alias: str = "default") -> None:
    """Replace the database's content by the backup `fichier`.

    Invariant: all or nothing. SQLite's backup API replaces the pages in one step;
    PostgreSQL's restore runs in a single transaction, so a failing restore leaves the
    database as it was."""
    connexion = base(alias)
    if connexion.vendor == "sqlite":
        _verifier_sqlite(fichier)
        source = sqlite3.connect(f"file:{fichier}?mode=ro", uri=True)
        try:
            connexion.ensure_connection()
            source.backup(connexion.connection)
        finally:
            source.close()
        return
    pg_restore = programme_postgresql("pg_restore")
    liste = subprocess.run([pg_restore, "--list", fichier], capture_output=True, text=True)
    if liste.returncode != 0:
        raise CommandError(
            f"{fichier} n'est pas une sauvegarde PostgreSQL (pg_dump -Fc) : {liste.stderr.strip()}"
        )
    options, env = parametres_postgresql(connexion)
    # Django's own open connections hold locks the DROPs of --clean would wait for.
    connections.close_all()
    resultat = subprocess.run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *options,
            fichier,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if resultat.returncode != 0:
        raise CommandError(
            f"pg_restore a échoué, la base est inchangée : {resultat.stderr.strip()}"
        )


class Command(BaseCommand):
    help = (
        "Remplace TOUTE la base de données par une sauvegarde faite avec "
        "« manage.py sauvegarder ». Demande confirmation (sauf avec --oui)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="La sauvegarde à restaurer.")
        parser.add_argument("--oui", action="store_true", help="Ne pas demander de confirmation.")

    def handle(self, *args, fichier: Path, oui: bool = False, **options):
        if not fichier.is_file():
            raise CommandError(f"Le fichier {fichier} n'existe pas.")
        nom_base = base().settings_dict["NAME"]
        if not oui:
            question = (
                f"Toutes les données actuelles de la base « {nom_base} » vont être remplacées "
                f"par celles de {fichier}. Ce qui a été saisi depuis cette sauvegarde sera "
                "perdu. Continuer ? Tapez « oui » : "
            )
            try:
                reponse = input(question)
            except EOFError:
                reponse = ""
            if reponse.strip().lower() != "oui":
                raise CommandError("Restauration annulée : la base n'a pas été modifiée.")
        restaurer(fichier)
        self.stdout.write(self.style.SUCCESS(f"Base « {nom_base} » restaurée depuis {fichier}."))
