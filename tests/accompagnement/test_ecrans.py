"""Appointment screens: my week, the quick form, editing, the day sheet, the ICS feed."""

import datetime

import pytest
from django.urls import reverse

from accompagnement.models import RendezVous
from accompagnement.services import enregistrer_rendez_vous
from accompagnement.views import lien_agenda
from porteurs.models import Phase
from tests.factories import DossierFactory, PointAccueilFactory, RendezVousFactory

pytestmark = pytest.mark.django_db

URL_NOUVEAU = reverse("accompagnement:nouveau")


def formulaire_rdv(le_dossier, charge, **autres) -> dict:
    donnees = {
        "dossier": f"{le_dossier.reference} — {le_dossier.porteur}",
        "date": "2013-12-20",
        "heure": "14:30",
        "duree_minutes": "45",
        "charge": str(charge.pk),
        "lieu": "locaux",
        "objet": "suivi",
        "statut": "realise",
    }
    donnees.update(autres)
    return donnees


def dossier_recu(charge):
    """A dossier received through its accueil appointment, as the app does it."""
    dossier = DossierFactory()
    enregistrer_rendez_vous(
        dossier,
        auteur=charge,
        date=datetime.date(2013, 12, 2),
        charge=charge,
        objet=RendezVous.Objet.ACCUEIL_ORIENTATION,
    )
    return dossier


def test_second_held_appointment_in_the_quick_form_moves_to_maturation(client_charge, charge):
    dossier = dossier_recu(charge)
    assert dossier.phase == Phase.ACCUEIL
    reponse = client_charge.post(URL_NOUVEAU, formulaire_rdv(dossier, charge))
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.phase == Phase.MATURATION
    messages = [str(m) for m in client_charge.get(reponse["Location"]).context["messages"]]
    assert any("maturation" in m for m in messages)


def test_a_cancelled_appointment_does_not_move_the_dossier(client_charge, charge):
    dossier = dossier_recu(charge)
    client_charge.post(URL_NOUVEAU, formulaire_rdv(dossier, charge, statut="annule"))
    dossier.refresh_from_db()
    assert dossier.phase == Phase.ACCUEIL
    assert dossier.rendez_vous.filter(statut="annule").count() == 1


def test_the_dossier_can_be_typed_as_its_reference_alone(client_charge, charge):
    dossier = DossierFactory(en_accueil=True)
    donnees = formulaire_rdv(dossier, charge, dossier=dossier.reference)
    assert client_charge.post(URL_NOUVEAU, donnees).status_code == 302


def test_an_unknown_dossier_is_refused_next_to_the_field(client_charge, charge):
    dossier = DossierFactory(en_accueil=True)
    reponse = client_charge.post(URL_NOUVEAU, formulaire_rdv(dossier, charge, dossier="1999-0001"))
    assert reponse.status_code == 400
    assert "Dossier introuvable" in reponse.content.decode()
    assert RendezVous.objects.count() == 0


def test_a_held_appointment_in_the_future_is_refused(client_charge, charge):
    dossier = DossierFactory(en_accueil=True)
    reponse = client_charge.post(URL_NOUVEAU, formulaire_rdv(dossier, charge, date="2014-01-15"))
    assert reponse.status_code == 400
    assert "choisissez « prévu »" in reponse.content.decode()
    assert RendezVous.objects.count() == 0


def test_a_point_d_accueil_is_required_when_the_place_is_one(client_charge, charge):
    dossier = DossierFactory(en_accueil=True)
    reponse = client_charge.post(URL_NOUVEAU, formulaire_rdv(dossier, charge, lieu="point_accueil"))
    assert reponse.status_code == 400
    assert "Indiquez le point d&#x27;accueil." in reponse.content.decode()


def test_quick_form_defaults_to_me_today_and_my_last_place(client_charge, charge):
    point = PointAccueilFactory()
    RendezVousFactory(charge=charge, lieu="point_accueil", point_accueil=point)
    formulaire = client_charge.get(URL_NOUVEAU).context["form"]
    assert formulaire.initial["charge"] == charge.pk
    assert formulaire.initial["date"] == datetime.date(2013, 12, 31)
    assert formulaire.initial["lieu"] == "point_accueil"
    assert formulaire.initial["point_accueil"] == point.pk


