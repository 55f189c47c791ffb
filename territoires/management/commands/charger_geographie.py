"""Load communes, EPCI and départements (see territoires.referentiel.charger_geographie)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from territoires.referentiel import (
    DEPARTEMENTS_PAR_DEFAUT,
    DepartementInconnu,
    charger_geographie,
    ecrire_sous_ensemble,
    extraire_sous_ensemble,
    lire_source_etalab,
    lire_sous_ensemble,
    nombre_fr,
)


class Command(BaseCommand):
    help = (
        "Crée ou met à jour départements, EPCI et communes, depuis le sous-ensemble fourni "
        "(59, 62) ou depuis le dossier data/ du paquet npm @etalab/decoupage-administratif."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--departements",
            nargs="+",
            default=list(DEPARTEMENTS_PAR_DEFAUT),
            metavar="CODE",
            help="Codes des départements à charger (par défaut : 59 62).",
        )
        parser.add_argument(
            "--source",
            type=Path,
            metavar="DOSSIER",
            help="Dossier data/ d'un paquet @etalab/decoupage-administratif décompressé "
            "(communes.json, epci.json, departements.json).",
        )
        parser.add_argument(
            "--extraire",
            type=Path,
            metavar="FICHIER",
            help="Au lieu de charger, écrit le sous-ensemble des départements demandés dans "
            "FICHIER (avec --source et --version-paquet) ; sert à régénérer territoires/donnees/.",
        )
        parser.add_argument(
            "--version-paquet",
            dest="version_paquet",
            default="",
            help="Version du paquet (--extraire).",
        )

    def handle(self, *args, **options) -> None:
        departements: list[str] = options["departements"]
        try:
            source = (
                lire_source_etalab(options["source"]) if options["source"] else lire_sous_ensemble()
            )
        except (FileNotFoundError, ValueError, KeyError) as erreur:
            raise CommandError(f"Source géographique illisible : {erreur}") from erreur
        try:
            if options["extraire"]:
                if not options["source"] or not options["version_paquet"]:
                    raise CommandError("--extraire demande --source et --version-paquet.")
                donnees = extraire_sous_ensemble(
                    source, departements, options["version_paquet"], timezone.localdate()
                )
                ecrire_sous_ensemble(donnees, options["extraire"])
                self.stdout.write(
                    f"{nombre_fr(len(donnees['communes']))} communes et "
                    f"{len(donnees['epci'])} EPCI écrits dans {options['extraire']}."
                )
                return
            bilan = charger_geographie(departements, source)
        except DepartementInconnu as erreur:
            raise CommandError(str(erreur)) from erreur
        par_dep = ", ".join(
            f"{code} : {nombre_fr(n)}" for code, n in bilan.communes_par_departement.items()
        )
        self.stdout.write(
            f"{nombre_fr(bilan.communes.total)} communes ({par_dep}), "
            f"{bilan.epci.total} EPCI, {bilan.departements.total} départements. "
            f"Communes créées : {nombre_fr(bilan.communes.crees)}, "
            f"modifiées : {nombre_fr(bilan.communes.modifies)} ; "
            f"EPCI créés : {bilan.epci.crees}, modifiés : {bilan.epci.modifies}."
        )
