"""The attendance sheet (HTML to print, and PDF) and the attendance certificate (PDF), read
back with poppler's pdftotext."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse

from formations.services import annuler_inscription, creer_jours, inscrire, noter_presences
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    SessionFactory,
    StagiaireFactory,
    module,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("aujourd_hui"),
]

poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)

d = datetime.date


def texte_pdf(contenu: bytes) -> str:
    assert contenu.startswith(b"%PDF-")
    resultat = subprocess.run(
        ["pdftotext", "-", "-"], input=contenu, capture_output=True, check=True
    )
    return " ".join(resultat.stdout.decode().split())


@pytest.fixture
def session(charge):
    """Module Employer in Dunkerque, two seats, three dated days; Claire trains."""
    session = SessionFactory(
        module=module("employer"),
        lieu="Dunkerque",
        capacite=2,
        date_debut=d(2014, 5, 5),
        date_fin=d(2014, 5, 19),
    )
    session.formateurs.add(charge)
    creer_jours(session, [d(2014, 5, 5), d(2014, 5, 12), d(2014, 5, 19)])
    return session


@pytest.fixture
def inscrits(session):
    association = AssociationInscrivanteFactory(nom="La Clef du Permis")
    anne = inscrire(session, StagiaireFactory(nom="Lemaire", prenom="Anne"), association)
    bruno = inscrire(session, StagiaireFactory(nom="Noel", prenom="Bruno"), association)
    return anne, bruno


@pytest.fixture
def attente(session, inscrits):
    return inscrire(
        session, StagiaireFactory(nom="Zidane", prenom="Yasmina"), inscrits[0].association
    )


def test_the_attendance_sheet_lists_the_confirmed_trainees_and_the_days(
    client_charge, session, inscrits, attente
):
    reponse = client_charge.get(reverse("formations:emargement", args=[session.pk]))

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    feuille = contenu.split('id="feuille-emargement"', 1)[1].split("</table>", 1)[0]
    assert "LEMAIRE Anne" in feuille
    assert "NOEL Bruno" in feuille
    assert "ZIDANE" not in feuille
    for jour in ("05/05/2014", "12/05/2014", "19/05/2014"):
        assert jour in feuille
    # One signature cell per trainee and day (plus the blank rows and the trainers' row).
    assert feuille.count('class="case-signature"') == 3 * (2 + 2 + 1)
    assert "data-imprimer" in contenu
    assert "Claire Dubois" in contenu


def test_an_undated_session_gets_one_column_per_started_day(client_charge, inscrits):
    session = SessionFactory(nombre_jours="3.5")
    contenu = client_charge.get(reverse("formations:emargement", args=[session.pk])).content
    assert contenu.decode().count("Jour 4<br>") == 1


@poppler
def test_the_attendance_sheet_pdf_lists_the_confirmed_trainees_and_the_days(
    client_charge, session, inscrits, attente
):
    reponse = client_charge.get(reverse("formations:emargement_pdf", args=[session.pk]))

    assert reponse["Content-Type"] == "application/pdf"
    texte = texte_pdf(reponse.content)
    assert "Feuille d'émargement" in texte
    assert "LEMAIRE Anne" in texte
    assert "NOEL Bruno" in texte
    assert "Zidane" not in texte.title()
    assert "12/05/2014" in texte


@pytest.fixture
def presente_deux_jours(session, inscrits):
    anne, bruno = inscrits
    j1, j2, j3 = session.jours.order_by("date")
    noter_presences(j1, [anne, bruno])
    noter_presences(j2, [anne])
    noter_presences(j3, [bruno])
    return anne


@poppler
def test_the_certificate_names_the_trainee_the_module_and_the_days_attended(
    client_charge, directeur, presente_deux_jours
):
    directeur.fonction = "Directeur"
    directeur.save(update_fields=["fonction"])

    reponse = client_charge.get(reverse("formations:attestation", args=[presente_deux_jours.pk]))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert (
        "attestation-presence-lemaire-anne-employer-20140505.pdf"
        in (reponse["Content-Disposition"])
    )
    texte = texte_pdf(reponse.content)
    assert "Attestation de présence" in texte
    assert "Anne LEMAIRE" in texte
    assert "« Employer »" in texte
    assert "présent(e)" in texte
    assert "2 journées sur 3 journées" in texte
    assert "Marc Leroy, Directeur" in texte
    assert "72/1 rue d'Arcole" in texte
    assert "433 115 813 00050" in texte
    assert "31 59 07457 59" in texte


@poppler
def test_without_a_director_on_staff_the_certificate_keeps_a_line_to_sign(
    client_charge, presente_deux_jours
):
    reponse = client_charge.get(reverse("formations:attestation", args=[presente_deux_jours.pk]))
    assert "Le directeur / La directrice" in texte_pdf(reponse.content)


def test_no_certificate_for_an_enrolment_on_the_waiting_list(client_charge, attente):
    reponse = client_charge.get(reverse("formations:attestation", args=[attente.pk]))

    assert reponse.status_code == 409
    contenu = reponse.content.decode()
    assert "sur liste d&#x27;attente" in contenu
    assert "délivrée que pour une inscription confirmée" in contenu


def test_no_certificate_for_a_cancelled_enrolment(client_charge, presente_deux_jours):
    annuler_inscription(presente_deux_jours)
    reponse = client_charge.get(reverse("formations:attestation", args=[presente_deux_jours.pk]))
    assert reponse.status_code == 409


def test_no_certificate_without_a_day_attended(client_charge, session, inscrits):
    anne, bruno = inscrits
    for jour in session.jours.all():
        noter_presences(jour, [bruno])

    reponse = client_charge.get(reverse("formations:attestation", args=[anne.pk]))

    assert reponse.status_code == 409
    assert "Aucune journée de présence n&#x27;est relevée" in reponse.content.decode()
