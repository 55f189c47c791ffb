"""The annual report in the browser: read, write texts, publish, download."""

import json

import pytest
from django.urls import reverse

from rapports.models import EditionRapport
from tests.factories import PorteurFactory
from tests.rapports.conftest import A, M, dossier_avec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]


@pytest.fixture
def annee_2013():
    dossier_avec((A, "04/03/2013"), (M, "04/04/2013"), porteur=PorteurFactory(femme=True))
    dossier_avec((A, "12/05/2013"), porteur=PorteurFactory(homme=True), citeslab=True)


def test_staff_read_the_report_with_its_sections_charts_and_definitions(client_charge, annee_2013):
    reponse = client_charge.get(reverse("rapports:rapport", args=[2013]))
    texte = reponse.content.decode()
    assert reponse.status_code == 200
    for titre in (
        "1.4 Amorçage CitésLab",
        "1.5.2 Accueil orientation",
        "3.2 Formation programme ADVA",
    ):
        assert titre in texte
    assert 'id="graphiques-rapport" type="application/json"' in texte
    assert "Ce qui est compté" in texte
    # A chargée reads but does not write or publish.
    assert reverse("rapports:publier", args=[2013]) not in texte
    assert "Écrire un texte" not in texte


def test_board_members_are_refused_the_report(client_administrateur):
    assert client_administrateur.get(reverse("rapports:rapport", args=[2013])).status_code == 403


def test_a_year_out_of_range_is_a_404(client_charge):
    assert client_charge.get(reverse("rapports:rapport", args=[1999])).status_code == 404
    assert client_charge.get(reverse("rapports:rapport", args=[2015])).status_code == 404


def test_the_direction_writes_a_section_text_shown_in_the_report(client_directeur, annee_2013):
    url = reverse("rapports:rediger", args=[2013, "citeslab"])
    reponse = client_directeur.post(url, {"texte": "Une année de consolidation.\n\nMerci."})
    assert reponse.status_code == 302
    page = client_directeur.get(reverse("rapports:rapport", args=[2013])).content.decode()
    assert "<p>Une année de consolidation.</p>" in page


def test_an_unknown_section_is_a_404(client_directeur):
    url = reverse("rapports:rediger", args=[2013, "inconnue"])
    assert client_directeur.get(url).status_code == 404


def test_manual_indicators_are_saved_and_a_negative_one_refused(client_directeur, annee_2013):
    url = reverse("rapports:indicateurs", args=[2013])
    refuse = client_directeur.post(url, {"visiteurs_uniques_mensuels": "-5"})
    assert refuse.status_code == 400
    client_directeur.post(url, {"visiteurs_uniques_mensuels": "583", "actualites_publiees": "81"})
    donnees = client_directeur.get(reverse("rapports:rapport_json", args=[2013]))
    assert json.loads(donnees.content)["indicateurs"] == {
        "visiteurs_uniques_mensuels": 583,
        "actualites_publiees": 81,
    }


def test_publishing_freezes_the_figures_and_publishing_again_makes_a_new_version(
    client_directeur, annee_2013
):
    url = reverse("rapports:publier", args=[2013])
    assert client_directeur.post(url).status_code == 302
    premiere = EditionRapport.objects.get(annee=2013, version=1)
    assert premiere.donnees["dispositifs"]["escale"]["accueils"]["total"] == 1
    assert bytes(premiere.pdf)[:5] == b"%PDF-"

    # The casework changes after publication: the published edition does not.
    dossier_avec((A, "01/06/2013"), porteur=PorteurFactory(femme=True))
    fige = client_directeur.get(reverse("rapports:edition_json", args=[2013, 1]))
    assert json.loads(fige.content)["dispositifs"]["escale"]["accueils"]["total"] == 1
    pdf_fige = client_directeur.get(reverse("rapports:edition_pdf", args=[2013, 1]))
    assert pdf_fige.content == bytes(premiere.pdf)
    vivant = client_directeur.get(reverse("rapports:rapport_json", args=[2013]))
    assert json.loads(vivant.content)["dispositifs"]["escale"]["accueils"]["total"] == 2

    client_directeur.post(url)
    seconde = EditionRapport.objects.get(annee=2013, version=2)
    assert seconde.donnees["dispositifs"]["escale"]["accueils"]["total"] == 2
    assert seconde.publiee_par.username == "marc"
    assert EditionRapport.objects.filter(annee=2013).count() == 2


def test_only_the_direction_publishes(client_charge):
    assert client_charge.post(reverse("rapports:publier", args=[2013])).status_code == 403


def test_the_live_pdf_is_served_from_the_cache_until_the_data_change(client_charge, annee_2013):
    from django.core.cache import cache

    from rapports.rendu import empreinte

    cache.clear()
    url = reverse("rapports:rapport_pdf", args=[2013])
    premier = client_charge.get(url)
    assert premier["Content-Type"] == "application/pdf"
    avant = empreinte(2013)
    assert cache.get(f"rapport-pdf:2013:{avant}") == premier.content
    dossier_avec((A, "01/06/2013"), porteur=PorteurFactory(femme=True))
    assert empreinte(2013) != avant
