"""Planned vs done per module for a convention (the two tables of report section 3.2), and
the seed's 2013 programme entered as the seed describes it."""

import datetime
from decimal import Decimal

import pytest

from formations.models import ModulePrevu
from formations.stats import programme_convention, statistiques_formations
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    ConventionFactory,
    InscriptionFactory,
    SessionFactory,
    module,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]

d = datetime.date
MODULES = ["s_associer", "projeter", "employer", "gerer", "evaluer"]

# Seed section 3.2: sessions planned per module, and the sessions held with their place and
# number of trainees. The seed gives no number of days per session: those below are an
# assumption that adds up to the seed's 31 days for 2013.
PREVUES = {
    "2012-2013": [3, 2, 3, 1, 1],
    "2013-2014": [2, 1, 1, 2, 1],
}
REALISEES = [
    # convention, module, first day, last day, place, trainees, days
    ("2012-2013", "s_associer", d(2012, 11, 19), d(2012, 12, 3), "Lille", 9, "3"),
    ("2012-2013", "s_associer", d(2013, 5, 6), d(2013, 5, 27), "Lille", 8, "3"),
    ("2012-2013", "s_associer", d(2013, 12, 2), d(2013, 12, 16), "Lille", 8, "3"),
    ("2012-2013", "projeter", d(2013, 4, 8), d(2013, 6, 10), "Lille", 8, "4"),
    ("2012-2013", "projeter", d(2013, 11, 4), d(2013, 12, 9), "Lille", 9, "4"),
    ("2012-2013", "employer", d(2013, 4, 15), d(2013, 5, 13), "Lille", 10, "3.5"),
    ("2012-2013", "employer", d(2013, 5, 14), d(2013, 5, 28), "Dunkerque", 8, "3.5"),
    ("2012-2013", "employer", d(2013, 9, 16), d(2013, 10, 14), "Tourcoing", 8, "3"),
    ("2012-2013", "gerer", d(2012, 12, 3), d(2012, 12, 17), "Lille", 7, "3"),
    ("2012-2013", "evaluer", d(2013, 4, 2), d(2013, 4, 16), "Lille", 8, "3"),
    ("2013-2014", "gerer", d(2013, 9, 23), d(2013, 10, 21), "Lille", 9, "4"),
]


@pytest.fixture
def programme_2013():
    conventions = {
        "2012-2013": ConventionFactory(),
        "2013-2014": ConventionFactory(c2013_2014=True),
    }
    for libelle, nombres in PREVUES.items():
        for code, n in zip(MODULES, nombres, strict=True):
            ModulePrevu.objects.create(
                convention=conventions[libelle], module=module(code), sessions_prevues=n
            )
    # 52 associations enrol the 76 trainees of 2013 (some associations several).
    associations = [AssociationInscrivanteFactory() for _ in range(52)]
    rang = 0
    for libelle, code, debut, fin, lieu, effectif, jours in REALISEES:
        session = SessionFactory(
            convention=conventions[libelle],
            module=module(code),
            date_debut=debut,
            date_fin=fin,
            lieu=lieu,
            nombre_jours=Decimal(jours),
        )
        for _ in range(effectif):
            InscriptionFactory(session=session, association=associations[rang % 52])
            rang += 1 if fin.year == 2013 else 0
    return conventions


def test_the_seed_2013_programme_gives_the_seed_totals(programme_2013):
    stats = statistiques_formations(2013)
    assert stats.sessions == 9
    assert stats.sessions_par_convention == {"2012-2013": 8, "2013-2014": 1}
    assert stats.jours == 31
    assert stats.stagiaires == 76
    assert stats.associations == 52


def test_planned_vs_done_per_module(programme_2013, django_assert_num_queries):
    with django_assert_num_queries(3):
        programme = programme_convention(programme_2013["2012-2013"])
    assert [(ligne.module, ligne.prevues, ligne.realisees) for ligne in programme.lignes] == [
        ("S'associer", 3, 3),
        ("Projeter", 2, 2),
        ("Employer", 3, 3),
        ("Gérer", 1, 1),
        ("Évaluer", 1, 1),
    ]
    employer = programme.lignes[2]
    assert [(s.lieu, s.effectif) for s in employer.sessions] == [
        ("Lille", 10),
        ("Dunkerque", 8),
        ("Tourcoing", 8),
    ]
    assert (programme.prevues, programme.realisees) == (10, 10)


def test_a_convention_half_done_shows_what_is_left(programme_2013):
    # On 30/06/2014 the 2013-2014 programme has its Gérer of the autumn 2013 done, and a
    # Projeter scheduled in September 2014.
    SessionFactory(
        convention=programme_2013["2013-2014"],
        module=module("projeter"),
        date_debut=d(2014, 9, 8),
        date_fin=d(2014, 9, 22),
    )
    programme = programme_convention(programme_2013["2013-2014"])
    lignes = {ligne.module: ligne for ligne in programme.lignes}
    assert (lignes["Gérer"].prevues, lignes["Gérer"].realisees) == (2, 1)
    assert lignes["Gérer"].reste_a_realiser == 1
    assert (lignes["Projeter"].realisees, lignes["Projeter"].programmees) == (0, 1)
    assert (programme.prevues, programme.realisees, programme.effectif) == (7, 1, 9)
