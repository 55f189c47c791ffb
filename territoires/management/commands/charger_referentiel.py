"""Load the whole reference data of `territoires` (see referentiel.charger_referentiel)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territoires.referentiel import (
    DOSSIER_DONNEES,
    DepartementInconnu,
    ErreurReferentiel,
    charger_referentiel,
    resume_referentiel,
)


class Command(BaseCommand):
    help = (
        "Charge la géographie du Nord et du Pas-de-Calais puis les fichiers CSV de "
        "territoires/donnees/ (sigles, territoires, référents, quartiers, structures, points "
        "d'accueil), en une transaction. Peut être relancée sans risque."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dossier",
            type=Path,
            default=DOSSIER_DONNEES,
            metavar="DOSSIER",
            help="Dossier des fichiers CSV (par défaut : territoires/donnees/).",
        )

    def handle(self, *args, **options) -> None:
        debut = time.perf_counter()
        try:
            bilan = charger_referentiel(options["dossier"])
        except (ErreurReferentiel, DepartementInconnu, FileNotFoundError) as erreur:
            raise CommandError(f"{erreur}. Rien n'a été enregistré.") from erreur
        duree = time.perf_counter() - debut
        self.stdout.write(f"{resume_referentiel(bilan)} ({duree:.1f} s)")
