"""The direction's list "Dossiers sans rendez-vous depuis six mois": which appointments
make a dossier's latest news (held ones only; a planned one keeps it off the list)."""

import datetime

import pytest
from django.urls import reverse

from rapports.tableaux import Filtres, tableau_direction
from tests.factories import DossierFactory, RendezVousFactory

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
