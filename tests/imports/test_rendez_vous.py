"""RendezVousResource: key dossier + date + heure + charge; written through
accompagnement.services, so the appointment rule applies as for a typed appointment."""

import datetime

import pytest

from accompagnement.models import ChangementPhase, RendezVous
from accompagnement.resources import RendezVousResource
from porteurs.models import Phase
from tests.imports.conftest import csv_virgule
from tests.imports.outils import importer, lignes_en_erreur

ENTETE = ["dossier", "date", "heure", "duree_minutes", "charge", "lieu", "objet", "statut"]


@pytest.fixture
def lignes(dossiers, charge, centre_social):
    """Two held appointments of 2013-0001 (JJ/MM/AAAA and AAAA-MM-JJ), one of 2013-0002."""
    return [
        ENTETE,
        [
            "2013-0001",
            "05/03/2013",
            "09:30",
            "60",
            "claire",
            "locaux",
            "accueil_orientation",
            "realise",
        ],  # fmt: skip
        [
            "2013-0001",
            "2013-03-19",
            "14:00",
            "90",
            "claire",
            "Centre social Marcel Pagnol",
            "aide_formulation",
            "realise",
        ],  # fmt: skip
        [
            "2013-0002",
            "2013-04-02",
            "10:00",
            "45",
            "claire",
            "telephone",
            "information",
            "realise",
        ],  # fmt: skip
    ]


def test_un_bon_fichier_cree_les_rendez_vous_et_applique_la_regle(
    lignes, dossiers, directeur, centre_social, format_fichier
):
    ecrire, nom = format_fichier
    resource = importer(RendezVousResource, ecrire(lignes), nom, auteur=directeur)

    assert resource.totaux() == {"nouveaux": 3, "modifies": 0, "inchanges": 0}
    premier, second = RendezVous.objects.filter(dossier=dossiers[0]).order_by("date")
    # 05/03/2013 is 5 March (day first).
    assert premier.date == datetime.date(2013, 3, 5)
    assert premier.heure == datetime.time(9, 30) and premier.cree_par == directeur
    assert second.lieu == RendezVous.Lieu.POINT_ACCUEIL
    assert second.point_accueil == centre_social and second.duree_minutes == 90
    # The rule: the first held appointment opens accueil, the second maturation.
    dossiers[0].refresh_from_db()
    assert dossiers[0].phase == Phase.MATURATION
    assert dossiers[0].date_accueil == datetime.date(2013, 3, 5)
    maturation = ChangementPhase.objects.get(dossier=dossiers[0], phase=Phase.MATURATION)
    assert maturation.automatique and maturation.date == datetime.date(2013, 3, 19)
    dossiers[1].refresh_from_db()
    assert dossiers[1].phase == Phase.ACCUEIL


def test_un_rendez_vous_annule_n_ouvre_pas_la_maturation(dossiers, charge):
    contenu = csv_virgule(
        [
            ENTETE,
            ["2013-0003", "2013-05-06", "10:00", "", "claire", "", "", "realise"],
            ["2013-0003", "2013-05-13", "10:00", "", "claire", "", "", "annule"],
            ["2013-0003", "2013-05-20", "10:00", "", "claire", "", "", "absent"],
        ]
    )
    importer(RendezVousResource, contenu, "rdv.csv")
    dossiers[2].refresh_from_db()
    assert dossiers[2].phase == Phase.ACCUEIL


def test_un_fichier_avec_des_lignes_fausses_n_ecrit_rien_et_les_liste_toutes(
    lignes, dossiers, administrateur, format_fichier
):
    ecrire, nom = format_fichier
    mauvaises = [
        ["2013-9999", "2013-03-05", "10:00", "60", "claire", "locaux", "suivi", "realise"],
        [
            "2013-0002",
            "03-05-2013",
            "25:00",
            "0",
            "inconnu",
            "Mairie de Nulle-part",
            "visite",
            "fait",
        ],  # fmt: skip
        # A board member is not staff: not a chargé(e).
        ["2013-0002", "2013-03-05", "10:00", "60", "alice", "locaux", "suivi", "realise"],
        # A held appointment cannot be in the future (today is 31/12/2013).
        ["2013-0003", "2014-01-15", "10:00", "60", "claire", "locaux", "suivi", "realise"],
    ]
    resource = importer(RendezVousResource, ecrire([*lignes, *mauvaises]), nom)

    assert RendezVous.objects.count() == 0 and ChangementPhase.objects.count() == 0
    assert lignes_en_erreur(resource) == [5, 6, 7, 8]
    messages = "\n".join(f"{n} {m}" for n, m in resource.erreurs)
    assert "5 dossier : référence de dossier inconnue « 2013-9999 »." in messages
    assert "6 date : date illisible « 03-05-2013 »" in messages
    assert "6 heure : heure illisible « 25:00 »" in messages
    assert "6 duree_minutes : nombre entier de 1 à 1440 attendu" in messages
    assert "6 charge : identifiant inconnu « inconnu »" in messages
    assert "6 objet : valeur inconnue « visite »" in messages
    assert "6 statut : valeur inconnue « fait »" in messages
    assert "7 charge : identifiant inconnu « alice »" in messages
    assert "8 statut : Un rendez-vous du 15/01/2014 ne peut pas encore être" in messages


def test_le_meme_fichier_importe_deux_fois_ne_change_rien(lignes, format_fichier):
    ecrire, nom = format_fichier
    contenu = ecrire(lignes)
    importer(RendezVousResource, contenu, nom)
    avant = list(RendezVous.objects.values_list("pk", "modifie_le"))
    historique = list(ChangementPhase.objects.values_list("pk", "phase", "date"))

    resource = importer(RendezVousResource, contenu, nom)

    assert resource.totaux() == {"nouveaux": 0, "modifies": 0, "inchanges": 3}
    assert list(RendezVous.objects.values_list("pk", "modifie_le")) == avant
    assert list(ChangementPhase.objects.values_list("pk", "phase", "date")) == historique


def test_un_rendez_vous_connu_qui_change_de_statut_passe_par_le_service(lignes, dossiers):
    importer(RendezVousResource, csv_virgule(lignes), "rdv.csv")
    lignes[2][7] = "annule"  # the second appointment of 2013-0001 did not take place

    resource = importer(RendezVousResource, csv_virgule(lignes), "rdv.csv")

    assert resource.totaux() == {"nouveaux": 0, "modifies": 1, "inchanges": 2}
    assert resource.lignes[1].changements == ["statut : « realise » → « annule »"]
    dossiers[0].refresh_from_db()
    # The rule is recomputed by the service: back to accueil.
    assert dossiers[0].phase == Phase.ACCUEIL


def test_l_export_se_reimporte_sans_rien_changer(lignes):
    importer(RendezVousResource, csv_virgule(lignes), "rdv.csv")
    export = RendezVousResource().export()

    resource = importer(RendezVousResource, export.export("csv").encode(), "export.csv")

    assert export.headers == ENTETE
    assert export[1][5] == "Centre social Marcel Pagnol"
    assert resource.totaux() == {"nouveaux": 0, "modifies": 0, "inchanges": 3}
