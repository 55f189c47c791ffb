"""A dashboard chart downloads as PNG in a real Chromium: plotly.js draws the image in the
browser (its mode bar's camera button), so no server-side renderer and no network are
needed. Skipped when Chromium is missing (tests/e2e/conftest.py)."""

import datetime

import pytest

from maillage.roles import ADMINISTRATEUR
from porteurs.models import Phase
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_board_member_downloads_a_chart_as_png_offline(page, compte, se_connecter, live_server):
    for mois in (2, 4, 6, 9):
        DossierFactory(parcours=[Phase.ACCUEIL], debut=datetime.date(2013, mois, 3))
    compte("alice", ADMINISTRATEUR)
    hors_du_site: list[str] = []
    page.on(
        "request",
        lambda r: (
            hors_du_site.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    se_connecter("alice")
    page.goto("/rapports/tableaux-de-bord/?annee=2013")
    graphique = page.locator('[data-figure="figure-accueils-par-mois"]')
    graphique.locator(".main-svg").first.wait_for()
    graphique.hover()
    bouton = graphique.locator('.modebar-btn[data-title^="Download plot"]')
    with page.expect_download() as telechargement:
        bouton.click()
    fichier = telechargement.value
    assert fichier.suggested_filename == "accueils-par-mois.png"
    with open(fichier.path(), "rb") as image:
        assert image.read(8) == PNG
    assert not hors_du_site, hors_du_site