def test_quick_form_is_prefilled_from_a_dossier(client_charge):
    dossier = DossierFactory(en_accueil=True)
    reponse = client_charge.get(URL_NOUVEAU, {"dossier": dossier.reference})
    assert dossier.reference in reponse.content.decode()


def test_quick_form_is_reachable_from_every_staff_page(client_charge):
    contenu = client_charge.get(reverse("porteurs:dossiers")).content.decode()
    assert f'href="{URL_NOUVEAU}" accesskey="n"' in contenu


def test_editing_a_held_appointment_to_cancelled_recomputes_the_phase(client_charge, charge):
    dossier = dossier_recu(charge)
    client_charge.post(URL_NOUVEAU, formulaire_rdv(dossier, charge))
    dossier.refresh_from_db()
    assert dossier.phase == Phase.MATURATION
    rdv = dossier.rendez_vous.get(date=datetime.date(2013, 12, 20))
    donnees = formulaire_rdv(dossier, charge, statut="annule")
    del donnees["dossier"]
    reponse = client_charge.post(reverse("accompagnement:modifier", args=[rdv.pk]), donnees)
    assert reponse.status_code == 302
    dossier.refresh_from_db()
    assert dossier.phase == Phase.ACCUEIL


def test_my_appointments_show_today_and_my_week_only(client_charge, charge):
    dossier = DossierFactory(en_accueil=True)
    RendezVousFactory(dossier=dossier, charge=charge, date=datetime.date(2013, 12, 31))
    RendezVousFactory(
        dossier=dossier, charge=charge, date=datetime.date(2014, 1, 2), statut="prevu"
    )
    RendezVousFactory(dossier=dossier, date=datetime.date(2013, 12, 31))  # someone else's
    RendezVousFactory(dossier=dossier, charge=charge, date=datetime.date(2013, 12, 1))
    contexte = client_charge.get(reverse("accompagnement:mes_rendez_vous")).context
    assert len(contexte["du_jour"]) == 1
    semaine = [r for jour in contexte["jours"] for r in jour["rendez_vous"]]
    assert len(semaine) == 2
    assert contexte["debut"] == datetime.date(2013, 12, 30)


def test_day_sheet_lists_the_place_s_appointments_without_notes(client_charge):
    point = PointAccueilFactory()
    RendezVousFactory(
        date=datetime.date(2013, 12, 31),
        lieu="point_accueil",
        point_accueil=point,
        notes="Confidentiel : situation familiale",
    )
    RendezVousFactory(date=datetime.date(2013, 12, 31))  # at the premises
    reponse = client_charge.get(
        reverse("accompagnement:feuille_du_jour"), {"date": "2013-12-31", "lieu": point.pk}
    )
    assert len(reponse.context["rendez_vous"]) == 1
    assert "Confidentiel" not in reponse.content.decode()


def test_day_sheet_with_a_bad_place_is_a_404(client_charge):
    url = reverse("accompagnement:feuille_du_jour")
    assert client_charge.get(url, {"lieu": "abc"}).status_code == 404


def test_calendar_feed_works_with_its_secret_address_and_holds_no_name(client, charge):
    rdv = RendezVousFactory(charge=charge, date=datetime.date(2013, 12, 31), notes="secret")
    reponse = client.get(lien_agenda(charge))
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert texte.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:rdv-{rdv.pk}@" in texte
    assert "DTSTART:20131231T090000Z" in texte  # 10:00 in Paris
    assert rdv.dossier.reference in texte
    assert rdv.dossier.porteur.nom not in texte
    assert "secret" not in texte


def test_calendar_feed_with_a_wrong_secret_is_a_404(client, charge):
    url = lien_agenda(charge).replace(".ics", "").rsplit("/", 1)[0] + "/0000.ics"
    assert client.get(url).status_code == 404


def test_calendar_address_stops_working_when_the_password_changes(client, charge):
    ancien = lien_agenda(charge)
    charge.set_password("un-nouveau-mot-de-passe-2")
    charge.save()
    assert client.get(ancien).status_code == 404


def test_board_member_cannot_open_appointment_screens(client_administrateur):
    rdv = RendezVousFactory()
    for url in (
        URL_NOUVEAU,
        reverse("accompagnement:modifier", args=[rdv.pk]),
        reverse("accompagnement:feuille_du_jour"),
    ):
        assert client_administrateur.get(url).status_code == 403, url
