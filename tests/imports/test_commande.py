"""The library's own command, `manage.py import RESOURCE FILE`, with these resources."""

import pytest
from django.core.management import call_command

from accompagnement.models import RendezVous
from porteurs.models import Dossier, Phase
from tests.imports.conftest import csv_point_virgule_bom, csv_virgule, xlsx


def test_la_commande_importe_un_csv(tmp_path, lille, capsys):
    fichier = tmp_path / "dossiers.csv"
    fichier.write_bytes(
        csv_virgule([["reference", "nom", "commune_insee"], ["2013-0101", "Dupont", "59350"]])
    )

    call_command("import", "porteurs.resources.DossierResource", str(fichier), "--noinput")

    assert Dossier.objects.get().porteur.commune == lille
    assert "Import finished: 1 new" in capsys.readouterr().err


def test_la_commande_applique_la_regle_des_rendez_vous(tmp_path, dossiers, charge):
    fichier = tmp_path / "rdv.xlsx"
    fichier.write_bytes(
        xlsx(
            [
                ["dossier", "date", "heure", "charge", "statut"],
                ["2013-0001", "05/03/2013", "10:00", "claire", "realise"],
                ["2013-0001", "19/03/2013", "10:00", "claire", "realise"],
            ]
        )
    )

    call_command("import", "accompagnement.resources.RendezVousResource", str(fichier), "--noinput")

    dossiers[0].refresh_from_db()
    assert dossiers[0].phase == Phase.MATURATION
    # From the command line, nobody is recorded as the author.
    assert set(RendezVous.objects.values_list("cree_par", flat=True)) == {None}


def test_la_commande_n_ecrit_rien_si_une_ligne_est_fausse(tmp_path, lille, capsys):
    fichier = tmp_path / "dossiers.csv"
    fichier.write_bytes(
        csv_virgule(
            [
                ["reference", "nom", "commune_insee"],
                ["2013-0101", "Dupont", "59350"],
                ["2013-0102", "Martin", "00000"],
            ]
        )
    )

    with pytest.raises(SystemExit) as sortie:
        call_command("import", "porteurs.resources.DossierResource", str(fichier), "--noinput")

    assert sortie.value.code == 1
    assert Dossier.objects.count() == 0
    erreurs = capsys.readouterr().err
    assert "Fichier refusé, rien n'a été enregistré" in erreurs
    assert "ligne 3 : commune_insee : code INSEE inconnu « 00000 »." in erreurs


def test_la_commande_lit_un_csv_point_virgule_avec_le_format_du_projet(tmp_path, lille):
    fichier = tmp_path / "dossiers.csv"
    fichier.write_bytes(csv_point_virgule_bom([["reference", "nom"], [], ["2013-0101", "Dupont"]]))

    call_command(
        "import",
        "porteurs.resources.DossierResource",
        str(fichier),
        "--noinput",
        "--format",
        "porteurs.resources.FormatCSV",
    )

    assert Dossier.objects.get().reference == "2013-0101"
