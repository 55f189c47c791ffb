"""Fixtures shared by the whole suite: one user per role, named like the people they stand
for, and a logged-in client for each."""

import pytest
from django.contrib.auth.models import Group

from maillage.roles import ADMINISTRATEUR, CHARGE, DIRECTION


class _VariableInconnue(str):
    """Makes an undefined template variable fail the test that renders it."""

    def __mod__(self, nom):
        raise AssertionError(f"variable de gabarit inconnue : {nom}")


@pytest.fixture(autouse=True, scope="session")
def _gabarits_stricts():
    from django.template import engines

    for moteur in engines.all():
        if hasattr(moteur, "engine"):
            moteur.engine.string_if_invalid = _VariableInconnue("%s")


@pytest.fixture(autouse=True)
def _cache_vide():
    """The dashboards' cache (rapports.vues_tableaux) lives in the process's memory, keyed
    by page, filters and day and trusted for a minute: two tests would share its entries
    (and their rolled-back data). Each test starts with it empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _tableaux_recalcules_dans_la_vue(monkeypatch):
    """A dashboard's figures recomputed in a thread (rapports.vues_tableaux) would read with
    the thread's own connection, which does not see a test's uncommitted data: the views
    compute them themselves, except in tests that ask otherwise (in real transactions)."""
    from rapports import vues_tableaux

    monkeypatch.setattr(vues_tableaux, "RECALCUL_EN_ARRIERE_PLAN", False)


@pytest.fixture(autouse=True)
def _donnees_des_migrations(request):
    """Tests in real transactions empty every table when they end, including what the
    migrations wrote (role groups and their permissions, the five ADVA modules), and
    pytest-django's serialized rollback did not always put it back here (seen on
    PostgreSQL): such tests write it again first, as the migrations do."""
    marqueur = request.node.get_closest_marker("django_db")
    if marqueur and marqueur.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        import importlib

        from django.apps import apps

        from maillage.roles import synchroniser_roles

        synchroniser_roles(apps)
        importlib.import_module("formations.migrations.0002_modules_adva").creer_modules(apps, None)


@pytest.fixture(autouse=True)
def _parcours_en_cache_coherents(request):
    """After every test that used the database: each dossier's cached path (date_accueil,
    the phase dates and the sortie, which the report's funnel reads) agrees with its phase
    history, whatever wrote it (accompagnement.phases, the batch import, the demo)."""
    marqueur = request.node.get_closest_marker("django_db")
    noms = set(request.fixturenames)
    if "transactional_db" in noms or (marqueur and marqueur.kwargs.get("transaction")):
        # Set up first, so torn down (rolled back or emptied) after the check below.
        request.getfixturevalue("transactional_db")
    elif "db" in noms or marqueur:
        request.getfixturevalue("db")
    else:
        yield
        return
    yield
    from django.db import connection

    if connection.connection is None or connection.needs_rollback:
        return
    from accompagnement.phases import dossiers_au_parcours_incoherent

    ecarts = list(dossiers_au_parcours_incoherent().values_list("reference", flat=True)[:5])
    assert not ecarts, f"chemin en cache faux pour les dossiers {ecarts}"


def _utilisateur(django_user_model, username: str, role: str, **champs):
    user = django_user_model.objects.create_user(
        username=username, password="mot-de-passe-de-test-1", **champs
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def charge(db, django_user_model):
    """Claire, chargée de mission."""
    return _utilisateur(
        django_user_model, "claire", CHARGE, first_name="Claire", last_name="Dubois"
    )


@pytest.fixture
def directeur(db, django_user_model):
    """Marc, directeur."""
    return _utilisateur(
        django_user_model, "marc", DIRECTION, first_name="Marc", last_name="Leroy", is_staff=True
    )


@pytest.fixture
def administrateur(db, django_user_model):
    """Alice, administratrice (membre du conseil d'administration)."""
    return _utilisateur(
        django_user_model, "alice", ADMINISTRATEUR, first_name="Alice", last_name="Martin"
    )


@pytest.fixture
def client_charge(client, charge):
    client.force_login(charge)
    return client


@pytest.fixture
def client_directeur(client, directeur):
    client.force_login(directeur)
    return client


@pytest.fixture
def client_administrateur(client, administrateur):
    client.force_login(administrateur)
    return client
