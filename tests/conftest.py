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
