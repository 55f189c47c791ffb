"""RGPD: information at reception, right of access (JSON, PDF), erasure by anonymisation and
the retention command, on small datasets (the demo-scale check is in test_rgpd_demo.py)."""

import datetime
import io
import json
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse

from accompagnement import services
from accompagnement.models import ChangementPhase, RendezVous
from formations.models import AssociationInscrivante
from porteurs import rgpd
from porteurs.models import Dossier, Porteur
from rapports.contenu import donnees_rapport
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    PorteurFactory,
    RendezVousFactory,
    faire_changer_phase,
    formulaire_accueil,
)
from tests.porteurs.test_ecrans import URL_RECEVOIR

pytestmark = pytest.mark.django_db


# --- Information at reception ------------------------------------------------------------


def test_reception_records_that_the_person_was_informed_today_by_the_staff_member(
    client_charge, charge
):
    donnees = formulaire_accueil(charge, CommuneFactory(lille=True))
    donnees.update({"porteur-informee": "on", "porteur-base_legale": "mission_publique"})

    assert client_charge.post(URL_RECEVOIR, donnees).status_code == 302

    porteur = Porteur.objects.get()
    assert porteur.information_rgpd_le == datetime.date(2013, 12, 31)
    assert porteur.information_rgpd_par == charge
    assert porteur.base_legale == Porteur.BaseLegale.MISSION_PUBLIQUE


def test_reception_without_the_box_ticked_records_no_information_and_the_default_basis(
    client_charge, charge
):
    client_charge.post(URL_RECEVOIR, formulaire_accueil(charge, CommuneFactory(lille=True)))

    porteur = Porteur.objects.get()
    assert porteur.information_rgpd_le is None
    assert porteur.information_rgpd_par is None
    assert porteur.base_legale == Porteur.BaseLegale.INTERET_LEGITIME


def test_reception_form_shows_the_notice_and_proposes_legitimate_interest(client_charge):
    contenu = client_charge.get(URL_RECEVOIR).content.decode()

    assert "La personne a été informée de l&#x27;usage de ses données" in contenu
    assert reverse("porteurs:information_donnees") in contenu
    assert '<option value="interet_legitime" selected>' in contenu


def test_the_notice_says_how_long_data_are_kept(client_charge, settings):
    settings.RGPD_CONSERVATION_ANNEES = 3
    contenu = client_charge.get(reverse("porteurs:information_donnees")).content.decode()

    assert "3 ans après notre dernier contact" in contenu
    assert "effacer" in contenu


def test_dossier_page_shows_when_and_by_whom_the_person_was_informed(client_charge, charge):
    dossier = DossierFactory(
        en_accueil=True,
        porteur=PorteurFactory(
            information_rgpd_le=datetime.date(2013, 3, 4),
            information_rgpd_par=charge,
            base_legale=Porteur.BaseLegale.INTERET_LEGITIME,
        ),
    )
    contenu = client_charge.get(reverse("porteurs:dossier", args=[dossier.reference]))
    texte = contenu.content.decode()

    assert "Informé·e de l'usage de ses données le 04/03/2013 par Claire Dubois" in texte
    assert "intérêt légitime de l&#x27;association" in texte
    # The export and erasure buttons are the direction's.
    assert reverse("porteurs:anonymiser", args=[dossier.porteur.pk]) not in texte


def test_a_pre_existing_person_can_be_marked_informed_from_the_edit_page(client_charge, charge):
    dossier = DossierFactory(en_accueil=True)
    url = reverse("porteurs:modifier", args=[dossier.reference])
    contexte = client_charge.get(url).context
    donnees = {
        f"{prefixe}-{k}": v
        for prefixe in ("porteur", "dossier")
        for k, v in contexte[f"{prefixe}_form"].initial.items()
        if v is not None
    }
    commune = dossier.porteur.commune
    donnees["porteur-commune"] = f"{commune.nom} ({commune.code_insee})"
    donnees["porteur-informee"] = "on"

    assert client_charge.post(url, donnees).status_code == 302

    dossier.porteur.refresh_from_db()
    assert dossier.porteur.information_rgpd_le == datetime.date(2013, 12, 31)
    assert dossier.porteur.information_rgpd_par == charge
    # Once recorded, the box is gone: the date is never moved by a later edit.
    assert "porteur-informee" not in client_charge.get(url).content.decode()


