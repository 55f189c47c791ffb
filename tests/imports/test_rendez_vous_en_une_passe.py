"""RendezVousResource's own loop over the rows (issue 9): the library's contract kept (the
Result the views and the `import` command read, every error of every row), the cells read
once per distinct value, the export's state of a row, and the batch's history rows."""

import datetime
import gc

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from accompagnement.models import ChangementPhase, RendezVous
from accompagnement.resources import RendezVousResource
from porteurs.models import Dossier
from porteurs.resources import ResourceMaillage
from tests.factories import CommuneFactory, PointAccueilFactory
from tests.imports.conftest import csv_virgule, xlsx
from tests.imports.outils import importer, lignes_en_erreur

ENTETE = ["dossier", "date", "heure", "duree_minutes", "charge", "lieu", "objet", "statut"]


def test_une_meme_cellule_fausse_est_signalee_a_chaque_ligne(dossiers, charge):
    contenu = csv_virgule(
        [
            ENTETE,
            ["2013-0001", "31/02/2013", "10:00", "", "claire", "", "", ""],
            ["2013-0002", "2013-03-01", "10:00", "", "inconnu", "", "", ""],
            ["2013-0003", "31/02/2013", "10:00", "", "inconnu", "", "", ""],
        ]
    )

    resource = importer(RendezVousResource, contenu, "rdv.csv", auteur=charge)

    assert resource.erreurs == [
        (2, "date : date impossible « 31/02/2013 »."),
        (3, "charge : " + _inconnu("inconnu")),
        (4, "date : date impossible « 31/02/2013 »."),
        (4, "charge : " + _inconnu("inconnu")),
    ]
    assert not RendezVous.objects.exists()


def _inconnu(identifiant: str) -> str:
    return (
        f"identifiant inconnu « {identifiant} » (un(e) salarié(e) : chargé(e) de mission ou "
        "direction)."
    )


def test_des_cellules_egales_en_python_mais_de_types_differents_sont_lues_chacune(dossiers, charge):
    # 1 == True in Python: a spreadsheet's TRUE must not be read as the 1 above it.
    contenu = xlsx(
        [
            ENTETE,
            ["2013-0001", "2013-03-01", "10:00", 1, "claire", "", "", ""],
            ["2013-0002", "2013-03-01", "10:00", True, "claire", "", "", ""],
        ]
    )

    resource = importer(RendezVousResource, contenu, "rdv.xlsx", auteur=charge)

    assert resource.erreurs == [
        (3, "duree_minutes : nombre entier de 1 à 1440 attendu (« True »).")
    ]


def test_l_etat_d_un_rendez_vous_est_celui_de_l_export(dossiers, charge, lille):
    # Two places of the same name: the export writes "nom (commune)".
    roubaix = CommuneFactory(nom="Roubaix", code_insee="59512")
    PointAccueilFactory(nom="Maison de quartier", commune=lille)
    homonyme = PointAccueilFactory(nom="Maison de quartier", commune=roubaix)
    unique = PointAccueilFactory(nom="Centre social", commune=lille)
    jour = datetime.date(2013, 3, 1)
    rendez_vous = [
        RendezVous(dossier=dossiers[0], date=jour, charge=charge),
        RendezVous(
            dossier=dossiers[1],
            date=jour,
            heure=datetime.time(0, 0),
            charge=charge,
            lieu=RendezVous.Lieu.POINT_ACCUEIL,
            point_accueil=homonyme,
            statut=RendezVous.Statut.ANNULE,
            duree_minutes=15,
        ),
        RendezVous(
            dossier=dossiers[2],
            date=jour,
            heure=datetime.time(14, 30),
            charge=charge,
            lieu=RendezVous.Lieu.POINT_ACCUEIL,
            point_accueil=unique,
            objet=RendezVous.Objet.INFORMATION,
        ),
        RendezVous(dossier=dossiers[0], date=jour, charge=charge, lieu="telephone"),
    ]
    resource = RendezVousResource()

    etats = [resource.etat(rdv) for rdv in rendez_vous]

    assert etats == [ResourceMaillage.etat(RendezVousResource(), rdv) for rdv in rendez_vous]
    assert etats[1]["lieu"] == "Maison de quartier (Roubaix)"
    assert etats[1]["heure"] == "00:00" and etats[0]["heure"] == ""
    assert etats[2]["lieu"] == "Centre social"


def test_le_ramasse_miettes_est_remis_apres_l_import(dossiers, charge):
    bon = csv_virgule([ENTETE, ["2013-0001", "2013-03-01", "10:00", "", "claire", "", "", ""]])
    mauvais = csv_virgule([ENTETE, ["2013-0001", "2014-03-01", "", "", "claire", "", "", ""]])

    importer(RendezVousResource, bon, "rdv.csv", auteur=charge)
    assert gc.isenabled()
    assert lignes_en_erreur(importer(RendezVousResource, mauvais, "rdv.csv")) == [2]
    assert gc.isenabled()
    gc.disable()
    try:
        importer(RendezVousResource, mauvais, "rdv.csv")
        # Left as the caller had it.
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.fixture
def requete_de(directeur):
    """The request simple-history's middleware records, as while the browser imports."""
    requete = RequestFactory().post("/imports/confirmer/")
    requete.user = directeur
    HistoricalRecords.context.request = requete
    yield directeur
    del HistoricalRecords.context.request


def test_l_historique_du_lot_nomme_qui_importe(dossiers, charge, requete_de):
    contenu = csv_virgule(
        [
            ENTETE,
            ["2013-0001", "2013-03-01", "10:00", "", "claire", "", "", ""],
            ["2013-0001", "2013-03-08", "10:00", "", "claire", "", "", ""],
        ]
    )

    importer(RendezVousResource, contenu, "rdv.csv", auteur=charge)

    rendez_vous = RendezVous.historique.all()
    changements = ChangementPhase.historique.all()
    dossier = Dossier.historique.filter(id=dossiers[0].pk, history_type="~").get()
    assert [(h.history_type, h.history_user) for h in rendez_vous] == [("+", requete_de)] * 2
    assert [(h.history_type, h.history_user) for h in changements] == [("+", requete_de)] * 2
    assert (dossier.history_user, dossier.phase) == (requete_de, "maturation")
    # Each row holds the values written, as save() records them.
    for h in rendez_vous:
        rdv = RendezVous.objects.get(pk=h.id)
        assert (h.date, h.cree_par, h.cree_le, h.modifie_le) == (
            rdv.date,
            charge,
            rdv.cree_le,
            rdv.modifie_le,
        )


def test_la_commande_refuse_un_fichier_de_rendez_vous_faux_et_dit_pourquoi(
    tmp_path, dossiers, charge, capsys
):
    fichier = tmp_path / "rdv.csv"
    fichier.write_bytes(
        csv_virgule(
            [
                ENTETE,
                ["2013-0001", "2013-03-01", "10:00", "", "claire", "", "", ""],
                ["2013-0002", "2013-03-01", "10:00", "", "claire", "", "", "fait"],
            ]
        )
    )

    with pytest.raises(SystemExit) as sortie:
        call_command(
            "import", "accompagnement.resources.RendezVousResource", str(fichier), "--noinput"
        )

    assert sortie.value.code == 1
    assert not RendezVous.objects.exists() and not ChangementPhase.objects.exists()
    assert "ligne 3 : statut : valeur inconnue « fait »" in capsys.readouterr().err
