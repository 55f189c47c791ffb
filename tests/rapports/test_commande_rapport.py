"""manage.py rapport ANNEE --format json [-o FICHIER]."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import PorteurFactory
from tests.rapports.conftest import A, M, dossier_avec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]

# The paths that ../shared/checks/seed-figures reads.
CHEMINS_SEED = [
    "dispositifs.escale.accueils.total",
    "dispositifs.escale.accueils.par_genre.F",
    "dispositifs.escale.accueils.par_genre.H",
    "dispositifs.escale.accueils.par_genre.NR",
    "dispositifs.escale.accueillis_passes_en_maturation",
    "dispositifs.escale.accueillis_passes_en_creation",
    "dispositifs.escale.sorties.valorisable",
    "dispositifs.escale.sorties.non_valorisable",
    "dispositifs.citeslab.accueils.total",
    "dispositifs.citeslab.accueils.par_genre.F",
    "rendez_vous.realises",
    "formations.sessions",
    "formations.jours",
    "formations.stagiaires",
    "formations.associations",
] + [
    f"dispositifs.{dispositif}.entonnoir.{phase}.{cle}"
    for dispositif in ("escale", "citeslab")
    for phase in ("accueil", "maturation", "creation", "post_creation")
    for cle in ("report", "entrees", "actifs", "sorties", "fin")
]


def _valeur(rapport: dict, chemin: str):
    for cle in chemin.split("."):
        rapport = rapport[cle]
    return rapport


def test_writes_the_year_as_json_with_every_figure_the_seed_check_reads(tmp_path):
    dossier_avec((A, "04/03/2013"), (M, "04/04/2013"), porteur=PorteurFactory(femme=True))
    dossier_avec((A, "31/12/2013"), porteur=PorteurFactory(homme=True), citeslab=True)
    fichier = tmp_path / "rapport-2013.json"
    sortie = io.StringIO()
    call_command("rapport", "2013", "--format", "json", "-o", str(fichier), stderr=sortie)
    rapport = json.loads(fichier.read_text(encoding="utf-8"))
    assert rapport["annee"] == 2013
    for chemin in CHEMINS_SEED:
        assert isinstance(_valeur(rapport, chemin), int), chemin
    assert _valeur(rapport, "dispositifs.escale.accueils.par_genre.F") == 1
    assert _valeur(rapport, "dispositifs.escale.accueillis_passes_en_maturation") == 1
    assert _valeur(rapport, "dispositifs.citeslab.entonnoir.accueil.fin") == 1
    assert set(rapport["dispositifs"]["escale"]["accueils"]["par_tranche_age"]) == {
        "<26",
        "26-35",
        "36-45",
        "46-55",
        ">55",
        "NR",
    }
    assert "entonnoir.report" in rapport["definitions"]
    assert "2013" in sortie.getvalue()


def test_writes_to_standard_output_without_a_file():
    sortie = io.StringIO()
    call_command("rapport", "2013", stdout=sortie)
    assert json.loads(sortie.getvalue())["dispositifs"]["escale"]["accueils"]["total"] == 0


@pytest.mark.parametrize("annee", ["deux-mille-treize", "13x", "1999", "2015"])
def test_refuses_a_year_it_cannot_report_in_french(annee):
    with pytest.raises(CommandError, match="Année"):
        call_command("rapport", annee, "--format", "json")


def test_html_is_the_printable_document_with_its_contents_table(tmp_path):
    dossier_avec((A, "04/03/2013"), porteur=PorteurFactory(femme=True))
    fichier = tmp_path / "rapport.html"
    call_command("rapport", "2013", "--format", "html", "-o", str(fichier), stderr=io.StringIO())
    html = fichier.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or "<html" in html
    assert "Sommaire" in html and "Amorçage CitésLab" in html


def test_pdf_is_a_pdf_whose_text_holds_the_headings(tmp_path):
    import shutil
    import subprocess

    dossier_avec((A, "04/03/2013"), porteur=PorteurFactory(femme=True))
    fichier = tmp_path / "rapport.pdf"
    call_command("rapport", "2013", "--format", "pdf", "-o", str(fichier), stderr=io.StringIO())
    assert fichier.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext absent (apt-get install poppler-utils)")
    texte = subprocess.run(
        ["pdftotext", str(fichier), "-"], capture_output=True, text=True, check=True
    ).stdout
    for titre in ("Sommaire", "Amorçage CitésLab", "Maturation du projet", "programme ADVA"):
        assert titre in texte, titre


def test_refuses_an_unknown_format():
    with pytest.raises(CommandError, match="invalid choice|choix"):
        call_command("rapport", "2013", "--format", "xlsx")
