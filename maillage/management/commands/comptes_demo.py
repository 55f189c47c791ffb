from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.comptes import creer_ou_mettre_a_jour_compte
from maillage.roles import ADMINISTRATEUR, CHARGE, DIRECTION

# Known passwords, on purpose: they are printed by `make run` and written in the README, and
# this command refuses to run in production.
COMPTES_DEMO = [
    ("charge", CHARGE, "maillage-charge-2013", "Camille", "Chargée (démo)"),
    ("directeur", DIRECTION, "maillage-directeur-2013", "Dominique", "Directeur (démo)"),
    (
        "administrateur",
        ADMINISTRATEUR,
        "maillage-administrateur-2013",
        "Alex",
        "Administrateur (démo)",
    ),
]


class Command(BaseCommand):
    help = "Crée (ou remet en état) les trois comptes de démonstration, un par rôle."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Les comptes de démonstration ne sont pas créés en production.")
        self.stdout.write("Comptes de démonstration (identifiant / mot de passe) :")
        for username, role, mot_de_passe, prenom, nom in COMPTES_DEMO:
            _, cree = creer_ou_mettre_a_jour_compte(
                username, role, mot_de_passe, prenom=prenom, nom=nom
            )
            etat = "créé" if cree else "déjà présent"
            self.stdout.write(f"  {role:<22} {username:<16} {mot_de_passe}   ({etat})")
