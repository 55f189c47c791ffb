"""The dashboard pages: who sees which, what the board's pages never show (names,
contacts, notes, counts under 3), filters, the map, the exports."""

import csv
import html as html_lib
import io
import itertools
import json
import re

import pytest
from django.urls import reverse

from accompagnement import services
from porteurs.models import Dossier
from rapports.tableaux import MASQUE, MASQUE_SECONDAIRE, SOUS_LE_SEUIL
from territoires.models import PointAccueil
from tests.factories import UtilisateurFactory
from tests.rapports.test_tableaux_donnees import (
    courriel,
    nom_porteur,
    note,
    telephone,
    une_association,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]

CONSEIL = reverse("rapports:tableaux_de_bord")
DIRECTION = reverse("rapports:tableau_direction")
CARTE = reverse("rapports:carte_points_accueil")
MASQUES = {SOUS_LE_SEUIL, MASQUE_SECONDAIRE, MASQUE}


@pytest.fixture
def association():
    return une_association()


def textes_des_cases(html: str) -> list[str]:
    """Every count the page's tables show (the data-effectif of each cell)."""
    return [html_lib.unescape(t) for t in re.findall(r'data-effectif="([^"]*)"', html)]


def figures(html: str) -> list[dict]:
    """The plotly figures of the charts (the map apart)."""
    blocs = re.findall(r'<script id="(figure-[^"]+)" type="application/json">(.*?)</script>', html)
    return [json.loads(contenu) for id_, contenu in blocs if id_ != "figure-carte"]


def textes_de_la_carte(html: str) -> list[str]:
    """The counts of the map's communes ("Lille : 12")."""
    bloc = re.search(r'<script id="figure-carte" type="application/json">(.*?)</script>', html)
    if not bloc:
        return []
    communes = json.loads(bloc[1])["data"][0]
    return [texte.rsplit(" : ", 1)[1] for texte in communes["text"]]


def assert_aucune_case_sous_3(html: str) -> None:
    for texte in textes_des_cases(html) + textes_de_la_carte(html):
        if texte in MASQUES:
            continue
        valeur = int(texte.replace("\u202f", ""))
        assert valeur == 0 or valeur >= 3, f"case « {texte} » visible"
    for figure in figures(html):
        for trace in figure["data"]:
            for texte in trace.get("text") or []:
                if texte in MASQUES:
                    continue
                valeur = int(texte.split(" (")[0].replace("\u202f", ""))
                assert valeur == 0 or valeur >= 3, f"texte « {texte} » dans un graphique"
            for cle in ("x", "y"):
                for v in trace.get(cle) or []:
                    if isinstance(v, int | float):
                        assert v == 0 or v >= 3, f"valeur {v} dans un graphique"


def assert_rien_de_personnel(html: str, numeros) -> None:
    for i in numeros:
        assert nom_porteur(i) not in html
        assert courriel(i) not in html
        assert telephone(i) not in html
        assert note(i) not in html
    assert "Sidonie" not in html


# --- Who sees what ---------------------------------------------------------------------------


def test_a_board_member_sees_the_board_dashboard_and_the_map(client_administrateur, association):
    assert client_administrateur.get(CONSEIL).status_code == 200
    assert client_administrateur.get(CARTE).status_code == 200


def test_a_board_member_may_not_open_the_direction_dashboard(client_administrateur, association):
    assert client_administrateur.get(DIRECTION).status_code == 403
    url = reverse("rapports:tableau_csv", args=["direction", "rendez-vous-par-salarie"])
    assert client_administrateur.get(url).status_code == 403


def test_staff_see_the_board_dashboard_but_not_the_direction_one(client_charge, association):
    assert client_charge.get(CONSEIL).status_code == 200
    assert client_charge.get(DIRECTION).status_code == 403


def test_the_direction_sees_both_dashboards(client_directeur, association):
    reponse = client_directeur.get(DIRECTION)
    assert reponse.status_code == 200
    assert "Travail de l'équipe" in reponse.content.decode()
    assert client_directeur.get(CONSEIL).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    assert client.get(CONSEIL).status_code == 302


# --- The board never sees a person -----------------------------------------------------------

ANNEES = ("2012", "2013")
DISPOSITIFS = ("", "escale", "citeslab", "habitants")


def territoires(association) -> list[dict]:
    lmcu = association["lmcu"]
    return [
        {},
        {"epci": lmcu.siren},
        {"epci": association["valenciennes"].epci.siren},
        {"territoire": association["roubaix"].territoire_gouvernance.pk},
        {"epci": lmcu.siren, "territoire": association["lille"].territoire_gouvernance.pk},
    ]


def test_the_board_dashboard_shows_no_person_and_no_count_under_3_whatever_the_filters(
    client_administrateur, association
):
    for annee, dispositif, territoire in itertools.product(
        ANNEES, DISPOSITIFS, territoires(association)
    ):
        parametres = {"annee": annee, "dispositif": dispositif, **territoire}
        reponse = client_administrateur.get(CONSEIL, parametres)
        assert reponse.status_code == 200, parametres
        html = reponse.content.decode()
        assert "Filtres non valides" not in html, parametres
        assert_rien_de_personnel(html, association["numeros"])
        assert_aucune_case_sous_3(html)


def test_those_checks_catch_what_the_direction_may_see_and_the_board_may_not(
    client_directeur, association
):
    # The direction's exact page under the same filters has counts of 1 or 2 and names:
    # the checks above would fail on it, so they do look at the cells and the text.
    html = client_directeur.get(
        DIRECTION, {"annee": "2013", "territoire": association["roubaix"].territoire_gouvernance.pk}
    ).content.decode()
    with pytest.raises(AssertionError, match="visible"):
        assert_aucune_case_sous_3(html)
    with pytest.raises(AssertionError):
        assert_rien_de_personnel(html, association["numeros"])


