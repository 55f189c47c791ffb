"""Duplicate detection before creating a porteur."""

import datetime

import pytest

from porteurs.services import detecter_doublons, normaliser
from tests.factories import CommuneFactory, PorteurFactory

pytestmark = pytest.mark.django_db

NAISSANCE = datetime.date(1984, 5, 17)


def test_names_are_compared_without_case_accents_or_hyphens():
    assert normaliser("  Lefèvre-DUPRÉ  d'Aïcha ") == "lefevre dupre d aicha"


def test_same_name_and_birth_date_is_a_blocking_duplicate():
    existant = PorteurFactory(nom="BENALI", prenom="Aicha", date_naissance=NAISSANCE)

    bloquants, proches = detecter_doublons("Benali", "Aïcha", NAISSANCE, CommuneFactory())

    assert bloquants == [existant]
    assert proches == []


def test_same_name_with_another_birth_date_is_not_blocking():
    PorteurFactory(nom="Benali", prenom="Aïcha", date_naissance=datetime.date(1990, 1, 1))

    assert detecter_doublons("Benali", "Aïcha", NAISSANCE, None) == ([], [])


def test_a_close_name_in_the_same_commune_is_a_warning():
    lille = CommuneFactory(lille=True)
    existant = PorteurFactory(nom="Dupond", prenom="Aicha", commune=lille, date_naissance=None)

    bloquants, proches = detecter_doublons("Dupont", "Aïcha", NAISSANCE, lille)

    assert bloquants == []
    assert proches == [existant]


def test_a_close_name_in_another_commune_is_not_reported():
    PorteurFactory(nom="Dupond", prenom="Aicha", commune=CommuneFactory())

    assert detecter_doublons("Dupont", "Aïcha", NAISSANCE, CommuneFactory()) == ([], [])


def test_a_different_name_in_the_same_commune_is_not_reported():
    lille = CommuneFactory(lille=True)
    PorteurFactory(nom="Martin", prenom="Paul", commune=lille)

    assert detecter_doublons("Benali", "Aïcha", NAISSANCE, lille) == ([], [])


def test_a_blocking_duplicate_is_not_repeated_as_a_warning():
    lille = CommuneFactory(lille=True)
    existant = PorteurFactory(nom="Benali", prenom="Aïcha", date_naissance=NAISSANCE, commune=lille)

    assert detecter_doublons("Benali", "Aïcha", NAISSANCE, lille) == ([existant], [])


def test_the_porteur_being_edited_is_not_its_own_duplicate():
    existant = PorteurFactory(nom="Benali", prenom="Aïcha", date_naissance=NAISSANCE)

    assert detecter_doublons(
        "Benali", "Aïcha", NAISSANCE, existant.commune, exclure=existant.pk
    ) == ([], [])


def test_duplicate_detection_takes_two_queries_whatever_the_number_of_porteurs(
    django_assert_num_queries,
):
    lille = CommuneFactory(lille=True)
    for _ in range(2):
        PorteurFactory.create_batch(5, commune=lille, date_naissance=NAISSANCE)
        with django_assert_num_queries(2):
            detecter_doublons("Benali", "Aïcha", NAISSANCE, lille)
