"""Anonymise the people with no contact for N years (the RGPD retention period).

Dry run by default: it lists what it would do (how many people, their last contact and
their dossiers' references, never a name); `--appliquer` does it, one person per
transaction, so that an interruption leaves every person either whole or anonymised.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from porteurs import rgpd
from porteurs.models import Porteur


class Command(BaseCommand):
    help = (
        "Anonymise les porteurs sans contact (accueil, rendez-vous, changement de phase, "
        "journée de formation) depuis N ans. Sans --appliquer, affiche seulement ce qui "
        "serait fait."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--annees",
            type=int,
            default=settings.RGPD_CONSERVATION_ANNEES,
            metavar="N",
            help="Durée de conservation après le dernier contact, en années "
            f"(par défaut {settings.RGPD_CONSERVATION_ANNEES}, réglage "
            "RGPD_CONSERVATION_ANNEES).",
        )
        parser.add_argument(
            "--appliquer",
            action="store_true",
            help="Anonymise vraiment (sinon : simple liste, rien n'est modifié).",
        )

    def handle(self, *args, annees: int, appliquer: bool, **options) -> None:
        if annees < 1:
            raise CommandError("--annees doit être un nombre entier d'années, au moins 1.")
        limite = rgpd.date_limite(annees)
        inactifs = rgpd.porteurs_inactifs(annees)
        verbe = "anonymisés" if appliquer else "à anonymiser (simulation, rien n'est modifié)"
        self.stdout.write(
            f"Porteurs sans contact depuis le {limite:%d/%m/%Y} ({annees} an"
            f"{'s' if annees > 1 else ''}) : {len(inactifs)} {verbe}."
        )
        for inactif in inactifs:
            references = ", ".join(inactif.references) or "aucun dossier"
            self.stdout.write(
                f"  porteur n° {inactif.porteur_id} — dernier contact le "
                f"{inactif.dernier_contact:%d/%m/%Y} — dossiers : {references}"
            )
            if appliquer:
                # One transaction per person: a person touched since the list was read
                # (anonymised by hand meanwhile) is skipped, not an error for the others.
                try:
                    rgpd.anonymiser_porteur(Porteur(pk=inactif.porteur_id), auteur=None)
                except rgpd.DejaAnonymise:
                    self.stdout.write("    déjà anonymisé entre-temps : ignoré")
        if not appliquer and inactifs:
            self.stdout.write("Relancez avec --appliquer pour les anonymiser.")
