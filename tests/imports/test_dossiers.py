"""DossierResource: one row per dossier with its lead porteur, key `reference`."""

import datetime

import pytest

from porteurs.models import NR, Dossier, Porteur
from porteurs.resources import DossierResource
from tests.factories import DossierFactory, PorteurFactory
from tests.imports.outils import importer, lignes_en_erreur

ENTETE = [
    "reference",
    "type_porteur",
    "nom",
    "prenom",
    "genre",
    "date_naissance",
    "commune_insee",
    "quartier",
    "situation_professionnelle",
    "revenu",
    "niveau_qualification",
    "dispositif",
    "prescripteur",
    "secteur",
    "projet_collectif",
]
AICHA = [
    "2013-0101", "personne", "Dupont", "Aïcha", "F", "03/04/1985", "59350", "wazemmes",
    "demandeur_emploi", "rsa", "bac", "citeslab", "PE", "commerce", "non",
]  # fmt: skip
JARDINS = [
    "2013-0102", "association", "Les Jardins partagés", "", "", "", "59350", "", "", "", "",
    "habitants", "Pôle emploi Lille Vauban", "", "oui",
]  # fmt: skip


@pytest.fixture
def referentiel(wazemmes, pole_emploi):
    return wazemmes, pole_emploi


def test_un_bon_fichier_cree_les_dossiers_et_leurs_porteurs(referentiel, format_fichier):
    ecrire, nom = format_fichier
    resource = importer(DossierResource, ecrire([ENTETE, AICHA, JARDINS]), nom)

    assert resource.totaux() == {"nouveaux": 2, "modifies": 0, "inchanges": 0}
    aicha = Dossier.objects.select_related("porteur__quartier").get(reference="2013-0101")
    p = aicha.porteur
    assert (p.nom, p.prenom, p.genre) == ("Dupont", "Aïcha", "F")
    # JJ/MM/AAAA is read day first: 3 April, never 4 March.
    assert p.date_naissance == datetime.date(1985, 4, 3)
    assert p.commune.code_insee == "59350" and p.quartier.nom == "Wazemmes"
    assert (p.situation_professionnelle, p.revenu, p.niveau_qualification) == (
        "demandeur_emploi",
        "rsa",
        "bac",
    )
    assert (aicha.dispositif, aicha.secteur, aicha.projet_collectif) == (
        "citeslab",
        "commerce",
        "non",
    )
    assert aicha.prescripteur.sigle == "PE"
    # An import records the dossier, not a reception: the phase comes from appointments.
    assert aicha.phase == "" and aicha.date_accueil is None

    jardins = Dossier.objects.get(reference="2013-0102")
    assert jardins.porteur.type_porteur == Porteur.TypePorteur.ASSOCIATION
    # Empty cells are "non renseigné".
    assert jardins.porteur.genre == NR and jardins.porteur.revenu == NR
    assert jardins.secteur == NR and jardins.projet_collectif == "oui"


def test_les_colonnes_facultatives_peuvent_manquer(db):
    resource = importer(DossierResource, b"reference,nom\n2013-0200,Martin\n", "dossiers.csv")
    assert resource.totaux()["nouveaux"] == 1
    dossier = Dossier.objects.get(reference="2013-0200")
    assert dossier.dispositif == Dossier.Dispositif.ESCALE
    assert dossier.porteur.genre == NR


def test_un_fichier_avec_des_lignes_fausses_n_ecrit_rien_et_les_liste_toutes(
    referentiel, format_fichier
):
    ecrire, nom = format_fichier
    lignes = [
        ENTETE,
        AICHA,  # line 2: good
        ["2013-0103", "personne", "Durand", "Paul", "X", "", "", "", "", "", "", "", "", "", ""],
        ["", "personne", "Sans référence", "", "", "", "", "", "", "", "", "", "", "", ""],
        [
            "2013-0105",
            "personne",
            "Leroy",
            "",
            "",
            "2013-13-01",
            "99999",
            "",
            "",
            "",
            "",
            "",
            "Inconnue",
            "",
            "",
        ],  # fmt: skip
        [],  # a blank line is ignored, but still counts in the numbering
        [
            "2013-0107",
            "personne",
            "Petit",
            "",
            "",
            "",
            "",
            "",
            "chomeur",
            "",
            "",
            "escale",
            "",
            "",
            "peut-être",
        ],  # fmt: skip
    ]
    resource = importer(DossierResource, ecrire(lignes), nom)

    assert Dossier.objects.count() == 0 and Porteur.objects.count() == 0
    assert lignes_en_erreur(resource) == [3, 4, 5, 7]
    messages = "\n".join(f"{n} {m}" for n, m in resource.erreurs)
    assert "3 genre : valeur inconnue « X »" in messages
    assert "4 reference : valeur obligatoire." in messages
    assert "5 date_naissance : date impossible « 2013-13-01 »" in messages
    assert "5 commune_insee : code INSEE inconnu « 99999 »" in messages
    assert "5 prescripteur : structure partenaire « Inconnue » inconnue" in messages
    assert "7 situation_professionnelle : valeur inconnue « chomeur »" in messages
    assert "7 projet_collectif : valeur inconnue « peut-être »" in messages


