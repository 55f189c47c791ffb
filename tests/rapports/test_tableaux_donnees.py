"""A small association built for the dashboard tests (imported by the test_tableaux_*
modules): receptions in two LMCU territories and another EPCI, every dispositif, each
porteur with a name, an email, a phone and confidential notes that must never reach the
board, and points d'accueil open and closed.

The module's name starts with test_ so that it stays within the dashboard's test files;
it holds no test itself.
"""

import datetime
from decimal import Decimal

from accompagnement import services
from accompagnement.models import RendezVous
from porteurs.models import Porteur
from territoires.models import PointAccueil
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    EPCIFactory,
    PointAccueilFactory,
    PorteurFactory,
    TerritoireGouvernanceFactory,
    UtilisateurFactory,
    faire_changer_phase,
)
from tests.rapports.conftest import SORTIE_VALORISABLE, C, S, d

GENRES = (Porteur.Genre.FEMME, Porteur.Genre.HOMME, Porteur.Genre.NR)
SITUATIONS = Porteur.SituationProfessionnelle.values
DISPOSITIFS = ("escale", "citeslab", "projet_vie", "escale", "habitants")


def nom_porteur(i: int) -> str:
    return f"Quenardel{i:03d}"


def courriel(i: int) -> str:
    return f"porteur{i:03d}@exemple.test"


def telephone(i: int) -> str:
    return f"06 98 76 {i // 100:02d} {i % 100:02d}"


def note(i: int) -> str:
    return f"Note confidentielle numéro {i:03d}"


def une_association(taille: int = 1) -> dict:
    """`taille` times a varied set of receptions in 2012 and 2013 (a few dozen dossiers
    at size 1), written through the app's domain functions."""
    lille = CommuneFactory(lille=True, latitude=Decimal("50.63"), longitude=Decimal("3.06"))
    lmcu = lille.epci
    roubaix = CommuneFactory(
        code_insee="59512",
        nom="Roubaix",
        epci=lmcu,
        territoire_gouvernance=TerritoireGouvernanceFactory(nom="Roubaisien", epci=lmcu),
        latitude=Decimal("50.69"),
        longitude=Decimal("3.18"),
    )
    valenciennes = CommuneFactory(
        code_insee="59606",
        nom="Valenciennes",
        epci=EPCIFactory(siren="245901160", nom="Valenciennes Métropole", sigle="CAVM"),
        latitude=Decimal("50.36"),
        longitude=Decimal("3.52"),
    )
    communes = (lille, lille, roubaix, valenciennes, lille, roubaix, lille)
    # (get_or_create: a second call makes the association bigger, not a duplicate point.)
    pap = PointAccueil.objects.filter(commune=lille).first() or PointAccueilFactory(
        nom="Centre social de l'Arbrisseau", commune=lille, adresse="1 rue du Parc"
    )
    ferme = PointAccueil.objects.filter(commune=roubaix).first() or PointAccueilFactory(
        nom="Mairie de quartier fermée",
        commune=roubaix,
        actif_jusqu_au=datetime.date(2013, 1, 31),
    )
    charges = [UtilisateurFactory(charge=True) for _ in range(2)]
    numero = Porteur.objects.count()
    premier = numero + 1
    for _ in range(taille):
        for i in range(23):
            numero += 1
            porteur = PorteurFactory(
                nom=nom_porteur(numero),
                prenom="Sidonie",
                email=courriel(numero),
                telephone=telephone(numero),
                genre=GENRES[i % 3],
                situation_professionnelle=SITUATIONS[i % len(SITUATIONS)],
                commune=communes[i % len(communes)],
                date_naissance=None if i % 5 == 0 else datetime.date(1960 + i, 3, 1),
            )
            dossier = DossierFactory(porteur=porteur, dispositif=DISPOSITIFS[i % 5])
            annee = 2012 if i % 4 == 0 else 2013
            charge = charges[i % 2]
            jours = [datetime.date(annee, 1 + i % 12, 3)]
            if i % 3 != 0:
                jours.append(jours[0] + datetime.timedelta(days=20))
            for n, jour in enumerate(jours):
                services.enregistrer_rendez_vous(
                    dossier,
                    auteur=charge,
                    date=jour,
                    charge=charge,
                    lieu=RendezVous.Lieu.POINT_ACCUEIL if n == 0 else RendezVous.Lieu.LOCAUX,
                    point_accueil=pap if n == 0 else None,
                    notes=note(numero),
                )
            if i % 3 != 0 and i % 2 == 0:
                faire_changer_phase(dossier, C, jours[-1] + datetime.timedelta(days=30))
                if i % 4 == 2:
                    faire_changer_phase(
                        dossier,
                        S,
                        jours[-1] + datetime.timedelta(days=60),
                        **SORTIE_VALORISABLE,
                    )
            elif i % 7 == 1:
                faire_changer_phase(dossier, S, d("30/11/2013"))
    return {
        "lille": lille,
        "roubaix": roubaix,
        "valenciennes": valenciennes,
        "lmcu": lmcu,
        "pap": pap,
        "pap_ferme": ferme,
        "numeros": range(premier, numero + 1),
    }
