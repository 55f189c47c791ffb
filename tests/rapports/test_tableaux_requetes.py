"""The number of queries of each dashboard does not depend on the data: pinned on the same
association built at two sizes, with and without filters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapports import tableaux
from rapports.tableaux import Filtres
from tests.rapports.test_tableaux_donnees import une_association

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]

AUJOURD_HUI = datetime.date(2014, 6, 30)


def requetes(fonction) -> int:
    with CaptureQueriesContext(connection) as contexte:
        fonction()
    return len(contexte.captured_queries)


def comptes(filtres: Filtres) -> tuple[int, int, int]:
    return (
        requetes(lambda: tableaux.tableau_conseil(filtres)),
        requetes(lambda: tableaux.tableau_direction(filtres, AUJOURD_HUI)),
        requetes(lambda: tableaux.carte(filtres, AUJOURD_HUI)),
    )


@pytest.mark.parametrize(
    "filtres",
    [
        lambda a: Filtres(2013),
        lambda a: Filtres(2013, dispositif="citeslab", epci=a["lmcu"].pk),
        lambda a: Filtres(2012, territoire=a["roubaix"].territoire_gouvernance_id),
    ],
)
def test_the_statistics_make_the_same_number_of_queries_at_two_sizes(filtres):
    petite = une_association(taille=1)
    avant = comptes(filtres(petite))
    une_association(taille=3)
    apres = comptes(filtres(petite))
    assert (
        avant
        == apres
        == (
            tableaux.QUERIES_CONSEIL,
            tableaux.QUERIES_DIRECTION,
            tableaux.QUERIES_CARTE,
        )
    )


def _cache_vide() -> None:
    """Each run starts cold: figures and year list computed (rapports.vues_tableaux)."""
    from django.core.cache import cache

    cache.clear()


def pages(client, association) -> list[int]:
    _cache_vide()
    parametres = {"annee": "2013", "epci": association["lmcu"].siren}
    urls = [
        reverse("rapports:tableaux_de_bord"),
        reverse("rapports:tableau_direction"),
        reverse("rapports:carte_points_accueil"),
        reverse("rapports:tableau_csv", args=["conseil", "accueils-par-epci"]),
        reverse("rapports:tableau_svg", args=["direction", "rendez-vous-par-lieu"]),
    ]
    resultat = []
    for url in urls:
        with CaptureQueriesContext(connection) as contexte:
            assert client.get(url, parametres).status_code == 200
        resultat.append(len(contexte.captured_queries))
    return resultat


def test_each_page_makes_the_same_number_of_queries_at_two_sizes(client_directeur):
    association = une_association(taille=1)
    avant = pages(client_directeur, association)
    une_association(taille=3)
    assert pages(client_directeur, association) == avant


def pages_du_conseil(client, association) -> list[int]:
    _cache_vide()
    territoire = association["roubaix"].territoire_gouvernance_id
    resultat = []
    for url, parametres in [
        (reverse("rapports:tableaux_de_bord"), {}),
        (
            reverse("rapports:tableaux_de_bord"),
            {"annee": "2013", "dispositif": "citeslab", "territoire": territoire},
        ),
        (reverse("rapports:carte_points_accueil"), {"annee": "2012"}),
    ]:
        with CaptureQueriesContext(connection) as contexte:
            assert client.get(url, parametres).status_code == 200
        resultat.append(len(contexte.captured_queries))
    return resultat


def test_a_board_members_pages_make_the_same_number_of_queries_at_two_sizes(
    client_administrateur,
):
    association = une_association(taille=1)
    avant = pages_du_conseil(client_administrateur, association)
    une_association(taille=3)
    assert pages_du_conseil(client_administrateur, association) == avant