def test_the_board_dashboard_masks_small_cells_under_a_territory_filter(
    client_administrateur, association
):
    html = client_administrateur.get(
        CONSEIL, {"annee": "2013", "territoire": association["roubaix"].territoire_gouvernance.pk}
    ).content.decode()
    assert "&lt; 3" in html or SOUS_LE_SEUIL in html


def test_the_map_shows_no_person_and_no_count_under_3_to_the_board(
    client_administrateur, association
):
    for annee in ANNEES:
        html = client_administrateur.get(CARTE, {"annee": annee}).content.decode()
        assert_rien_de_personnel(html, association["numeros"])
        assert_aucune_case_sous_3(html)


def test_the_direction_dashboard_lists_dossiers_with_links(client_directeur, association):
    html = client_directeur.get(DIRECTION, {"annee": "2013"}).content.decode()
    html = html_lib.unescape(html)
    assert "Dossiers sans rendez-vous depuis six mois" in html
    dossier = Dossier.objects.filter(phase__in=["accueil", "maturation"]).first()
    assert reverse("porteurs:dossier", args=[dossier.reference]) in html
    assert "Part de « non renseigné »" in html


# --- Filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parametres",
    [
        {"annee": "abc"},
        {"annee": "1850"},
        {"dispositif": "inconnu"},
        {"epci": "000000000"},
        {"territoire": "999999"},
        {"territoire": "x' OR 1=1"},
    ],
)
def test_invalid_filters_are_said_in_french_and_show_the_default_view(
    client_administrateur, association, parametres
):
    reponse = client_administrateur.get(CONSEIL, parametres)
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Filtres non valides" in html
    assert "choisissez" in html


def test_a_territory_outside_the_chosen_epci_is_refused(client_administrateur, association):
    html = client_administrateur.get(
        CONSEIL,
        {
            "epci": association["valenciennes"].epci.siren,
            "territoire": association["roubaix"].territoire_gouvernance.pk,
        },
    ).content.decode()
    assert "n'appartient pas à l'EPCI" in html_lib.unescape(html)


# --- The map ---------------------------------------------------------------------------------


def test_the_map_lists_every_active_point_and_no_closed_one(client_administrateur, association):
    html = client_administrateur.get(CARTE).content.decode()
    liste = html[html.index('id="liste-points-accueil"') :]
    actifs = list(PointAccueil.objects.actifs())
    assert actifs
    for point in actifs:
        assert html_lib.escape(point.nom) in liste
    assert association["pap_ferme"].nom not in html
    assert "1 rue du Parc" in liste


def test_the_map_draws_points_without_tiles_from_any_other_host(client_administrateur, association):
    html = client_administrateur.get(CARTE).content.decode()
    carte = json.loads(
        re.search(r'<script id="figure-carte" type="application/json">(.*?)</script>', html)[1]
    )
    assert [trace["type"] for trace in carte["data"]] == ["scatter", "scatter"]
    assert "mapbox" not in json.dumps(carte) and "tile" not in json.dumps(carte)
    assert "<script>" not in html  # no inline script (CSP)


# --- Exports ---------------------------------------------------------------------------------


def lire_csv(reponse) -> list[list[str]]:
    contenu = reponse.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(contenu), delimiter=";"))


def test_the_csv_export_of_the_board_applies_the_secret(client_administrateur, association):
    url = reverse("rapports:tableau_csv", args=["conseil", "accueils-par-genre"])
    parametres = {"annee": "2013", "territoire": association["roubaix"].territoire_gouvernance.pk}
    reponse = client_administrateur.get(url, parametres)
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/csv")
    lignes = lire_csv(reponse)
    valeurs = [ligne[1] for ligne in lignes[2:]]
    assert valeurs
    for v in valeurs:
        assert v in MASQUES or int(v.replace("\u202f", "")) == 0 or int(v) >= 3


def test_the_direction_csv_is_exact(client_directeur, association):
    url = reverse("rapports:tableau_csv", args=["direction", "accueils-par-genre"])
    parametres = {"annee": "2013", "territoire": association["roubaix"].territoire_gouvernance.pk}
    lignes = lire_csv(client_directeur.get(url, parametres))
    assert all(ligne[1].isdigit() for ligne in lignes[2:])


def test_csv_cells_that_look_like_formulas_are_neutralised(client_directeur, association):
    charge = UtilisateurFactory(first_name="=HYPERLIEN(1)", last_name="", charge=True)
    dossier = Dossier.objects.filter(phase="accueil").first()
    services.enregistrer_rendez_vous(
        dossier, auteur=charge, date=dossier.date_accueil, charge=charge
    )
    url = reverse("rapports:tableau_csv", args=["direction", "rendez-vous-par-salarie"])
    lignes = lire_csv(client_directeur.get(url, {"annee": dossier.date_accueil.year}))
    cellules = [c for ligne in lignes for c in ligne]
    assert "'=HYPERLIEN(1)" in cellules
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cellules)


def test_the_svg_export_draws_the_chart_with_masked_cells(client_administrateur, association):
    url = reverse("rapports:tableau_svg", args=["conseil", "accueils-par-situation"])
    reponse = client_administrateur.get(
        url, {"annee": "2013", "territoire": association["roubaix"].territoire_gouvernance.pk}
    )
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "image/svg+xml"
    assert reponse.content.startswith(b"<svg")


def test_an_unknown_chart_is_a_404(client_administrateur, association):
    url = reverse("rapports:tableau_csv", args=["conseil", "inconnu"])
    assert client_administrateur.get(url).status_code == 404