def test_le_meme_fichier_importe_deux_fois_ne_change_rien(referentiel, format_fichier):
    ecrire, nom = format_fichier
    contenu = ecrire([ENTETE, AICHA, JARDINS])
    importer(DossierResource, contenu, nom)
    avant = list(Porteur.objects.values_list("pk", "modifie_le"))

    resource = importer(DossierResource, contenu, nom)

    assert resource.totaux() == {"nouveaux": 0, "modifies": 0, "inchanges": 2}
    assert list(Porteur.objects.values_list("pk", "modifie_le")) == avant
    assert Dossier.objects.count() == 2


def test_une_reference_connue_met_a_jour_le_dossier_et_son_porteur(referentiel):
    dossier = DossierFactory(reference="2013-0101", porteur__nom="Dupont", porteur__prenom="A")
    contenu = b"reference,prenom,genre\n2013-0101,Aicha,F\n"

    resource = importer(DossierResource, contenu, "maj.csv")

    assert resource.totaux()["modifies"] == 1
    assert resource.lignes[0].changements == [
        "prenom : « A » → « Aicha »",
        "genre : (vide) → « F »",
    ]
    dossier.porteur.refresh_from_db()
    assert (dossier.porteur.nom, dossier.porteur.prenom, dossier.porteur.genre) == (
        "Dupont",
        "Aicha",
        "F",
    )


def test_une_personne_deja_connue_n_est_pas_creee_une_seconde_fois(referentiel):
    PorteurFactory(nom="Dupont", prenom="Aicha", date_naissance=datetime.date(1985, 4, 3))

    resource = importer(DossierResource, _csv([ENTETE, AICHA]), "d.csv")

    assert lignes_en_erreur(resource) == [2]
    assert "existe déjà" in resource.erreurs[0][1]
    assert Dossier.objects.filter(reference="2013-0101").count() == 0


def test_un_quartier_doit_appartenir_a_la_commune(referentiel):
    contenu = b"reference,nom,commune_insee,quartier\n2013-0300,Martin,59350,Vauban\n"
    resource = importer(DossierResource, contenu, "d.csv")
    assert resource.erreurs == [(2, "quartier : quartier « Vauban » inconnu à Lille (59350).")]


def test_l_export_se_reimporte_sans_rien_changer(referentiel):
    importer(DossierResource, _csv([ENTETE, AICHA, JARDINS]), "d.csv")
    export = DossierResource().export()

    resource = importer(DossierResource, export.export("csv").encode(), "export.csv")

    assert export.headers == ENTETE
    assert resource.totaux() == {"nouveaux": 0, "modifies": 0, "inchanges": 2}


def _csv(lignes):
    from tests.imports.conftest import csv_virgule

    return csv_virgule(lignes)


def test_une_case_vide_garde_la_valeur_enregistree(referentiel):
    # The widgets' "unchanged" marker survives the library's deep copy of the fields: an
    # empty cell once stored the text "INCHANGE".
    DossierFactory(reference="2013-0101", dispositif="citeslab", porteur__type_porteur="personne")
    ligne = [*AICHA]
    ligne[ENTETE.index("type_porteur")] = ""
    ligne[ENTETE.index("dispositif")] = ""
    importer(DossierResource, ";".join(ENTETE).encode() + b"\n" + ";".join(ligne).encode(), "d.csv")

    dossier = Dossier.objects.select_related("porteur").get(reference="2013-0101")
    assert (dossier.dispositif, dossier.porteur.type_porteur) == ("citeslab", "personne")
