"""Load the demo association (maillage.demo): `make run` calls it; a second call does nothing."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.demo import generateur


class Command(BaseCommand):
    help = (
        "Charge l'association de démonstration : le référentiel, les comptes de démonstration, "
        "l'équipe, le conseil, quatre années de suivi (2011-2014) dont 2013 donne les chiffres "
        "du rapport d'activité 2013, les formations ADVA et les réunions. Ne fait rien si la "
        "démonstration est déjà chargée ; --reset la recharge."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime d'abord les données de la démonstration (suivi, formations, "
            "événements, vie associative ; le référentiel et les comptes restent).",
        )
        parser.add_argument(
            "--echelle",
            type=int,
            default=1,
            metavar="N",
            help="Multiplie les volumes annuels par N (écriture par lots au-delà de 1).",
        )
        parser.add_argument(
            "--annees",
            type=int,
            default=len(generateur.donnees.ANNEES),
            metavar="A",
            help="Nombre d'années de suivi à partir de 2011 (4 par défaut : 2011-2014 ; "
            "au-delà, l'année 2014 se répète, jusqu'à l'année dernière au plus).",
        )
        parser.add_argument("--graine", type=int, default=2013, metavar="S", help="Graine.")
        parser.add_argument(
            "--masse",
            action="store_true",
            help="Écrit par lots même à l'échelle 1 (vérifie les mêmes règles).",
        )

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("La démonstration ne se charge pas en production.")
        if options["echelle"] < 1 or options["annees"] < 1:
            raise CommandError("--echelle et --annees sont des entiers positifs.")
        verbeux = options["verbosity"] >= 1
        call_command("charger_referentiel", verbosity=0, stdout=self.stdout)
        call_command("comptes_demo", verbosity=0, stdout=self.stdout)
        if options["reset"]:
            supprimes = generateur.vider()
            self.stdout.write(
                f"Démonstration supprimée : {sum(supprimes.values())} lignes "
                f"({supprimes['porteurs.Dossier']} dossiers)."
            )
        elif generateur.marqueur_present():
            self.stdout.write(
                "La démonstration est déjà chargée : rien à faire (--reset pour la recharger)."
            )
            return
        elif generateur.demo_commencee():
            raise CommandError(
                "Une démonstration incomplète est présente (chargement interrompu) : "
                "relancez avec --reset."
            )
        bilan = generateur.charger_demo(
            echelle=options["echelle"],
            annees=options["annees"],
            graine=options["graine"],
            masse=True if options["masse"] else None,
            progression=generateur._progression if verbeux else None,
        )
        c = bilan.compteurs
        self.stdout.write(
            f"Démonstration chargée en {bilan.duree:.1f} s : {c['dossiers']} dossiers, "
            f"{c['rendez_vous']} rendez-vous, {c['changements']} changements de phase, "
            f"{c['sessions']} sessions, {c['inscriptions']} inscriptions, "
            f"{c['evenements']} événements."
        )
