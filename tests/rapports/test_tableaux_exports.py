"""What leaves the dashboards besides the page: every chart's CSV and SVG, and the plotly
figures the browser draws (and downloads as PNG with plotly.js's own button)."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from rapports import tableaux
from rapports.tableaux import MASQUE, MASQUE_SECONDAIRE, SOUS_LE_SEUIL, Filtres
from tests.rapports.test_tableaux_donnees import une_association
from tests.rapports.test_tableaux_pages import CARTE, CONSEIL, DIRECTION, assert_rien_de_personnel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]

MASQUES = {SOUS_LE_SEUIL, MASQUE_SECONDAIRE, MASQUE}
_VALEUR = re.compile(rf"({re.escape(SOUS_LE_SEUIL)}|{MASQUE_SECONDAIRE}|{MASQUE}|[\d\u202f]+)$")


@pytest.fixture
def association():
    return une_association()


def filtres_echantillon(association) -> list[dict]:
    """Filters under which the sample's cells are small (a territory, a dispositif)."""
    return [
        {"annee": "2013", "territoire": association["roubaix"].territoire_gouvernance.pk},
        {"annee": "2012", "dispositif": "citeslab", "epci": association["lmcu"].siren},
    ]


def assert_pas_sous_3(texte: str, ou: str) -> None:
    if texte in MASQUES:
        return
    valeur = int(texte.replace("\u202f", ""))
    assert valeur == 0 or valeur >= 3, f"« {texte} » visible dans {ou}"


def test_no_csv_or_svg_of_the_board_shows_a_person_or_a_count_under_3(
    client_administrateur, association
):
    identifiants = tableaux.tableau_conseil(Filtres(2013)).tableaux
    verifiees = 0
    for parametres in filtres_echantillon(association):
        for identifiant, tableau in identifiants.items():
            url = reverse("rapports:tableau_csv", args=["conseil", identifiant])
            reponse = client_administrateur.get(url, parametres)
            assert reponse.status_code == 200, (identifiant, parametres)
            contenu = reponse.content.decode("utf-8-sig")
            assert_rien_de_personnel(contenu, association["numeros"])
            titre, entete, *lignes = csv.reader(io.StringIO(contenu), delimiter=";")
            colonnes = len(tableau.series)
            assert len(entete) in (colonnes + 1, colonnes + 2)  # with or without "Part"
            for ligne in lignes:
                for texte in ligne[1 : colonnes + 1]:
                    assert_pas_sous_3(texte, f"{identifiant}.csv {parametres}")
                    verifiees += 1
            if not tableau.graphique:
                continue
            url = reverse("rapports:tableau_svg", args=["conseil", identifiant])
            dessin = client_administrateur.get(url, parametres).content.decode()
            assert_rien_de_personnel(dessin, association["numeros"])
            # The description lists every drawn value (the tick labels are not counts).
            description = ET.fromstring(dessin).find("{http://www.w3.org/2000/svg}desc").text
            for categorie in description.split(" ; "):
                for texte in categorie.rsplit(" : ", 1)[1].split(", "):
                    assert_pas_sous_3(_VALEUR.search(texte)[1], f"{identifiant}.svg {parametres}")
    assert verifiees > 200  # the sample did go through the cells


def test_the_sample_has_cells_under_3_that_the_board_exports_mask(
    client_administrateur, association
):
    # Without small cells in the sample, the test above would prove nothing.
    parametres = filtres_echantillon(association)[0]
    exactes = tableaux.tableau_conseil(Filtres(2013, territoire=parametres["territoire"]))
    assert {1, 2} & set(exactes.tableaux["accueils-par-genre"].series[0].valeurs)
    url = reverse("rapports:tableau_csv", args=["conseil", "accueils-par-genre"])
    contenu = client_administrateur.get(url, parametres).content.decode("utf-8-sig")
    assert SOUS_LE_SEUIL in contenu


def figures_de_la_page(html: str) -> tuple[dict, list[dict]]:
    """The page's plotly template (sent once) and every figure's JSON block."""
    blocs = dict(re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html))
    gabarit = json.loads(blocs.pop("gabarit-plotly"))
    return gabarit, [json.loads(b) for i, b in blocs.items() if i.startswith("figure-")]


@pytest.mark.parametrize(
    ("client_", "url"),
    [
        ("client_administrateur", CONSEIL),
        ("client_directeur", DIRECTION),
        ("client_administrateur", CARTE),
    ],
)
def test_every_figure_sent_to_plotly_js_is_valid_plotly_and_complete(
    request, association, client_, url
):
    # As static/js/tableaux.js does: the page's template is put back in each figure.
    client = request.getfixturevalue(client_)
    gabarit, figures = figures_de_la_page(client.get(url, {"annee": "2013"}).content.decode())
    assert len(figures) >= (1 if url == CARTE else 10)
    for figure in figures:
        config = figure.pop("config")
        assert "template" not in figure["layout"]
        figure["layout"]["template"] = gabarit
        # plotly.py validates every property and fills in what is missing.
        assert json.loads(go.Figure(figure).to_json()) == figure
        assert config["displaylogo"] is False


def test_every_chart_offers_plotly_js_png_download(client_administrateur, association):
    # The PNG is drawn by plotly.js in the browser (its « Download plot as a png » button),
    # which works offline: it must stay in the mode bar.
    reponse = client_administrateur.get(CONSEIL)
    _, figures = figures_de_la_page(reponse.content.decode())
    assert figures
    # plotly.js loads the chart's SVG as a blob: image to paint the PNG.
    politique = dict(
        directive.strip().split(" ", 1)
        for directive in reponse["Content-Security-Policy"].split(";")
    )
    assert politique["img-src"].split() == ["'self'", "data:", "blob:"]
    for figure in figures:
        config = figure["config"]
        assert config.get("displayModeBar", True) is not False
        assert "toImage" not in config.get("modeBarButtonsToRemove", [])
        assert config["toImageButtonOptions"]["format"] == "png"
        assert config["toImageButtonOptions"]["filename"]
