"""The dashboards' cache (rapports.vues_tableaux): figures computed once per state of the
data, checked again at most once a minute, recomputed at once when a porteur changes, and
at the latest after DUREE_CACHE_TABLEAUX whatever the data."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapports import vues_tableaux
from rapports.rendu import empreinte_tableaux
from rapports.tableaux import Filtres, tableau_direction
from tests.factories import DossierFactory, RendezVousFactory
from tests.rapports.test_tableaux_requetes import requetes

pytestmark = pytest.mark.django_db

d = datetime.date
URL = "rapports:tableau_direction"
# A computation on PostgreSQL starts with one SET (rapports.vues_tableaux._sans_parallelisme).
REGLAGE = 1 if connection.vendor == "postgresql" else 0


def _vue(client, parametres=None):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(reverse(URL), parametres or {"annee": "2013"})
    assert reponse.status_code == 200
    # The page's CSRF token (the logout form) changes at each response.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", reponse.content.decode())
    return html, len(requetes)


@pytest.fixture
def comptes():
    """The queries of the direction's figures of 2013 and of the fingerprint."""
    return {
        "figures": requetes(lambda: tableau_direction(Filtres(annee=2013))),
        "empreinte": requetes(lambda: empreinte_tableaux(2013)),
    }


@pytest.fixture
def client_directeur(client_directeur):
    """Logged in, first page seen: the session's first request writes more."""
    client_directeur.get(reverse("accueil"))
    return client_directeur


@pytest.fixture
def dossier():
    dossier = DossierFactory(en_accueil=True)
    RendezVousFactory(dossier=dossier, date=d(2013, 6, 3))
    return dossier


def test_a_repeated_view_within_the_minute_is_served_without_reading_the_data(
    client_directeur, dossier, comptes
):
    premiere, requetes_premiere = _vue(client_directeur)
    repetee, requetes_repetee = _vue(client_directeur)
    assert repetee == premiere
    # Neither the figures' queries nor the fingerprint's are run (nor the year list's).
    assert requetes_repetee == (
        requetes_premiere - comptes["figures"] - comptes["empreinte"] - 1 - REGLAGE
    )
    # An appointment entered within the minute is not looked for yet...
    RendezVousFactory(dossier=dossier, date=d(2013, 9, 2))
    assert _vue(client_directeur)[0] == premiere
    assert "02/09/2013" not in premiere


def test_after_the_minute_a_change_of_the_data_recomputes_the_figures(
    client_directeur, dossier, monkeypatch
):
    premiere, requetes_premiere = _vue(client_directeur)
    RendezVousFactory(dossier=dossier, date=d(2013, 9, 2))
    monkeypatch.setattr(vues_tableaux, "FRAICHEUR_TABLEAUX", 0)
    apres, requetes_apres = _vue(client_directeur)
    assert "02/09/2013" in apres
    # The fingerprint is read, then every figure's query runs again (the year list, kept
    # for the minute it was stored with, is not read again).
    assert requetes_apres == requetes_premiere - 1


def test_after_the_minute_unchanged_data_are_served_after_reading_the_fingerprint(
    client_directeur, dossier, comptes, monkeypatch
):
    premiere, requetes_premiere = _vue(client_directeur)
    monkeypatch.setattr(vues_tableaux, "FRAICHEUR_TABLEAUX", 0)
    repetee, requetes_repetee = _vue(client_directeur)
    assert repetee == premiere
    # The fingerprint's queries, not the figures' (nor the year list's).
    assert requetes_repetee == requetes_premiere - comptes["figures"] - 1 - REGLAGE


def test_an_erased_person_leaves_the_cached_dashboard_at_once(client_directeur, directeur):
    from porteurs.rgpd import anonymiser_porteur

    dossier = DossierFactory(en_accueil=True, porteur__nom="Durandière")
    RendezVousFactory(dossier=dossier, date=d(2013, 6, 3))
    assert "Durandière" in _vue(client_directeur)[0]
    # At once: within the minute during which other changes are not looked for.
    anonymiser_porteur(dossier.porteur, directeur)
    assert "Durandière" not in _vue(client_directeur)[0]


def test_a_change_of_a_porteur_recomputes_at_once(client_directeur, dossier):
    premiere, _ = _vue(client_directeur)
    porteur = dossier.porteur
    porteur.nom = "Rectifiée"
    porteur.save()
    apres, _ = _vue(client_directeur)
    assert "Rectifiée" in apres and "Rectifiée" not in premiere


