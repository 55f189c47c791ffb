"""A bad row in a reference CSV stops the load with the file, the line and the reason, and
nothing is written."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from territoires.models import EPCI, Commune, PointAccueil, StructurePartenaire
from territoires.referentiel import DOSSIER_DONNEES, ErreurReferentiel, charger_structures

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(tmp_path) -> Path:
    copie = tmp_path / "donnees"
    shutil.copytree(DOSSIER_DONNEES, copie)
    return copie


def _ajouter_ligne(fichier: Path, ligne: str) -> int:
    """Append a row and return its line number as an editor shows it."""
    texte = fichier.read_text(encoding="utf-8")
    fichier.write_text(texte + ligne + "\n", encoding="utf-8")
    return len(texte.splitlines()) + 1


def _rien_n_est_ecrit() -> None:
    assert not Commune.objects.exists()
    assert not EPCI.objects.exists()
    assert not StructurePartenaire.objects.exists()
    assert not get_user_model().objects.filter(username="gdelevaque").exists()


def test_unknown_category_stops_with_file_line_and_reason_and_writes_nothing(dossier):
    numero = _ajouter_ligne(dossier / "structures.csv", "Structure X,,partenaire_inconnu,")

    with pytest.raises(CommandError) as erreur:
        call_command("charger_referentiel", "--dossier", str(dossier), stdout=StringIO())

    message = str(erreur.value)
    assert f"structures.csv, ligne {numero}" in message
    assert "catégorie inconnue : « partenaire_inconnu »" in message
    assert "Rien n'a été enregistré" in message
    _rien_n_est_ecrit()


def test_unknown_insee_code_stops_with_file_line_and_reason_and_writes_nothing(dossier):
    numero = _ajouter_ligne(
        dossier / "points_accueil.csv",
        "Permanence fantôme,,autre,99999,,,,,,,50.1,3.1",
    )

    with pytest.raises(CommandError, match=rf"points_accueil\.csv, ligne {numero} : code INSEE"):
        call_command("charger_referentiel", "--dossier", str(dossier), stdout=StringIO())

    _rien_n_est_ecrit()
    assert not PointAccueil.objects.exists()


def test_bad_date_is_reported_in_french(dossier):
    numero = _ajouter_ligne(dossier / "referents.csv", "Douaisis,qqun,Q,Q,01/03/2013,")

    with pytest.raises(CommandError) as erreur:
        call_command("charger_referentiel", "--dossier", str(dossier), stdout=StringIO())

    assert f"referents.csv, ligne {numero}" in str(erreur.value)
    assert "format attendu : AAAA-MM-JJ" in str(erreur.value)
    _rien_n_est_ecrit()


def test_a_missing_column_is_reported_on_line_one(tmp_path):
    fichier = tmp_path / "structures.csv"
    fichier.write_text("nom,categorie\nRhizomes,acteur_ess\n", encoding="utf-8")

    with pytest.raises(ErreurReferentiel) as erreur:
        charger_structures(fichier)

    assert (erreur.value.fichier, erreur.value.ligne) == ("structures.csv", 1)
    assert "sigle" in erreur.value.raison
