"""The casework screens as staff use them: receive someone, follow the dossier, lists."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from accompagnement.models import ChangementPhase, RendezVous
from porteurs.models import Dossier, Phase, Porteur
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    PorteurFactory,
    QuartierFactory,
    formulaire_accueil,
)

pytestmark = pytest.mark.django_db

URL_RECEVOIR = reverse("porteurs:recevoir")


def test_receiving_a_new_person_creates_porteur_dossier_and_accueil_in_one_step(
    client_charge, charge
):
    commune = CommuneFactory(lille=True)
    reponse = client_charge.post(URL_RECEVOIR, formulaire_accueil(charge, commune))
    dossier = Dossier.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("porteurs:dossier", args=[dossier.reference])
    assert dossier.phase == Phase.ACCUEIL
    assert dossier.date_accueil == datetime.date(2013, 12, 2)
    assert dossier.commune_accueil == commune
    assert dossier.porteur.nom == "Durand"
    assert dossier.rendez_vous.get().objet == RendezVous.Objet.ACCUEIL_ORIENTATION


def test_reception_form_offers_sensible_defaults(client_charge, charge):
    contenu = client_charge.get(URL_RECEVOIR).content.decode()
    # Me as the staff member, today's date, labelled fields.
    assert f'<option value="{charge.pk}" selected>' in contenu
    assert 'value="2013-12-31"' in contenu
    assert '<label class="form-label" for="id_porteur-nom">Nom' in contenu


def test_an_unknown_commune_is_refused_next_to_the_field_and_nothing_is_written(
    client_charge, charge
):
    commune = CommuneFactory(lille=True)
    donnees = formulaire_accueil(charge, commune, **{"porteur-commune": "Atlantide"})
    reponse = client_charge.post(URL_RECEVOIR, donnees)
    assert reponse.status_code == 400
    assert "Commune introuvable" in reponse.content.decode()
    assert not Porteur.objects.exists() and not Dossier.objects.exists()
    assert not RendezVous.objects.exists()


def test_a_same_name_same_birth_date_person_blocks_the_reception(client_charge, charge):
    commune = CommuneFactory(lille=True)
    PorteurFactory(nom="DURAND", prenom="Nadia", date_naissance=datetime.date(1984, 5, 17))
    reponse = client_charge.post(URL_RECEVOIR, formulaire_accueil(charge, commune))
    assert reponse.status_code == 400
    assert "Cette personne existe déjà" in reponse.content.decode()
    assert Porteur.objects.count() == 1
    assert not Dossier.objects.exists()


def test_a_close_name_in_the_same_commune_asks_for_confirmation_first(client_charge, charge):
    commune = CommuneFactory(lille=True)
    PorteurFactory(nom="Durant", prenom="Nadia", date_naissance=None, commune=commune)
    premiere = client_charge.post(URL_RECEVOIR, formulaire_accueil(charge, commune))
    assert premiere.status_code == 400
    assert "Une personne au nom proche existe" in premiere.content.decode()
    assert not Dossier.objects.exists()
    confirmee = client_charge.post(
        URL_RECEVOIR, formulaire_accueil(charge, commune, **{"doublon-autre_personne": "on"})
    )
    assert confirmee.status_code == 302
    assert Porteur.objects.count() == 2


def test_a_quartier_of_another_commune_is_refused(client_charge, charge):
    commune = CommuneFactory(lille=True)
    ailleurs = QuartierFactory()
    donnees = formulaire_accueil(charge, commune, **{"porteur-quartier": str(ailleurs.pk)})
    reponse = client_charge.post(URL_RECEVOIR, donnees)
    assert reponse.status_code == 400
    assert "Ce quartier n&#x27;est pas à Lille" in reponse.content.decode()
    assert not Dossier.objects.exists()


def test_dossier_page_shows_the_timeline_and_only_the_allowed_next_phases(client_charge):
    dossier = DossierFactory(en_maturation=True)
    contenu = client_charge.get(reverse("porteurs:dossier", args=[dossier.reference])).content
    contenu = contenu.decode()
    assert "Maturation" in contenu and "Accueil" in contenu
    assert '<option value="creation">création</option>' in contenu
    assert '<option value="sortie">sortie</option>' in contenu
    assert 'value="post_creation"' not in contenu


def test_creation_without_convention_date_is_refused_next_to_the_field(client_charge):
    dossier = DossierFactory(en_maturation=True)
    url = reverse("porteurs:changer_phase", args=[dossier.reference])
    reponse = client_charge.post(url, {"phase": "creation", "date": "2013-12-20"})
    assert reponse.status_code == 400
    assert "Indiquez la date de signature de la convention." in reponse.content.decode()
    dossier.refresh_from_db()
    assert dossier.phase == Phase.MATURATION
    assert dossier.changements_phase.count() == 2


def test_recording_a_convention_moves_the_dossier_to_creation(client_charge, charge):
    dossier = DossierFactory(en_maturation=True)
    url = reverse("porteurs:changer_phase", args=[dossier.reference])
    reponse = client_charge.post(
        url, {"phase": "creation", "date": "2013-12-20", "date_convention": "2013-12-19"}
    )
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.phase == Phase.CREATION
    changement = dossier.changements_phase.get(phase=Phase.CREATION)
    assert changement.auteur == charge
    assert changement.date_convention == datetime.date(2013, 12, 19)


def test_an_illegal_date_is_refused_with_the_domain_message_and_nothing_written(client_charge):
    dossier = DossierFactory(en_maturation=True)  # maturation on 11/03/2013
    url = reverse("porteurs:changer_phase", args=[dossier.reference])
    reponse = client_charge.post(
        url, {"phase": "creation", "date": "2013-01-02", "date_convention": "2013-01-02"}
    )
    assert reponse.status_code == 400
    assert "11/03/2013" in reponse.content.decode()
    assert dossier.changements_phase.count() == 2


def test_an_exit_records_its_type_and_outcome(client_charge):
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:changer_phase", args=[dossier.reference])
    reponse = client_charge.post(
        url,
        {
            "phase": "sortie",
            "date": "2013-12-20",
            "type_sortie": "non_valorisable",
            "issue": "abandon",
        },
    )
    assert reponse.status_code == 302
    sortie = dossier.changements_phase.get(phase=Phase.SORTIE)
    assert (sortie.type_sortie, sortie.issue) == ("non_valorisable", "abandon")


def test_the_last_manual_change_can_be_undone(client_charge):
    dossier = DossierFactory(en_creation=True)
    reponse = client_charge.post(reverse("porteurs:annuler_changement", args=[dossier.reference]))
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.phase == Phase.MATURATION


def test_an_unknown_dossier_reference_is_a_404(client_charge):
    assert client_charge.get(reverse("porteurs:dossier", args=["2099-9999"])).status_code == 404


def _requetes(client, url, **parametres) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url, parametres)
    assert reponse.status_code == 200
    return len(requetes)


@pytest.mark.parametrize(
    ("nom_url", "parametres"),
    [
        ("porteurs:dossiers", {}),
        ("porteurs:dossiers", {"phase": "accueil", "q": "a"}),
        ("porteurs:porteurs", {}),
    ],
)
def test_list_pages_query_count_does_not_grow_with_rows(client_charge, nom_url, parametres):
    for _ in range(3):
        DossierFactory(en_accueil=True)
    petit = _requetes(client_charge, reverse(nom_url), **parametres)
    for _ in range(12):
        DossierFactory(en_accueil=True)
    grand = _requetes(client_charge, reverse(nom_url), **parametres)
    assert petit == grand
    # Session (read, save), user, permissions, count, page, filter choices.
    assert grand <= 14


def test_dossier_list_filters_by_phase_and_search(client_charge):
    cible = DossierFactory(en_maturation=True, porteur__nom="Zanetti")
    DossierFactory(en_accueil=True, porteur__nom="Zanetti")
    DossierFactory(en_maturation=True, porteur__nom="Martin")
    reponse = client_charge.get(reverse("porteurs:dossiers"), {"phase": "maturation", "q": "zanet"})
    assert [d.pk for d in reponse.context["page"]] == [cible.pk]


def test_an_invalid_filter_shows_an_error_instead_of_a_silent_empty_list(client_charge):
    DossierFactory(en_accueil=True)
    reponse = client_charge.get(reverse("porteurs:dossiers"), {"accueil_du": "31/02/2013"})
    assert reponse.status_code == 200
    assert "Certains filtres sont incorrects" in reponse.content.decode()


def test_csv_export_has_one_row_per_person_and_defuses_formulas(client_charge):
    dossier = DossierFactory(en_accueil=True, porteur__nom="=HYPERLINK(1)")
    dossier.co_porteurs.add(PorteurFactory(nom="Co"))
    reponse = client_charge.get(reverse("porteurs:exporter", args=["csv"]))
    assert reponse.status_code == 200
    texte = reponse.content.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes[0][0] == "référence"
    assert len(lignes) == 3
    assert {ligne[1] for ligne in lignes[1:]} == {"porteur principal", "co-porteur"}
    assert "'=HYPERLINK(1)" in texte


def test_xlsx_export_is_a_spreadsheet(client_charge):
    DossierFactory(en_accueil=True)
    reponse = client_charge.get(reverse("porteurs:exporter", args=["xlsx"]))
    assert reponse.content[:2] == b"PK"


def test_an_unknown_export_format_is_a_404(client_charge):
    assert client_charge.get("/dossiers/export.pdf", follow=True).status_code == 404


@pytest.mark.parametrize(
    "nom_url", ["porteurs:dossier", "porteurs:modifier", "porteurs:changer_phase"]
)
def test_board_member_is_refused_dossier_pages(client_administrateur, nom_url):
    dossier = DossierFactory(en_accueil=True)
    url = reverse(nom_url, args=[dossier.reference])
    # 405 for a method the page does not take: it says nothing about the dossier either.
    assert client_administrateur.get(url).status_code in (403, 405)
    assert client_administrateur.post(url, {}).status_code in (403, 405)
    assert b"2013-" not in client_administrateur.get(url).content


def test_editing_the_questionnaire_keeps_non_renseigne_as_an_answer(client_charge):
    dossier = DossierFactory(en_accueil=True)
    porteur = dossier.porteur
    url = reverse("porteurs:modifier", args=[dossier.reference])
    formulaire = client_charge.get(url).context["porteur_form"]
    donnees = {f"porteur-{k}": v for k, v in formulaire.initial.items() if v is not None}
    donnees.update(
        {
            f"dossier-{k}": v
            for k, v in client_charge.get(url).context["dossier_form"].initial.items()
            if v is not None
        }
    )
    donnees["porteur-commune"] = f"{porteur.commune.nom} ({porteur.commune.code_insee})"
    donnees["porteur-revenu"] = "nr"
    donnees.pop("porteur-id", None)
    reponse = client_charge.post(url, donnees)
    assert reponse.status_code == 302, reponse.context and reponse.context["porteur_form"].errors
    porteur.refresh_from_db()
    assert porteur.revenu == "nr"
    assert ChangementPhase.objects.filter(dossier=dossier).count() == 1


def test_dossier_page_shows_who_changed_what_and_when(client_charge, charge):
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:modifier", args=[dossier.reference])
    formulaire = client_charge.get(url).context
    donnees = {
        f"porteur-{k}": v for k, v in formulaire["porteur_form"].initial.items() if v is not None
    }
    donnees.update(
        {f"dossier-{k}": v for k, v in formulaire["dossier_form"].initial.items() if v is not None}
    )
    commune = dossier.porteur.commune
    donnees["porteur-commune"] = f"{commune.nom} ({commune.code_insee})"
    donnees["porteur-situation_professionnelle"] = "salarie"
    assert client_charge.post(url, donnees).status_code == 302
    contenu = client_charge.get(reverse("porteurs:dossier", args=[dossier.reference]))
    texte = contenu.content.decode()
    assert "Historique des modifications" in texte
    assert "Claire Dubois : modification (porteur)" in texte
    assert "situation professionnelle : non renseigné → salarié(e)" in texte
