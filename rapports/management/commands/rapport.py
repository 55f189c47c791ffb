"""manage.py rapport ANNEE --format json|html|pdf [-o FICHIER]: the annual activity report.

All three come from rapports.contenu.donnees_rapport (every figure of
rapports.stats.rapport_annuel with its definition, plus the lists and texts the report
prints): JSON is that data, HTML the printable document, PDF its WeasyPrint rendering.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rapports import contenu, rendu
from rapports.contenu import PREMIERE_ANNEE

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
        donnees = contenu.donnees_rapport(annee_int)
        if format == "json":
            octets = rendu.json_de_donnees(donnees) + b"\n"
        elif format == "html":
            octets = rendu.html_pour_pdf(donnees).encode("utf-8")
        else:
            octets = rendu.pdf_de_donnees(donnees, sous_titre="Version de travail, non publiée")
        if fichier:
            try:
                Path(fichier).write_bytes(octets)
            except OSError as erreur:
                raise CommandError(f"Impossible d'écrire {fichier} : {erreur.strerror}.") from None
            self.stderr.write(f"Rapport {annee_int} écrit dans {fichier}.")
        elif format == "pdf":
            self.stdout.flush()
            sys.stdout.buffer.write(octets)
        else:
            self.stdout.write(octets.decode("utf-8"), ending="")

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