# --- Right of access ----------------------------------------------------------------------


@pytest.fixture
def dossier_complet(charge):
    """A received dossier with a held appointment carrying notes, and a phase comment."""
    porteur = PorteurFactory(
        nom="Benali",
        prenom="Aïcha",
        email="aicha.benali@exemple.fr",
        telephone="06 11 22 33 44",
        adresse="12 rue des Postes",
        date_naissance=datetime.date(1984, 5, 17),
    )
    dossier = DossierFactory(porteur=porteur, intitule="Épicerie d'Aïcha", reference="2013-0042")
    services.enregistrer_rendez_vous(
        dossier,
        auteur=charge,
        date=datetime.date(2013, 3, 4),
        charge=charge,
        objet=RendezVous.Objet.ACCUEIL_ORIENTATION,
        lieu_precision="chez elle, 12 rue des Postes",
        notes="Aïcha élève seule ses deux enfants.",
    )
    faire_changer_phase(
        dossier, "maturation", datetime.date(2013, 4, 2), commentaire="Aïcha a trouvé un local."
    )
    return dossier


def test_direction_exports_everything_held_about_a_person_as_json(
    client_directeur, dossier_complet, caplog
):
    porteur = dossier_complet.porteur
    url = reverse("porteurs:exporter_personne", args=[porteur.pk, "json"])

    with caplog.at_level(logging.INFO, logger="maillage.securite"):
        reponse = client_directeur.get(url)

    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("application/json")
    donnees = json.loads(reponse.content)
    assert donnees["porteur"]["nom"] == "Benali"
    assert donnees["porteur"]["courriel"] == "aicha.benali@exemple.fr"
    [dossier] = donnees["dossiers"]
    assert dossier["référence"] == "2013-0042"
    assert dossier["rendez-vous"][0]["notes (confidentielles)"] == (
        "Aïcha élève seule ses deux enfants."
    )
    assert [c["phase"] for c in dossier["changements de phase"]] == ["accueil", "maturation"]
    assert any(e["action"] == "création" for e in dossier["historique des modifications"])
    assert donnees["historique des modifications du porteur"][0]["action"] == "création"
    # The security log says who exported whose data, by ids only.
    [ligne] = [r.getMessage() for r in caplog.records if "export de données" in r.getMessage()]
    assert str(porteur.pk) in ligne
    assert "Benali" not in ligne and "aicha" not in ligne.lower()


def test_direction_exports_a_readable_pdf(client_directeur, dossier_complet):
    url = reverse("porteurs:exporter_personne", args=[dossier_complet.porteur.pk, "pdf"])
    reponse = client_directeur.get(url)

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse.content.startswith(b"%PDF")
    html = rgpd.html_donnees_personne(dossier_complet.porteur)
    assert "Dossier 2013-0042 (porteur principal)" in html
    assert "Aïcha élève seule ses deux enfants." in html


def test_exporting_the_dossier_list_goes_to_the_security_log(client_charge, charge, caplog):
    DossierFactory(en_accueil=True, porteur=PorteurFactory(nom="Benali"))

    with caplog.at_level(logging.INFO, logger="maillage.securite"):
        reponse = client_charge.get(reverse("porteurs:exporter", kwargs={"format": "csv"}))

    assert reponse.status_code == 200
    [ligne] = [r for r in caplog.records if r.getMessage().startswith("export dossiers")]
    assert ligne.name == "maillage.securite"
    assert ligne.getMessage() == f"export dossiers: utilisateur {charge.pk}, format csv"


@pytest.mark.parametrize("nom_url", ["exporter_json", "exporter_pdf", "anonymiser"])
def test_staff_and_board_members_cannot_export_or_anonymise(
    client, charge, administrateur, nom_url
):
    porteur = PorteurFactory()
    url = {
        "exporter_json": reverse("porteurs:exporter_personne", args=[porteur.pk, "json"]),
        "exporter_pdf": reverse("porteurs:exporter_personne", args=[porteur.pk, "pdf"]),
        "anonymiser": reverse("porteurs:anonymiser", args=[porteur.pk]),
    }[nom_url]
    for utilisateur in (charge, administrateur):
        client.force_login(utilisateur)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code in (403, 405)
    porteur.refresh_from_db()
    assert porteur.anonymise_le is None


