"""Journey 2: the director imports a CSV of dossiers and appointments (preview, a file with
a bad row refused with its line number, the good file in), opens the 2013 report, writes a
section's text, publishes, and downloads the PDF and the JSON."""

import json
import re
import time

import pytest
from django.core.management import call_command

from porteurs.models import Dossier
from tests.e2e.conftest import DIRECTION

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOSSIERS = (
    "reference,nom,prenom,genre,date_naissance,commune_insee,dispositif\n"
    "2013-0001,Lefebvre,Inès,F,12/03/1985,59350,escale\n"
    "2013-0002,Morel,Karim,H,1979-11-02,59599,citeslab\n"
)
RENDEZ_VOUS = (
    "dossier,date,heure,duree_minutes,charge,lieu,objet,statut\n"
    "2013-0001,04/02/2013,10:00,60,dominique,locaux,accueil_orientation,realise\n"
    "2013-0001,18/03/2013,14:00,60,dominique,locaux,aide_formulation,realise\n"
    "2013-0002,05/04/2013,09:30,45,dominique,telephone,accueil_orientation,realise\n"
)


def importer(page, libelle: str, nom: str, contenu: str) -> None:
    page.goto("/import/")
    page.get_by_label(libelle).check()
    page.get_by_label("Fichier").set_input_files(
        files=[{"name": nom, "mimeType": "text/csv", "buffer": contenu.encode("utf-8")}]
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    page.wait_for_load_state()


def test_the_director_imports_then_writes_and_publishes_the_report(
    page, compte, se_connecter, capture, verifier_accessibilite, tmp_path
):
    call_command("charger_referentiel", verbosity=0)
    compte("dominique", DIRECTION, first_name="Dominique", last_name="Roux")
    se_connecter("dominique")

    # A file with a bad row: refused with its line, nothing written.
    mauvais = DOSSIERS + "2013-0003,Petit,Léa,X,31/02/1990,59350,escale\n"
    importer(page, "Dossiers et porteurs", "dossiers.csv", mauvais)
    contenu = page.content()
    assert re.search(r"<td>\s*4\s*</td>", contenu), "the bad row's line number (4)"
    assert "Confirmer l'import" not in contenu
    assert not Dossier.objects.exists()
    capture("01-import-refuse")
    verifier_accessibilite()

    # The good file: preview, then confirmation.
    importer(page, "Dossiers et porteurs", "dossiers.csv", DOSSIERS)
    capture("02-import-apercu")
    page.get_by_role("button", name="Confirmer l'import").click()
    page.get_by_text("Import terminé").wait_for()
    assert Dossier.objects.count() == 2
    importer(page, "Rendez-vous", "rendez-vous.csv", RENDEZ_VOUS)
    page.get_by_role("button", name="Confirmer l'import").click()
    page.get_by_text("Import terminé").wait_for()
    assert Dossier.objects.get(reference="2013-0001").phase == "maturation"

    # The 2013 report, a section's text, publication.
    page.goto("/rapports/2013/")
    page.get_by_role("heading", name="Rapport d'activité 2013").wait_for()
    verifier_accessibilite()
    capture("03-rapport-2013")
    page.get_by_role("link", name=re.compile("Écrire un texte de la section 1.4")).click()
    page.get_by_label("Texte de la section").fill("Deux permanences par semaine à Tourcoing.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Deux permanences par semaine à Tourcoing.").wait_for()
    page.get_by_role("button", name="Publier le rapport 2013").click()
    page.get_by_text("Version publiée n° 1").first.wait_for()
    capture("04-rapport-publie")

    # Downloads: the JSON at once, the PDF once the background rendering is done.
    donnees = page.request.get("/rapports/2013/editions/1/rapport.json")
    assert json.loads(donnees.body())["dispositifs"]["escale"]["accueils"]["total"] == 1
    fin = time.monotonic() + 60
    while True:
        pdf = page.request.get("/rapports/2013/editions/1/rapport.pdf")
        if pdf.status == 200 or time.monotonic() > fin:
            break
        time.sleep(1)
    assert pdf.status == 200
    assert pdf.body()[:5] == b"%PDF-"
