"""Two people editing the same dossier: the second save is told, never silently overwriting
the first (optimistic locking on the version each form carries)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from porteurs.models import Phase
from tests.factories import DossierFactory, faire_changer_phase

pytestmark = pytest.mark.django_db


def formulaire_affiche(client: Client, url: str) -> dict:
    """What the edit page posts back when nothing is changed (hidden version included)."""
    contexte = client.get(url).context
    donnees = {
        f"{prefixe}-{k}": v
        for prefixe in ("porteur", "dossier")
        for k, v in contexte[f"{prefixe}_form"].initial.items()
        if v is not None
    }
    commune = contexte["dossier"].porteur.commune
    donnees["porteur-commune"] = f"{commune.nom} ({commune.code_insee})"
    return donnees


@pytest.fixture
def deux_clients(client_charge, directeur):
    autre = Client()
    autre.force_login(directeur)
    return client_charge, autre


def test_the_second_of_two_simultaneous_edits_is_refused_and_told_who_saved(deux_clients):
    claire, marc = deux_clients
    dossier = DossierFactory(en_accueil=True, intitule="Épicerie")
    url = reverse("porteurs:modifier", args=[dossier.reference])
    page_de_claire = formulaire_affiche(claire, url)
    page_de_marc = formulaire_affiche(marc, url)

    page_de_claire["dossier-intitule"] = "Épicerie solidaire"
    assert claire.post(url, page_de_claire).status_code == 302
    page_de_marc["dossier-intitule"] = "Épicerie de quartier"
    page_de_marc["porteur-situation_professionnelle"] = "salarie"
    reponse = marc.post(url, page_de_marc)

    assert reponse.status_code == 409
    texte = reponse.content.decode()
    assert "Claire Dubois a enregistré une modification de ce dossier le 31/12/2013" in texte
    assert "Vos changements n&#x27;ont pas été enregistrés" in texte
    # Marc's entries are still on screen, for him to copy after reloading.
    assert 'value="Épicerie de quartier"' in texte
    dossier.refresh_from_db()
    dossier.porteur.refresh_from_db()
    assert dossier.intitule == "Épicerie solidaire"
    assert dossier.porteur.situation_professionnelle != "salarie"


def test_a_change_of_the_porteur_alone_also_stops_the_other_edit(deux_clients):
    claire, marc = deux_clients
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:modifier", args=[dossier.reference])
    page_de_claire = formulaire_affiche(claire, url)
    page_de_marc = formulaire_affiche(marc, url)

    page_de_claire["porteur-telephone"] = "06 00 00 00 01"
    assert claire.post(url, page_de_claire).status_code == 302
    page_de_marc["porteur-telephone"] = "06 00 00 00 02"

    assert marc.post(url, page_de_marc).status_code == 409
    dossier.porteur.refresh_from_db()
    assert dossier.porteur.telephone == "06 00 00 00 01"


def test_after_reloading_the_second_person_can_save(deux_clients):
    claire, marc = deux_clients
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:modifier", args=[dossier.reference])
    page_de_marc = formulaire_affiche(marc, url)
    page_de_claire = formulaire_affiche(claire, url)
    page_de_claire["dossier-emplois_crees"] = "2"
    assert claire.post(url, page_de_claire).status_code == 302
    assert marc.post(url, page_de_marc).status_code == 409

    page_rechargee = formulaire_affiche(marc, url)
    page_rechargee["dossier-intitule"] = "Nouveau titre"

    assert marc.post(url, page_rechargee).status_code == 302
    dossier.refresh_from_db()
    assert (dossier.intitule, dossier.emplois_crees) == ("Nouveau titre", 2)


def test_a_phase_changed_meanwhile_is_never_overwritten(deux_clients, charge):
    claire, _marc = deux_clients
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:modifier", args=[dossier.reference])
    page = formulaire_affiche(claire, url)
    # Meanwhile a colleague records the move to maturation.
    faire_changer_phase(dossier, Phase.MATURATION, datetime.date(2013, 4, 2), auteur=charge)
    page["dossier-intitule"] = "Titre tapé avant"

    assert claire.post(url, page).status_code == 409
    dossier.refresh_from_db()
    assert dossier.phase == Phase.MATURATION


def test_an_edit_without_its_version_is_refused(client_charge):
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:modifier", args=[dossier.reference])
    page = formulaire_affiche(client_charge, url)
    del page["dossier-version"]
    page["dossier-intitule"] = "Sans version"

    assert client_charge.post(url, page).status_code == 409
    dossier.refresh_from_db()
    assert dossier.intitule != "Sans version"


def test_a_tampered_version_is_explained_on_the_page_and_writes_nothing(client_charge):
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:modifier", args=[dossier.reference])
    page = formulaire_affiche(client_charge, url)
    page["dossier-version"] = "\x00"
    page["dossier-intitule"] = "Version altérée"

    reponse = client_charge.post(url, page)

    assert reponse.status_code == 400
    assert "La page envoyée a été altérée" in reponse.content.decode()
    dossier.refresh_from_db()
    assert dossier.intitule != "Version altérée"
