"""The training figures of a calendar year (report section 3.2), on a small hand-made year.

2013, as built by `annee_2013`:
- sessions: Projeter from 10/12/2012 to 15/01/2013 (counted in 2013, the year of its last
  day), Employer in May 2013 (both convention 2012-2013), Gérer in the autumn (2013-2014);
  not counted: S'associer in November 2012, Évaluer from 16/12/2013 to 14/01/2014;
- confirmed enrolments: 7 for 6 people (Anne is in two sessions); a waiting and a cancelled
  enrolment that never count;
- fiches: 4 answered of 7, one of them with questions left blank;
- enrolling associations: 6, linked to dossiers received in 2013 (accueil), in maturation
  since 2012, in création since January 2013, left in 2012, received in 2014, and one with
  no dossier.
"""

import datetime
from decimal import Decimal

import pytest

from formations.models import Emploi, Genre, Inscription, OuiNon, TrancheAge
from formations.stats import _situation, statistiques_formations
from tests.factories import DossierFactory
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    ConventionFactory,
    InscriptionFactory,
    SessionFactory,
    StagiaireFactory,
    module,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]

NR = "nr"


def _session(convention, code, debut, fin, jours):
    return SessionFactory(
        convention=convention,
        module=module(code),
        date_debut=debut,
        date_fin=fin,
        nombre_jours=Decimal(jours),
    )


@pytest.fixture
def annee_2013():
    c2012 = ConventionFactory()
    c2013 = ConventionFactory(c2013_2014=True)
    d = datetime.date
    s_associer_2012 = _session(c2012, "s_associer", d(2012, 11, 20), d(2012, 12, 4), "3")
    projeter = _session(c2012, "projeter", d(2012, 12, 10), d(2013, 1, 15), "3.5")
    employer = _session(c2012, "employer", d(2013, 5, 2), d(2013, 5, 20), "3")
    gerer = _session(c2013, "gerer", d(2013, 9, 20), d(2013, 10, 10), "2")
    evaluer_2014 = _session(c2013, "evaluer", d(2013, 12, 16), d(2014, 1, 14), "3")

    accueillie = AssociationInscrivanteFactory(
        dossier=DossierFactory(en_accueil=True, debut=d(2013, 2, 1))
    )
    en_maturation = AssociationInscrivanteFactory(
        dossier=DossierFactory(en_maturation=True, debut=d(2012, 6, 1))
    )
    accompagnee = AssociationInscrivanteFactory(
        dossier=DossierFactory(en_creation=True, debut=d(2012, 12, 24))
    )
    sortie_2012 = AssociationInscrivanteFactory(
        dossier=DossierFactory(sorti=True, debut=d(2012, 3, 1))
    )
    recue_2014 = AssociationInscrivanteFactory(
        dossier=DossierFactory(en_accueil=True, debut=d(2014, 2, 3))
    )
    sans_dossier = AssociationInscrivanteFactory()

    anne = StagiaireFactory(prenom="Anne")
    fiche_anne = {
        "fiche_renseignee": True,
        "fiche_genre": Genre.FEMME,
        "fiche_tranche_age": TrancheAge.DE_26_A_60,
        "fiche_sphere_dirigeante": OuiNon.OUI,
        "fiche_emploi": Emploi.SALARIE,
    }
    InscriptionFactory(session=projeter, stagiaire=anne, association=accueillie, **fiche_anne)
    InscriptionFactory(session=employer, stagiaire=anne, association=en_maturation, **fiche_anne)
    InscriptionFactory(
        session=projeter,
        association=en_maturation,
        fiche_renseignee=True,
        fiche_genre=Genre.HOMME,
        fiche_tranche_age=TrancheAge.MOINS_26,
        fiche_sphere_dirigeante=OuiNon.NON,
        fiche_emploi=Emploi.SANS_EMPLOI,
    )
    InscriptionFactory(session=employer, association=accompagnee)  # no fiche
    # A fiche handed in with the age left blank.
    InscriptionFactory(
        session=gerer,
        association=sans_dossier,
        fiche_renseignee=True,
        fiche_genre=Genre.FEMME,
        fiche_sphere_dirigeante=OuiNon.NON,
        fiche_emploi=Emploi.RETRAITE,
    )
    InscriptionFactory(session=gerer, association=sortie_2012)
    InscriptionFactory(session=gerer, association=recue_2014)
    # Never counted: waiting list, cancelled, sessions of other years.
    InscriptionFactory(session=gerer, association=sans_dossier, en_attente=True, fiche=True)
    InscriptionFactory(session=employer, association=AssociationInscrivanteFactory(), annulee=True)
    InscriptionFactory(session=s_associer_2012, fiche=True)
    InscriptionFactory(session=evaluer_2014, stagiaire=anne, fiche=True)


def test_sessions_are_counted_in_the_year_of_their_last_day(annee_2013):
    stats = statistiques_formations(2013)
    assert stats.sessions == 3
    assert stats.sessions_par_convention == {"2012-2013": 2, "2013-2014": 1}
    assert stats.jours == Decimal("8.5")
    assert statistiques_formations(2014).sessions == 1
    assert statistiques_formations(2012).sessions == 1