# --- Erasure ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("naissance", "jours"),
    [
        # Received before the birthday: 1 January of the birth year would add a year.
        (datetime.date(1988, 6, 15), [datetime.date(2013, 3, 4)]),
        (datetime.date(1988, 6, 15), [datetime.date(2013, 3, 4), datetime.date(2014, 9, 1)]),
        (datetime.date(1990, 1, 1), [datetime.date(2013, 12, 31)]),
        (datetime.date(1988, 2, 29), [datetime.date(2013, 2, 28), datetime.date(2014, 3, 1)]),
        (datetime.date(1970, 12, 31), []),
    ],
)
def test_generalised_birth_date_gives_the_same_age_on_every_reception_day(naissance, jours):
    generalisee = rgpd.naissance_generalisee(naissance, jours)

    for jour in jours:
        assert rgpd._age(generalisee, jour) == rgpd._age(naissance, jour)
    if not jours:
        assert generalisee == datetime.date(naissance.year, 1, 1)


def test_generalised_birth_date_is_a_first_of_january_when_that_keeps_the_age():
    assert rgpd.naissance_generalisee(
        datetime.date(1988, 6, 15), [datetime.date(2013, 9, 1)]
    ) == datetime.date(1988, 1, 1)
    # Received on 4 March before a June birthday: 1 January of the next year keeps the age.
    assert rgpd.naissance_generalisee(
        datetime.date(1988, 6, 15), [datetime.date(2013, 3, 4)]
    ) == datetime.date(1989, 1, 1)


def test_anonymising_erases_identity_and_free_text_everywhere_and_keeps_the_report(
    dossier_complet, directeur
):
    porteur = dossier_complet.porteur
    association = AssociationInscrivante.objects.create(
        nom="Les amis d'Aïcha", rna="W591234567", dossier=dossier_complet
    )
    avant = donnees_rapport(2013)

    rgpd.anonymiser_porteur(porteur, directeur)

    porteur.refresh_from_db()
    assert (porteur.nom, porteur.prenom, porteur.email, porteur.telephone, porteur.adresse) == (
        "Personne anonymisée",
        "",
        "",
        "",
        "",
    )
    assert porteur.date_naissance == datetime.date(1985, 1, 1)
    assert porteur.anonymise_le is not None
    dossier_complet.refresh_from_db()
    assert dossier_complet.intitule == ""
    assert dossier_complet.anonymise_le is not None
    assert set(RendezVous.objects.values_list("notes", "lieu_precision")) == {("", "")}
    assert set(ChangementPhase.objects.values_list("commentaire", flat=True)) == {""}
    association.refresh_from_db()
    assert (association.nom, association.rna) == ("Association anonymisée", "")
    # No past version keeps the identity either.
    for modele, champs in (
        (Porteur, ["nom", "prenom", "email", "telephone", "adresse"]),
        (Dossier, ["intitule"]),
        (RendezVous, ["notes", "lieu_precision"]),
        (ChangementPhase, ["commentaire"]),
    ):
        for valeurs in modele.historique.values_list(*champs):
            assert not any("Aïcha" in v or "Benali" in v or "Postes" in v for v in valeurs)
    assert set(Porteur.historique.values_list("date_naissance", flat=True)) == {
        datetime.date(1985, 1, 1)
    }
    # The act is in the history (who, when), not what was erased.
    derniere = Porteur.historique.filter(id=porteur.pk).latest("history_id")
    assert derniere.history_user == directeur
    assert donnees_rapport(2013) == avant


def test_anonymising_twice_is_refused(dossier_complet, directeur):
    rgpd.anonymiser_porteur(dossier_complet.porteur, directeur)

    with pytest.raises(rgpd.DejaAnonymise):
        rgpd.anonymiser_porteur(dossier_complet.porteur, directeur)


def test_a_co_led_dossier_keeps_its_lead_porteurs_data(directeur):
    dossier = DossierFactory(en_accueil=True, intitule="Le projet de Karim")
    co_porteur = PorteurFactory()
    dossier.co_porteurs.add(co_porteur)

    rgpd.anonymiser_porteur(co_porteur, directeur)

    dossier.refresh_from_db()
    assert dossier.intitule == "Le projet de Karim"
    assert dossier.anonymise_le is None
    assert dossier.porteur.anonymise_le is None


