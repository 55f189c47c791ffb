"""The direction's list "Dossiers sans rendez-vous depuis six mois": which appointments
make a dossier's latest news (held ones only; a planned one keeps it off the list)."""

import datetime

import pytest
from django.urls import reverse

from rapports import tableaux
from rapports.tableaux import Filtres, tableau_direction
from tests.factories import (
    DossierFactory,
    PointAccueilFactory,
    RendezVousFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

AUJOURD_HUI = datetime.date(2014, 6, 30)  # six months before: 29 December 2013
d = datetime.date


def dossier_avec(*rendez_vous: tuple[datetime.date, str], **kwargs):
    dossier = DossierFactory(en_accueil=True, **kwargs)
    for jour, statut in rendez_vous:
        RendezVousFactory(dossier=dossier, date=jour, statut=statut)
    return dossier


def test_the_latest_held_appointment_decides_and_other_statuses_do_not_count():
    ancien = dossier_avec((d(2013, 6, 3), "realise"))
    deux = dossier_avec((d(2013, 3, 4), "realise"), (d(2013, 9, 2), "realise"))
    annule_recent = dossier_avec((d(2013, 6, 3), "realise"), (d(2014, 6, 2), "annule"))
    absent_recent = dossier_avec((d(2013, 6, 3), "realise"), (d(2014, 6, 2), "absent"))
    recent = dossier_avec((d(2013, 6, 3), "realise"), (d(2014, 5, 5), "realise"))
    prevu = dossier_avec((d(2013, 6, 3), "realise"), (d(2014, 7, 7), "prevu"))
    sorti = DossierFactory(sorti=True)
    RendezVousFactory(dossier=sorti, date=d(2013, 3, 4))

    liste = tableau_direction(Filtres(annee=2014), AUJOURD_HUI).listes["sans-rendez-vous"]

    dates = {ligne.reference: ligne.date for ligne in liste.lignes}
    assert dates == {
        ancien.reference: d(2013, 6, 3),
        # The latest held appointment, not the first one.
        deux.reference: d(2013, 9, 2),
        # A cancelled or missed appointment is no news.
        annule_recent.reference: d(2013, 6, 3),
        absent_recent.reference: d(2013, 6, 3),
    }
    assert liste.nombre == 4
    assert recent.reference not in dates and prevu.reference not in dates
    # Oldest news first.
    assert [ligne.reference for ligne in liste.lignes][-1] == deux.reference


def test_a_long_list_shows_its_oldest_news_first_and_counts_them_all(monkeypatch):
    # The rows are read for the list's first dossiers only: created newest news first,
    # so that the first dossiers by key are not the ones shown.
    monkeypatch.setattr(tableaux, "LIGNES_LISTE", 2)
    jours = [d(2013, 9, 2), d(2013, 7, 1), d(2013, 5, 6), d(2013, 3, 4)]
    dossiers = [dossier_avec((jour, "realise")) for jour in jours]

    liste = tableau_direction(Filtres(annee=2014), AUJOURD_HUI).listes["sans-rendez-vous"]

    assert liste.nombre == 4
    assert [(ligne.reference, ligne.date) for ligne in liste.lignes] == [
        (dossiers[3].reference, d(2013, 3, 4)),
        (dossiers[2].reference, d(2013, 5, 6)),
    ]
    assert all(ligne.porteur and ligne.phase for ligne in liste.lignes)


def test_the_team_s_work_adds_up_per_staff_member_place_and_dispositif():
    anne = UtilisateurFactory(username="anne", first_name="Anne", last_name="Leroy")
    paul = UtilisateurFactory(username="paul", first_name="Paul", last_name="Martin")
    point = PointAccueilFactory(nom="Centre social Nord")
    escale = DossierFactory(en_accueil=True)
    citeslab = DossierFactory(en_accueil=True, citeslab=True)
    jour = d(2014, 3, 3)
    RendezVousFactory(dossier=escale, charge=anne, date=jour, duree_minutes=90)
    RendezVousFactory(dossier=citeslab, charge=anne, date=jour, duree_minutes=30, telephone=True)
    RendezVousFactory(
        dossier=citeslab,
        charge=paul,
        date=jour,
        duree_minutes=48,
        lieu="point_accueil",
        point_accueil=point,
    )
    RendezVousFactory(dossier=escale, charge=paul, date=jour, duree_minutes=60, annule=True)
    RendezVousFactory(dossier=escale, charge=paul, date=d(2013, 3, 4), duree_minutes=60)

    t = tableau_direction(Filtres(annee=2014), AUJOURD_HUI).tableaux

    par_salarie = t["rendez-vous-par-salarie"]
    assert par_salarie.etiquettes == ("Anne Leroy", "Paul Martin")
    assert [s.valeurs for s in par_salarie.series] == [(2, 1), (2.0, 0.8)]
    par_lieu = t["rendez-vous-par-lieu"]
    assert dict(zip(par_lieu.etiquettes, par_lieu.series[0].valeurs, strict=True)) == {
        "locaux de Maillage": 1,
        "téléphone": 1,
        f"Centre social Nord ({point.commune.nom})": 1,
    }
    temps = t["temps-par-dispositif"]
    heures = dict(zip(temps.etiquettes, temps.series[0].valeurs, strict=True))
    assert heures["ESCALE"] == 1.5 and heures["CitésLab"] == 1.3


def test_a_dossier_never_seen_is_listed_from_its_reception():
    jamais = DossierFactory(en_accueil=True, date_accueil=d(2013, 3, 4))
    liste = tableau_direction(Filtres(annee=2014), AUJOURD_HUI).listes["sans-rendez-vous"]
    assert [(ligne.reference, ligne.date) for ligne in liste.lignes] == [
        (jamais.reference, d(2013, 3, 4))
    ]


def test_the_direction_dashboard_of_a_year_without_reception_answers(client_directeur):
    # This year is offered in the year list before its first reception (in January): the
    # data quality table's team line used to fail on the missing counts (a 500).
    DossierFactory(en_accueil=True)  # received in 2013
    reponse = client_directeur.get(reverse("rapports:tableau_direction"), {"annee": "2014"})
    assert reponse.status_code == 200
    assert "Toute l&#x27;équipe" in reponse.content.decode() or "Toute l'équipe" in (
        reponse.content.decode()
    )