def test_trainees_are_counted_as_enrolments_and_as_distinct_people(annee_2013):
    stats = statistiques_formations(2013)
    assert stats.stagiaires == 7
    assert stats.personnes == 6


def test_profile_shares_are_computed_on_those_who_answered(annee_2013):
    stats = statistiques_formations(2013)
    assert stats.fiches_renseignees == 4

    assert stats.genre.effectifs == {"F": 3, "H": 1, NR: 3}
    assert (stats.genre.repondu, stats.genre.total) == (4, 7)
    assert stats.genre.part("F") == Decimal("0.75")
    assert stats.genre.part(NR) is None

    # The blank age on an answered fiche counts as NR like the missing fiches.
    assert stats.tranche_age.effectifs == {"moins_26": 1, "26_60": 2, "plus_60": 0, NR: 4}
    assert stats.tranche_age.repondu == 3
    assert stats.tranche_age.part("plus_60") == 0

    assert stats.sphere_dirigeante.effectifs == {"oui": 2, "non": 2, NR: 3}
    assert stats.sphere_dirigeante.part("oui") == Decimal("0.5")

    assert stats.emploi.effectifs == {
        "salarie": 2,
        "sans_emploi": 1,
        "etudiant": 0,
        "retraite": 1,
        NR: 3,
    }
    assert stats.emploi.libelles[NR] == "non renseigné"


def test_enrolling_associations_are_placed_by_their_dossier_phase_history(annee_2013):
    stats = statistiques_formations(2013)
    assert stats.associations == 6
    assert stats.associations_accueillies == 1
    assert stats.associations_en_maturation == 1
    assert stats.associations_accueillies_ou_en_maturation == 2
    assert stats.associations_accompagnees == 1
    assert stats.associations_concernees == 3
    # Left in 2012, received in 2014, no dossier.
    assert stats.associations_hors_accompagnement == 3


def test_a_past_year_does_not_change_when_the_dossier_moves_on(annee_2013):
    from tests.factories import faire_changer_phase

    dossier = Inscription.objects.get(
        association__dossier__phase="accueil", association__dossier__date_accueil__year=2013
    ).association.dossier
    faire_changer_phase(dossier, "maturation", datetime.date(2014, 3, 3))
    faire_changer_phase(dossier, "creation", datetime.date(2014, 4, 7))
    stats = statistiques_formations(2013)
    assert stats.associations_accueillies == 1
    assert stats.associations_accompagnees == 1


def test_an_empty_year_gives_zeros_and_no_share():
    stats = statistiques_formations(2010)
    assert (stats.sessions, stats.jours, stats.stagiaires, stats.associations) == (0, 0, 0, 0)
    assert stats.genre.part("F") is None


@pytest.mark.parametrize(
    ("historique", "attendu"),
    [
        # Entered during the year.
        ([("accueil", datetime.date(2013, 3, 1))], "accueillie"),
        # Carried over from before the year, still in force.
        (
            [("accueil", datetime.date(2012, 3, 1)), ("maturation", datetime.date(2012, 4, 1))],
            "maturation",
        ),
        # The furthest phase of the year wins.
        (
            [
                ("accueil", datetime.date(2012, 3, 1)),
                ("maturation", datetime.date(2012, 4, 1)),
                ("creation", datetime.date(2013, 11, 1)),
            ],
            "accompagnee",
        ),
        (
            [
                ("accueil", datetime.date(2010, 3, 1)),
                ("maturation", datetime.date(2010, 4, 1)),
                ("creation", datetime.date(2011, 1, 1)),
                ("post_creation", datetime.date(2012, 1, 1)),
            ],
            "accompagnee",
        ),
        # Left the day the year began: not in any phase during the year.
        ([("accueil", datetime.date(2012, 3, 1)), ("sortie", datetime.date(2013, 1, 1))], None),
        # Left during the year: it was received, then left.
        (
            [("accueil", datetime.date(2012, 3, 1)), ("sortie", datetime.date(2013, 1, 2))],
            "accueillie",
        ),
        ([], None),
    ],
)
def test_situation_of_a_dossier_during_a_year(historique, attendu):
    assert _situation(historique, datetime.date(2013, 1, 1), datetime.date(2013, 12, 31)) == (
        attendu
    )


def _une_annee_de_plus(taille: int):
    """`taille` more sessions in 2013, each with `taille` enrolments from associations with
    dossiers in different phases."""
    convention = ConventionFactory()
    traits = ["en_accueil", "en_maturation", "en_creation", "sorti"]
    for i in range(taille):
        session = SessionFactory(
            convention=convention,
            module=module("employer"),
            date_debut=datetime.date(2013, 3, i + 1),
        )
        for j in range(taille):
            association = AssociationInscrivanteFactory(
                dossier=DossierFactory(**{traits[(i + j) % 4]: True}) if j % 3 else None
            )
            InscriptionFactory(session=session, association=association, fiche=bool(j % 2))


def test_query_count_does_not_grow_with_the_year(annee_2013, django_assert_num_queries):
    with django_assert_num_queries(3):
        petite = statistiques_formations(2013)
    _une_annee_de_plus(6)
    with django_assert_num_queries(3):
        grande = statistiques_formations(2013)
    assert grande.sessions == petite.sessions + 6
    assert grande.stagiaires == petite.stagiaires + 36
