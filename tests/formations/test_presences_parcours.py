"""Attendance per day, and each trainee's (and association's) path through the five
modules."""

import datetime

import pytest

from formations.models import Presence
from formations.services import (
    creer_jours,
    inscrire,
    noter_presences,
    parcours_association,
    parcours_stagiaire,
)
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    InscriptionFactory,
    SessionFactory,
    StagiaireFactory,
    module,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]

d = datetime.date


def _session(code: str, debut: datetime.date, fin: datetime.date, **champs):
    return SessionFactory(module=module(code), date_debut=debut, date_fin=fin, **champs)


# --- attendance --------------------------------------------------------------------------


def test_the_days_of_a_session_are_created_once_and_within_its_dates():
    session = _session("projeter", d(2013, 4, 8), d(2013, 4, 22))
    creer_jours(session, [d(2013, 4, 8), d(2013, 4, 15)])
    jours = creer_jours(session, [d(2013, 4, 15), d(2013, 4, 22)])
    assert [j.date for j in jours] == [d(2013, 4, 8), d(2013, 4, 15), d(2013, 4, 22)]
    with pytest.raises(ValueError, match="n'est pas compris"):
        creer_jours(session, [d(2013, 5, 1)])


def test_the_attendance_sheet_of_a_day_marks_every_confirmed_trainee():
    session = _session("projeter", d(2013, 4, 8), d(2013, 4, 15), capacite=2)
    jour_1, jour_2 = creer_jours(session, [d(2013, 4, 8), d(2013, 4, 15)])
    association = AssociationInscrivanteFactory()
    anne, bruno, attente = (inscrire(session, StagiaireFactory(), association) for _ in range(3))

    noter_presences(jour_1, [anne, bruno])
    noter_presences(jour_2, [anne])
    noter_presences(jour_2, [anne])  # entering the sheet twice changes nothing

    presences = set(Presence.objects.values_list("inscription_id", "jour_id", "present"))
    assert presences == {
        (anne.pk, jour_1.pk, True),
        (bruno.pk, jour_1.pk, True),
        (anne.pk, jour_2.pk, True),
        (bruno.pk, jour_2.pk, False),
    }
    with pytest.raises(ValueError, match="inscrit"):
        noter_presences(jour_1, [attente])  # on the waiting list


def test_a_trainee_of_another_session_cannot_be_marked_present():
    session = _session("projeter", d(2013, 4, 8), d(2013, 4, 15))
    (jour,) = creer_jours(session, [d(2013, 4, 8)])
    with pytest.raises(ValueError):
        noter_presences(jour, [InscriptionFactory()])


# --- paths -------------------------------------------------------------------------------


@pytest.fixture
def anne():
    """Anne followed S'associer (attendance not recorded) and Employer (present one day of
    two), missed every day of Projeter, is enrolled in Gérer after today, and was on the
    waiting list of Évaluer."""
    anne = StagiaireFactory(prenom="Anne")
    asso = AssociationInscrivanteFactory(nom="Le Jardin des Bennes")
    InscriptionFactory(
        stagiaire=anne,
        association=asso,
        session=_session("s_associer", d(2013, 1, 7), d(2013, 1, 21)),
    )
    employer = _session("employer", d(2013, 5, 2), d(2013, 5, 20))
    inscription = InscriptionFactory(stagiaire=anne, association=asso, session=employer)
    jour_1, _jour_2 = creer_jours(employer, [d(2013, 5, 2), d(2013, 5, 20)])
    noter_presences(jour_1, [inscription])
    noter_presences(_jour_2, [])
    projeter = _session("projeter", d(2013, 4, 8), d(2013, 4, 22))
    absente = InscriptionFactory(stagiaire=anne, association=asso, session=projeter)
    (jour,) = creer_jours(projeter, [d(2013, 4, 8)])
    noter_presences(jour, [])
    assert not absente.presences.filter(present=True).exists()
    InscriptionFactory(
        stagiaire=anne, association=asso, session=_session("gerer", d(2014, 9, 1), d(2014, 9, 15))
    )
    InscriptionFactory(
        stagiaire=anne,
        association=asso,
        session=_session("evaluer", d(2013, 6, 3), d(2013, 6, 10)),
        en_attente=True,
    )
    return anne


def test_path_of_a_trainee(anne, django_assert_num_queries):
    with django_assert_num_queries(2):
        parcours = parcours_stagiaire(anne)
    assert [m.nom for m in parcours.modules_suivis] == ["S'associer", "Employer"]
    assert [(e.module.nom, e.jours_presents) for e in parcours.suivis] == [
        ("S'associer", None),
        ("Employer", 1),
    ]
    assert parcours.suivis[1].date_debut == d(2013, 5, 2)
    assert [e.module.nom for e in parcours.a_venir] == ["Gérer"]
    assert [m.nom for m in parcours.restants] == ["Projeter", "Gérer", "Évaluer"]
    assert not parcours.complet


def test_path_on_an_earlier_date(anne):
    parcours = parcours_stagiaire(anne, au=d(2013, 3, 1))
    assert [m.nom for m in parcours.modules_suivis] == ["S'associer"]
    assert {e.module.nom for e in parcours.a_venir} == {"Employer", "Projeter", "Gérer"}


def test_path_of_an_association_gathers_its_trainees(anne):
    asso = anne.inscriptions.first().association
    bruno = StagiaireFactory(prenom="Bruno")
    InscriptionFactory(
        stagiaire=bruno,
        association=asso,
        session=_session("evaluer", d(2013, 10, 1), d(2013, 10, 8)),
    )
    # Enrolled by another association: not part of this association's path.
    InscriptionFactory(
        stagiaire=bruno, session=_session("projeter", d(2013, 11, 4), d(2013, 11, 18))
    )
    parcours = parcours_association(asso)
    assert [(e.module.nom, e.stagiaire.prenom) for e in parcours.suivis] == [
        ("S'associer", "Anne"),
        ("Employer", "Anne"),
        ("Évaluer", "Bruno"),
    ]
    assert [m.nom for m in parcours.restants] == ["Projeter", "Gérer"]


def test_a_trainee_who_followed_the_five_modules_has_completed_the_path():
    stagiaire = StagiaireFactory()
    for mois, code in enumerate(["s_associer", "projeter", "employer", "gerer", "evaluer"], 1):
        InscriptionFactory(
            stagiaire=stagiaire, session=_session(code, d(2013, mois, 1), d(2013, mois, 10))
        )
    parcours = parcours_stagiaire(stagiaire)
    assert parcours.complet
    assert parcours.restants == []
