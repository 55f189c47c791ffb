"""Journey 3: a board member opens the dashboards, changes the year and the territory,
and is refused a dossier's address typed by hand."""

import datetime
import re

import pytest
from django.core.management import call_command

from porteurs.models import Phase
from territoires.models import Commune
from tests.e2e.conftest import ADMINISTRATEUR
from tests.factories import DossierFactory, PorteurFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_board_member_reads_the_dashboards_and_is_refused_a_dossier(
    page, compte, se_connecter, capture, verifier_accessibilite
):
    call_command("charger_referentiel", verbosity=0)
    lille = Commune.objects.get(code_insee="59350")
    dossiers = [
        DossierFactory(
            parcours=[Phase.ACCUEIL],
            debut=datetime.date(annee, mois, 3),
            porteur=PorteurFactory(commune=lille, nom=f"Confidentiel{annee}{mois}"),
        )
        for annee in (2012, 2013)
        for mois in (2, 4, 6, 9)
    ]
    compte("alice", ADMINISTRATEUR, first_name="Alice", last_name="Martin")

    se_connecter("alice")
    page.get_by_role("heading", name=re.compile("Tableau")).first.wait_for()
    assert "/rapports/tableaux-de-bord/" in page.url
    verifier_accessibilite()
    capture("01-tableau-de-bord")

    page.get_by_label("Année", exact=True).select_option("2012")
    page.get_by_label("Territoire de gouvernance (métropole lilloise)", exact=True).select_option(
        label="Lillois"
    )
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    assert "annee=2012" in page.url
    contenu = page.content()
    assert "Confidentiel" not in contenu
    verifier_accessibilite()
    capture("02-filtre-2012-lillois")

    reponse = page.goto(f"/dossiers/{dossiers[0].reference}/")
    assert reponse.status == 403
    assert "Accès refusé" in page.content()
    assert "Confidentiel" not in page.content()
    capture("03-dossier-refuse")