def test_direction_confirms_then_anonymises_from_the_dossier_page(
    client_directeur, dossier_complet, caplog
):
    porteur = dossier_complet.porteur
    page = client_directeur.get(reverse("porteurs:dossier", args=[dossier_complet.reference]))
    url = reverse("porteurs:anonymiser", args=[porteur.pk])
    assert url in page.content.decode()

    confirmation = client_directeur.get(url)
    assert confirmation.status_code == 200
    assert "c'est définitif" in confirmation.content.decode()
    porteur.refresh_from_db()
    assert porteur.anonymise_le is None  # showing the page changes nothing

    with caplog.at_level(logging.INFO, logger="maillage.securite"):
        reponse = client_directeur.post(url)

    assert reponse.status_code == 302
    porteur.refresh_from_db()
    assert porteur.nom == "Personne anonymisée"
    assert any(f"anonymisation: porteur {porteur.pk}" in r.getMessage() for r in caplog.records)
    page = client_directeur.get(reponse["Location"]).content.decode()
    assert "Données anonymisées le 31/12/2013" in page
    assert "Benali" not in page


# --- Retention ----------------------------------------------------------------------------


@pytest.fixture
def trois_porteurs(charge):
    """Last contacts: 2010 (old reception), 2011 (old reception, appointment in 2012 that
    keeps it), and 2013 (recent)."""
    ancien = DossierFactory(en_accueil=True, debut=datetime.date(2010, 5, 3), reference="2010-0001")
    garde = DossierFactory(en_accueil=True, debut=datetime.date(2011, 2, 1), reference="2011-0001")
    RendezVousFactory(dossier=garde, date=datetime.date(2012, 6, 1), charge=charge)
    recent = DossierFactory(en_accueil=True, debut=datetime.date(2013, 3, 4), reference="2013-0001")
    return ancien.porteur, garde.porteur, recent.porteur


def test_last_contact_is_the_latest_of_reception_appointments_and_phase_changes(trois_porteurs):
    ancien, garde, recent = trois_porteurs
    sans_dossier = PorteurFactory()
    contacts = rgpd.derniers_contacts()

    assert contacts[sans_dossier.pk] == datetime.date(2013, 12, 31)
    assert contacts[ancien.pk] == datetime.date(2010, 5, 3)
    assert contacts[garde.pk] == datetime.date(2012, 6, 1)
    assert contacts[recent.pk] == datetime.date(2013, 3, 4)


def test_retention_dry_run_lists_references_without_names_and_writes_nothing(trois_porteurs):
    ancien, _garde, _recent = trois_porteurs
    versions = Porteur.historique.count()
    sortie = io.StringIO()

    call_command("anonymiser_inactifs", stdout=sortie)

    texte = sortie.getvalue()
    assert "1 à anonymiser (simulation" in texte
    assert "2010-0001" in texte and "dernier contact le 03/05/2010" in texte
    assert "2011-0001" not in texte and "2013-0001" not in texte
    assert ancien.nom not in texte and ancien.prenom not in texte
    assert Porteur.objects.filter(anonymise_le__isnull=False).count() == 0
    assert Porteur.historique.count() == versions


def test_retention_apply_anonymises_exactly_the_inactive_people(trois_porteurs):
    ancien, garde, recent = trois_porteurs

    call_command("anonymiser_inactifs", "--annees", "1", "--appliquer", stdout=io.StringIO())

    # 1 year before 31/12/2013: the 2010 and 2012 contacts are over, 2013 is not.
    assert set(Porteur.objects.filter(anonymise_le__isnull=False)) == {ancien, garde}
    recent.refresh_from_db()
    assert recent.nom != "Personne anonymisée"


def test_retention_default_comes_from_the_setting(trois_porteurs, settings):
    settings.RGPD_CONSERVATION_ANNEES = 4
    sortie = io.StringIO()

    call_command("anonymiser_inactifs", stdout=sortie)

    assert "(4 ans) : 0 à anonymiser" in sortie.getvalue()


def test_last_contacts_take_the_same_queries_whatever_the_volume(
    trois_porteurs, django_assert_num_queries
):
    with django_assert_num_queries(7):
        rgpd.derniers_contacts()
    for dossier in DossierFactory.create_batch(4, en_maturation=True):
        RendezVousFactory(dossier=dossier)
        dossier.co_porteurs.add(PorteurFactory())

    with django_assert_num_queries(7):
        assert len(rgpd.derniers_contacts()) == 3 + 4 * 2
