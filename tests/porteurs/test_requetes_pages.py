"""The dossier list and the dossier page make the same number of queries whatever the data
(issue 9): each is measured on a small and on a large set of the same shape. The large list
runs over more than one page, with a different referent, commune and EPCI on every row; the
large dossier has many appointments with different staff and places, co-porteurs and a long
history of modifications."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from porteurs.models import Phase
from porteurs.views import PAR_PAGE
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    PointAccueilFactory,
    PorteurFactory,
    RendezVousFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

# Generous ceilings: the exact count belongs to the templates and middlewares, which change;
# what must not change is that it stays the same at both sizes.
PLAFOND_LISTE = 16
PLAFOND_DOSSIER = 24


def requetes(client, url: str, parametres: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as capture:
        reponse = client.get(url, parametres or {})
    assert reponse.status_code == 200
    return len(capture)


def des_dossiers(nombre: int) -> None:
    """`nombre` dossiers received in 2013, each with its own referent, commune and EPCI."""
    for _ in range(nombre):
        DossierFactory(
            en_accueil=True,
            porteur=PorteurFactory(commune=CommuneFactory()),
            referent=UtilisateurFactory(charge=True),
        )


@pytest.mark.parametrize(
    "parametres",
    [
        {},
        {"page": "2"},
        {"phase": Phase.ACCUEIL, "dispositif": "escale"},
        {"accueil_du": "2013-01-01", "accueil_au": "2013-12-31", "qpv": "nr"},
        {"q": "a"},
        {"phase": "aucune"},
    ],
)
def test_the_dossier_list_takes_the_same_queries_on_one_page_and_on_several(
    client_charge, parametres
):
    des_dossiers(2)
    petit = requetes(client_charge, reverse("porteurs:dossiers"), parametres)
    des_dossiers(PAR_PAGE + 5)
    grand = requetes(client_charge, reverse("porteurs:dossiers"), parametres)
    assert petit == grand <= PLAFOND_LISTE


def test_the_list_filtered_by_referent_and_commune_takes_the_same_queries(client_charge):
    referent = UtilisateurFactory(charge=True)
    commune = CommuneFactory(nom="Tourcoing", code_insee="59599")
    parametres = {"referent": referent.pk, "commune": "59599"}
    for _ in range(2):
        DossierFactory(en_accueil=True, referent=referent, porteur=PorteurFactory(commune=commune))
    petit = requetes(client_charge, reverse("porteurs:dossiers"), parametres)
    for _ in range(PAR_PAGE + 5):
        DossierFactory(en_accueil=True, referent=referent, porteur=PorteurFactory(commune=commune))
    grand = requetes(client_charge, reverse("porteurs:dossiers"), parametres)
    assert petit == grand <= PLAFOND_LISTE


def un_dossier_suivi(parcours: list[str], rendez_vous: int, modifications: int):
    """A dossier through `parcours`, with `rendez_vous` held appointments (a new staff member
    and place each time), as many co-porteurs, and `modifications` edits of the dossier."""
    dossier = DossierFactory(parcours=parcours, referent=UtilisateurFactory(charge=True))
    for i in range(rendez_vous):
        RendezVousFactory(
            dossier=dossier,
            date=datetime.date(2013, 3, 4) + datetime.timedelta(days=i),
            charge=UtilisateurFactory(charge=True),
            au_point_accueil=bool(i % 2),
        )
        dossier.co_porteurs.add(PorteurFactory(commune=CommuneFactory()))
    PointAccueilFactory()
    for i in range(modifications):
        dossier.intitule = f"Projet, version {i}"
        dossier.save()
    return dossier


@pytest.mark.parametrize(
    "parcours",
    [
        [Phase.ACCUEIL],
        [Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION],
        [Phase.ACCUEIL, Phase.SORTIE],
    ],
    ids=["accueil", "creation", "sortie"],
)
def test_the_dossier_page_takes_the_same_queries_for_a_short_and_a_long_follow_up(
    client_charge, parcours
):
    court = un_dossier_suivi(parcours, rendez_vous=1, modifications=0)
    long = un_dossier_suivi(parcours, rendez_vous=12, modifications=5)
    petit = requetes(client_charge, reverse("porteurs:dossier", args=[court.reference]))
    grand = requetes(client_charge, reverse("porteurs:dossier", args=[long.reference]))
    assert petit == grand <= PLAFOND_DOSSIER
