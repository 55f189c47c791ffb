"""manage.py rapport ANNEE --format json|html|pdf [-o FICHIER]: the annual activity report.

JSON is written from rapports.stats.rapport_annuel (every figure with its definition); HTML
and PDF are accepted by the argument parser but come with the rendering layer.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rapports.stats import rapport_annuel

# Years the association can have figures for: it was founded in 2000.
PREMIERE_ANNEE = 2000
FORMATS = ("json", "html", "pdf")


class Command(BaseCommand):
    help = "Calcule le rapport d'activité d'une année et l'écrit en JSON, HTML ou PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("annee", help="Année du rapport, par exemple 2013.")
        parser.add_argument(
            "--format", dest="format", choices=FORMATS, default="json", help="Format de sortie."
        )
        parser.add_argument(
            "-o",
            "--output",
            dest="fichier",
            help="Fichier à écrire (par défaut : la sortie standard).",
        )

    def handle(self, *args, annee: str, format: str, fichier: str | None, **options) -> None:
        annee_int = self._annee(annee)
        if format != "json":
            raise CommandError(
                f"Le format « {format} » n'est pas encore disponible : utilisez --format json."
            )
        contenu = json.dumps(rapport_annuel(annee_int), ensure_ascii=False, indent=2) + "\n"
        if fichier:
            try:
                Path(fichier).write_text(contenu, encoding="utf-8")
            except OSError as erreur:
                raise CommandError(f"Impossible d'écrire {fichier} : {erreur.strerror}.") from None
            self.stderr.write(f"Rapport {annee_int} écrit dans {fichier}.")
        else:
            self.stdout.write(contenu, ending="")

    def _annee(self, valeur: str) -> int:
        try:
            annee = int(valeur)
        except ValueError:
            raise CommandError(
                f"Année invalide : « {valeur} ». Indiquez une année sur quatre chiffres, "
                "par exemple 2013."
            ) from None
        derniere = timezone.localdate().year
        if not PREMIERE_ANNEE <= annee <= derniere:
            raise CommandError(
                f"Année hors limites : {annee}. Le rapport couvre les années {PREMIERE_ANNEE} "
                f"à {derniere}."
            )
        return annee