def test_figures_are_recomputed_when_they_are_too_old_even_if_nothing_changed(
    client_directeur, dossier, monkeypatch
):
    premiere, requetes_premiere = _vue(client_directeur)
    # A rename adds no row: the fingerprint does not see it, the age does. The staff
    # member's name is in the figures (appointments by staff member) only.
    charge = dossier.rendez_vous.get().charge
    ancien = f"{charge.first_name} {charge.last_name}"
    type(charge).objects.filter(pk=charge.pk).update(first_name="Prénom", last_name="Renommé")
    monkeypatch.setattr(vues_tableaux, "FRAICHEUR_TABLEAUX", 0)
    assert _vue(client_directeur)[0] == premiere
    monkeypatch.setattr(vues_tableaux, "DUREE_CACHE_TABLEAUX", 0)
    apres, requetes_apres = _vue(client_directeur)
    assert requetes_apres == requetes_premiere - 1
    assert ancien in premiere and "Prénom Renommé" in apres and ancien not in apres


def test_the_page_says_when_its_figures_were_computed(client_directeur, dossier):
    html, _ = _vue(client_directeur)
    assert re.search(r"Chiffres calculés le \d\d/\d\d/\d{4} à \d\d:\d\d\.", html)
    assert "au plus tard 1 minute après" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's parallel workers")
def test_a_dashboard_is_computed_without_parallel_workers(dossier):
    from django.db import transaction

    def reglage():
        with connection.cursor() as curseur:
            curseur.execute("SHOW max_parallel_workers_per_gather")
            return curseur.fetchone()[0]

    assert reglage() != "0"
    with transaction.atomic():
        chiffres = vues_tableaux._en_cache("essai", Filtres(annee=2013), reglage)
    assert chiffres.valeur == "0"


SUR_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="recomputed in a thread on PostgreSQL only"
)


def _vue_puis_rendez_vous_apres_la_minute(client, dossier, monkeypatch):
    """Recomputation in a thread on: a first view, then an appointment entered and the
    minute over. Returns the first view (html, queries)."""
    monkeypatch.setattr(vues_tableaux, "RECALCUL_EN_ARRIERE_PLAN", True)
    premiere = _vue(client)
    RendezVousFactory(dossier=dossier, date=d(2013, 9, 2))
    monkeypatch.setattr(vues_tableaux, "FRAICHEUR_TABLEAUX", 0)
    return premiere


@SUR_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_after_the_minute_changed_figures_are_served_while_a_thread_recomputes_them(
    client_directeur, dossier, comptes, monkeypatch
):
    premiere, requetes_premiere = _vue_puis_rendez_vous_apres_la_minute(
        client_directeur, dossier, monkeypatch
    )
    # The view does not wait: the figures it had, after reading the fingerprint.
    servie, requetes_servie = _vue(client_directeur)
    assert servie == premiere
    assert requetes_servie == requetes_premiere - comptes["figures"] - 1 - REGLAGE
    vues_tableaux.attendre_les_recalculs()
    assert not vues_tableaux._recalculs
    monkeypatch.setattr(vues_tableaux, "FRAICHEUR_TABLEAUX", 60)
    apres, requetes_apres = _vue(client_directeur)
    assert "02/09/2013" in apres and "02/09/2013" not in premiere
    # Computed by the thread: this view only read the cache.
    assert requetes_apres == (
        requetes_premiere - comptes["figures"] - comptes["empreinte"] - 1 - REGLAGE
    )


@SUR_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_failed_recomputation_keeps_the_figures_and_logs_no_data(
    client_directeur, dossier, monkeypatch, caplog
):
    premiere, _ = _vue_puis_rendez_vous_apres_la_minute(client_directeur, dossier, monkeypatch)

    def en_panne(filtres, *args, **kwargs):
        raise ValueError(f"Durandière {dossier.porteur.nom}")

    monkeypatch.setattr(vues_tableaux.tableaux, "tableau_direction", en_panne)
    assert _vue(client_directeur)[0] == premiere
    vues_tableaux.attendre_les_recalculs()
    assert "échec du recalcul en arrière-plan (ValueError)" in caplog.text
    assert "Durandière" not in caplog.text and dossier.porteur.nom not in caplog.text
    # Still served, and tried again at the next check.
    assert _vue(client_directeur)[0] == premiere
    vues_tableaux.attendre_les_recalculs()
    assert caplog.text.count("échec du recalcul") == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's path")
def test_on_sqlite_the_view_computes_the_changed_figures_itself(
    client_directeur, dossier, monkeypatch
):
    monkeypatch.setattr(vues_tableaux, "RECALCUL_EN_ARRIERE_PLAN", True)
    _vue(client_directeur)
    RendezVousFactory(dossier=dossier, date=d(2013, 9, 2))
    monkeypatch.setattr(vues_tableaux, "FRAICHEUR_TABLEAUX", 0)
    assert "02/09/2013" in _vue(client_directeur)[0]
    assert not vues_tableaux._recalculs
