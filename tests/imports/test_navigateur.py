"""The browser import: upload, preview (nothing written), confirm (written), for the
direction only."""

import openpyxl
import pytest
from django.urls import reverse

from accompagnement.models import RendezVous
from porteurs.imports import CLE_SESSION
from porteurs.models import Dossier, Phase
from tests.imports.conftest import csv_point_virgule_bom, csv_virgule, xlsx

DOSSIERS = [
    ["reference", "nom", "prenom", "genre", "date_naissance", "commune_insee"],
    ["2013-0101", "Dupont", "Aïcha", "F", "03/04/1985", "59350"],
    ["2013-0102", "Martin", "Paul", "H", "1979-11-23", "59350"],
]


def envoyer(client, genre: str, contenu: bytes, nom: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("imports:importer"),
        {"genre": genre, "fichier": SimpleUploadedFile(nom, contenu)},
    )


def test_la_direction_voit_l_apercu_puis_confirme(client_directeur, lille):
    reponse = envoyer(client_directeur, "dossiers", csv_point_virgule_bom(DOSSIERS), "d.csv")

    assert reponse.status_code == 200
    assert reponse.context["totaux"] == {"nouveaux": 2, "modifies": 0, "inchanges": 0}
    assert [ligne.ligne for ligne in reponse.context["lignes"]] == [2, 3]
    assert "Confirmer l'import" in reponse.text
    # The preview wrote nothing.
    assert Dossier.objects.count() == 0

    jeton = reponse.context["jeton"]
    reponse = client_directeur.post(reverse("imports:confirmer"), {"jeton": jeton})

    assert reponse.status_code == 302
    assert Dossier.objects.count() == 2
    assert CLE_SESSION not in client_directeur.session
    suivante = client_directeur.get(reponse.url)
    assert "Import terminé (dossiers et porteurs) : 2 nouveau(x)" in suivante.text


def test_les_rendez_vous_importes_dans_le_navigateur_suivent_la_regle(
    client_directeur, dossiers, charge, directeur
):
    lignes = [
        ["dossier", "date", "heure", "charge", "statut"],
        ["2013-0001", "05/03/2013", "10:00", "claire", "realise"],
        ["2013-0001", "19/03/2013", "10:00", "claire", "realise"],
    ]
    reponse = envoyer(client_directeur, "rendez-vous", xlsx(lignes), "rdv.xlsx")
    client_directeur.post(reverse("imports:confirmer"), {"jeton": reponse.context["jeton"]})

    dossiers[0].refresh_from_db()
    assert dossiers[0].phase == Phase.MATURATION
    assert set(RendezVous.objects.values_list("cree_par", flat=True)) == {directeur.pk}


def test_la_confirmation_ne_se_fie_qu_au_jeton_de_la_session(client_directeur, lille):
    envoyer(client_directeur, "dossiers", csv_virgule(DOSSIERS), "d.csv")

    reponse = client_directeur.post(reverse("imports:confirmer"), {"jeton": "invente"})

    assert reponse.status_code == 302
    assert Dossier.objects.count() == 0


def test_la_confirmation_valide_a_nouveau(client_directeur, lille):
    reponse = envoyer(client_directeur, "dossiers", csv_virgule(DOSSIERS), "d.csv")
    # Between the preview and the confirmation, someone records a person with the same
    # name and birth date.
    from tests.factories import PorteurFactory

    PorteurFactory(nom="Dupont", prenom="Aïcha", date_naissance="1985-04-03")

    reponse = client_directeur.post(
        reverse("imports:confirmer"), {"jeton": reponse.context["jeton"]}
    )

    assert reponse.status_code == 200
    assert "rien n'a été enregistré" in reponse.text
    assert Dossier.objects.count() == 0


def test_un_fichier_refuse_liste_ses_erreurs_sans_bouton_de_confirmation(client_directeur, lille):
    lignes = [*DOSSIERS, ["2013-0103", "Petit", "", "Z", "31/02/1990", "59350"]]
    reponse = envoyer(client_directeur, "dossiers", csv_virgule(lignes), "d.csv")

    assert reponse.status_code == 200
    assert reponse.context["erreurs"] == [
        (4, "genre : valeur inconnue « Z » (possibles : F, H ou vide (non renseigné))."),
        (4, "date_naissance : date impossible « 31/02/1990 »."),
    ]
    assert "Confirmer l'import" not in reponse.text
    assert CLE_SESSION not in client_directeur.session


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "ni un CSV ni un classeur XLSX"),
        (b"", "vide.csv", "Le fichier soumis est vide."),
        (b"  \r\n", "blanc.csv", "Le fichier est vide."),
        ("reference,nom\n2013-0101,Müller\n".encode("latin-1"), "l1.csv", "pas encodé en UTF-8"),
        (b"x" * (5 * 1024 * 1024 + 1), "gros.csv", "dépasse 5 Mo"),
    ],
    ids=["pas-un-tableur", "vide", "blanc", "latin-1", "trop-gros"],
)
def test_un_mauvais_fichier_est_refuse_avec_un_message_clair(
    client_directeur, contenu, nom, message
):
    reponse = envoyer(client_directeur, "dossiers", contenu, nom)

    assert reponse.status_code == 200
    assert message in " ".join(reponse.context["form"].errors["fichier"])
    assert Dossier.objects.count() == 0


def test_une_colonne_obligatoire_absente_est_signalee(client_directeur, dossiers):
    contenu = csv_virgule([["dossier", "heure"], ["2013-0001", "10:00"]])
    reponse = envoyer(client_directeur, "rendez-vous", contenu, "rdv.csv")

    assert reponse.context["erreurs"] == [
        (None, "Colonne(s) obligatoire(s) absente(s) : date, charge.")
    ]
    assert RendezVous.objects.count() == 0


def test_une_cellule_formule_est_refusee(client_directeur, lille):
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for ligne in DOSSIERS:
        feuille.append(ligne)
    feuille["B3"] = '=HYPERLINK("http://example.org","Martin")'
    from io import BytesIO

    sortie = BytesIO()
    classeur.save(sortie)

    reponse = envoyer(client_directeur, "dossiers", sortie.getvalue(), "formule.xlsx")

    assert reponse.context["erreurs"] == [
        (3, "nom : formule de tableur refusée : remplacez-la par sa valeur.")
    ]
    assert Dossier.objects.count() == 0


def test_les_modeles_vierges_portent_la_ligne_des_colonnes(client_directeur):
    reponse = client_directeur.get(reverse("imports:modele", args=["changements-de-phase"]))

    assert reponse.status_code == 200
    assert (
        reponse["Content-Disposition"] == 'attachment; filename="modele-changements-de-phase.csv"'
    )
    assert reponse.content.decode("utf-8-sig") == (
        "dossier;phase;date;type_sortie;issue;commentaire;date_convention\r\n"
    )
    page = client_directeur.get(reverse("imports:importer"))
    assert reverse("imports:modele", args=["rendez-vous"]) in page.text


@pytest.mark.parametrize("client_role", ["client_charge", "client_administrateur"])
def test_ni_les_charges_ni_les_administrateurs_n_importent(request, client_role, lille):
    client = request.getfixturevalue(client_role)

    assert client.get(reverse("imports:importer")).status_code == 403
    assert envoyer(client, "dossiers", csv_virgule(DOSSIERS), "d.csv").status_code == 403
    assert client.post(reverse("imports:confirmer"), {"jeton": "x"}).status_code == 403
    assert client.get(reverse("imports:modele", args=["dossiers"])).status_code == 403
    assert Dossier.objects.count() == 0
