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
    client_directeur, annee_2013, django_capture_on_commit_callbacks
):
    from rapports.publication import faire_pdf_edition

    url = reverse("rapports:publier", args=[2013])
    with django_capture_on_commit_callbacks(execute=False) as lancements:
        assert client_directeur.post(url).status_code == 302
    assert len(lancements) == 1  # the PDF is made in the background after the commit
    premiere = EditionRapport.objects.get(annee=2013, version=1)
    assert premiere.donnees["dispositifs"]["escale"]["accueils"]["total"] == 1
    attente = client_directeur.get(reverse("rapports:edition_pdf", args=[2013, 1]))
    assert attente.status_code == 202
    assert "PDF en préparation" in attente.content.decode()
    faire_pdf_edition(premiere.pk)  # what the background thread runs
    premiere.refresh_from_db()
    assert bytes(premiere.pdf)[:5] == b"%PDF-"

    # The casework changes after publication: the published edition does not.
    dossier_avec((A, "01/06/2013"), porteur=PorteurFactory(femme=True))
    fige = client_directeur.get(reverse("rapports:edition_json", args=[2013, 1]))
    assert json.loads(fige.content)["dispositifs"]["escale"]["accueils"]["total"] == 1
    pdf_fige = client_directeur.get(reverse("rapports:edition_pdf", args=[2013, 1]))
    assert pdf_fige.content == bytes(premiere.pdf)
    vivant = client_directeur.get(reverse("rapports:rapport_json", args=[2013]))
    assert json.loads(vivant.content)["dispositifs"]["escale"]["accueils"]["total"] == 2

    with django_capture_on_commit_callbacks(execute=False):
        client_directeur.post(url)
    seconde = EditionRapport.objects.get(annee=2013, version=2)
    assert seconde.donnees["dispositifs"]["escale"]["accueils"]["total"] == 2
    assert seconde.publiee_par.username == "marc"
    assert EditionRapport.objects.filter(annee=2013).count() == 2


def test_only_the_direction_publishes(client_charge):
    assert client_charge.post(reverse("rapports:publier", args=[2013])).status_code == 403


def test_the_live_pdf_is_made_in_the_background_then_served_until_the_data_change(
    client_charge, annee_2013, django_capture_on_commit_callbacks
):
    from rapports.models import GenerationPDF
    from rapports.rendu import generer

    url = reverse("rapports:rapport_pdf", args=[2013])
    with django_capture_on_commit_callbacks(execute=False) as lancements:
        attente = client_charge.get(url)
    # The page answers at once, says where it stands and reloads itself.
    assert attente.status_code == 202
    assert "Préparation du PDF" in attente.content.decode() or "préparation du PDF" in (
        attente.content.decode()
    )
    assert '<meta http-equiv="refresh" content="2">' in attente.content.decode()
    assert len(lancements) == 1
    generation = GenerationPDF.objects.get(annee=2013)
    assert generation.etat == GenerationPDF.Etat.EN_COURS

    # A second click while it runs starts nothing more.
    with django_capture_on_commit_callbacks(execute=False) as lancements:
        assert client_charge.get(url).status_code == 202
    assert lancements == []

    generer(generation.pk)  # what the background thread runs
    pret = client_charge.get(url)
    assert pret.status_code == 200
    assert pret["Content-Type"] == "application/pdf"
    assert pret.content[:5] == b"%PDF-"

    # New casework: the next download makes a new PDF.
    dossier_avec((A, "01/06/2013"), porteur=PorteurFactory(femme=True))
    with django_capture_on_commit_callbacks(execute=False):
        assert client_charge.get(url).status_code == 202


def test_a_failed_generation_is_shown_and_can_be_retried(client_charge, annee_2013):
    from rapports.models import GenerationPDF
    from rapports.rendu import empreinte

    GenerationPDF.objects.create(
        annee=2013, empreinte=empreinte(2013), etat="echec", erreur="OSError : disque plein"
    )
    url = reverse("rapports:rapport_pdf", args=[2013])
    echec = client_charge.get(url).content.decode()
    assert "La préparation du PDF a échoué" in echec and "disque plein" in echec
    assert "http-equiv" not in echec  # no endless reloading on an error
    # "Réessayer" starts it again: the page shows progress, not the old error.
    reponse = client_charge.get(url, {"relancer": "1"})
    assert reponse.status_code == 202
    assert "disque plein" not in reponse.content.decode()
    assert GenerationPDF.objects.get(annee=2013).etat == "en_cours"
