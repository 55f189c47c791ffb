"""`manage.py sauvegarder [--sortie FICHIER]`: a consistent copy of the whole database while
the app keeps running.

SQLite: the online backup API (sqlite3.Connection.backup), which copies a consistent state
even while other requests write. PostgreSQL: `pg_dump -Fc` (custom format, compressed),
which `manage.py restaurer` gives back to `pg_restore`.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "dump"}


def base(alias: str = "default"):
    """The connection to back up or restore; only SQLite and PostgreSQL are supported."""
    connexion = connections[alias]
    if connexion.vendor not in EXTENSIONS:
        raise CommandError(f"Base « {connexion.vendor} » non prise en charge.")
    return connexion


def programme_postgresql(nom: str) -> str:
    chemin = shutil.which(nom)
    if chemin is None:
        raise CommandError(
            f"Le programme « {nom} » est introuvable sur cette machine : installez le paquet "
            "des outils clients de PostgreSQL (postgresql-client, de la même version majeure "
            "que le serveur ou plus récente)."
        )
    return chemin


def parametres_postgresql(connexion) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment that reach the database Django uses (the
    password goes in the environment, never on the command line where `ps` shows it)."""
    reglages = connexion.settings_dict
    options = ["--dbname", reglages["NAME"]]
    if reglages.get("HOST"):
        options += ["--host", reglages["HOST"]]
    if reglages.get("PORT"):
        options += ["--port", str(reglages["PORT"])]
    if reglages.get("USER"):
        options += ["--username", reglages["USER"]]
    env = {**os.environ}
    if reglages.get("PASSWORD"):
        env["PGPASSWORD"] = reglages["PASSWORD"]
    return options, env


def sauvegarder(fichier: Path, alias: str = "default") -> Path:
    """Write a backup of the database to `fichier` and return it.

    Invariant: `fichier` is either the complete backup or absent; a failure half-way leaves
    no partial file that could later be mistaken for a backup (written under a temporary
    name, renamed at the end)."""
    connexion = base(alias)
    fichier.parent.mkdir(parents=True, exist_ok=True)
    provisoire = fichier.with_name(fichier.name + ".en-cours")
    provisoire.unlink(missing_ok=True)
    try:
        if connexion.vendor == "sqlite":
            connexion.ensure_connection()
            copie = sqlite3.connect(provisoire)
            try:
                connexion.connection.backup(copie)
            finally:
                copie.close()
        else:
            options, env = parametres_postgresql(connexion)
            resultat = subprocess.run(
                [programme_postgresql("pg_dump"), "--format=custom", "--file", provisoire]
                + options,
                env=env,
                capture_output=True,
                text=True,
            )
            if resultat.returncode != 0:
                raise CommandError(f"pg_dump a échoué : {resultat.stderr.strip()}")
        provisoire.replace(fichier)
    finally:
        provisoire.unlink(missing_ok=True)
    return fichier


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base de données dans un fichier (SQLite : copie à chaud ; "
        "PostgreSQL : pg_dump). Se restaure avec « manage.py restaurer FICHIER »."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sortie",
            type=Path,
            help="Fichier à écrire (par défaut : sauvegardes/maillage-AAAAMMJJ-HHMMSS.*).",
        )

    def handle(self, *args, sortie: Path | None = None, **options):
        connexion = base()
        if sortie is None:
            horodatage = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            sortie = (
                Path(settings.BASE_DIR)
                / "sauvegardes"
                / f"maillage-{horodatage}.{EXTENSIONS[connexion.vendor]}"
            )
        if sortie.exists():
            raise CommandError(f"Le fichier {sortie} existe déjà : choisissez un autre nom.")
        fichier = sauvegarder(sortie)
        taille = fichier.stat().st_size / 1_000_000
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {fichier} ({taille:.1f} Mo)."))
