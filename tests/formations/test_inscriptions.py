"""Enrolment: capacity, waiting list, cancellation, and finding an existing trainee."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from formations.models import Genre, Inscription, Stagiaire
from formations.services import (
    Fiche,
    annuler_inscription,
    completer_depuis_liste_attente,
    inscrire,
    normaliser_nom,
    position_attente,
    trouver_ou_creer_stagiaire,
)
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    InscriptionFactory,
    SessionFactory,
    StagiaireFactory,
)

pytestmark = pytest.mark.django_db

INSCRIT = Inscription.Statut.INSCRIT
ATTENTE = Inscription.Statut.LISTE_ATTENTE
ANNULE = Inscription.Statut.ANNULE


@pytest.fixture
def session():
    return SessionFactory(capacite=2)


@pytest.fixture
def association():
    return AssociationInscrivanteFactory()


def _inscrire(session, association, n: int) -> list[Inscription]:
    return [inscrire(session, StagiaireFactory(), association) for _ in range(n)]


def test_enrolments_are_confirmed_up_to_the_capacity_then_go_to_the_waiting_list(
    session, association
):
    premiers = _inscrire(session, association, 2)
    suivants = _inscrire(session, association, 2)
    assert [i.statut for i in premiers] == [INSCRIT, INSCRIT]
    assert [i.statut for i in suivants] == [ATTENTE, ATTENTE]
    assert [position_attente(i) for i in suivants] == [1, 2]
    assert position_attente(premiers[0]) is None


def test_cancelling_a_confirmed_enrolment_promotes_the_first_in_line(session, association):
    premier, _ = _inscrire(session, association, 2)
    en_attente_1, en_attente_2 = _inscrire(session, association, 2)

    promues = annuler_inscription(premier)

    assert promues == [en_attente_1]
    en_attente_1.refresh_from_db()
    en_attente_2.refresh_from_db()
    premier.refresh_from_db()
    assert (premier.statut, premier.annule_le is not None) == (ANNULE, True)
    assert (en_attente_1.statut, en_attente_1.rang_attente) == (INSCRIT, None)
    assert en_attente_2.statut == ATTENTE
    assert position_attente(en_attente_2) == 1
    assert session.inscriptions.confirmees().count() == 2


def test_cancelling_a_waiting_enrolment_promotes_nobody(session, association):
    _inscrire(session, association, 2)
    en_attente_1, en_attente_2 = _inscrire(session, association, 2)
    assert annuler_inscription(en_attente_1) == []
    assert annuler_inscription(en_attente_1) == []  # already cancelled: nothing changes
    en_attente_2.refresh_from_db()
    assert (en_attente_2.statut, position_attente(en_attente_2)) == (ATTENTE, 1)


def test_raising_the_capacity_lets_the_waiting_list_in_by_rank(session, association):
    _inscrire(session, association, 2)
    attente = _inscrire(session, association, 3)
    session.capacite = 4
    session.save(update_fields=["capacite"])
    assert completer_depuis_liste_attente(session) == attente[:2]
    assert session.inscriptions.en_attente().get() == attente[2]


def test_enrolling_someone_already_enrolled_returns_their_enrolment(session, association):
    stagiaire = StagiaireFactory()
    premiere = inscrire(session, stagiaire, association)
    assert inscrire(session, stagiaire, AssociationInscrivanteFactory()) == premiere
    assert session.inscriptions.count() == 1


def test_a_cancelled_enrolment_is_reopened_not_duplicated(session, association):
    stagiaire = StagiaireFactory()
    inscription = inscrire(session, stagiaire, association)
    annuler_inscription(inscription)
    _inscrire(session, association, 2)  # the seats are gone meanwhile

    rouverte = inscrire(session, stagiaire, association)

    assert rouverte.pk == inscription.pk
    assert (rouverte.statut, rouverte.annule_le) == (ATTENTE, None)
    assert session.inscriptions.filter(stagiaire=stagiaire).count() == 1


def test_the_fiche_given_at_enrolment_is_recorded(session, association):
    inscription = inscrire(
        session,
        StagiaireFactory(),
        association,
        fiche=Fiche(genre=Genre.HOMME, sphere_dirigeante="oui"),
    )
    inscription.refresh_from_db()
    assert inscription.fiche_renseignee
    assert (inscription.fiche_genre, inscription.fiche_sphere_dirigeante) == ("H", "oui")
    assert (inscription.fiche_tranche_age, inscription.fiche_emploi) == ("nr", "nr")


def test_without_a_fiche_every_answer_stays_not_given(session, association):
    inscription = inscrire(session, StagiaireFactory(), association)
    assert not inscription.fiche_renseignee
    inscription.renseigner_fiche(genre=Genre.FEMME, emploi="etudiant")
    inscription.refresh_from_db()
    assert (inscription.fiche_renseignee, inscription.fiche_emploi) == (True, "etudiant")


def test_the_database_refuses_a_second_enrolment_of_the_same_trainee(session):
    inscription = InscriptionFactory(session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        InscriptionFactory(session=session, stagiaire=inscription.stagiaire)


def test_the_database_refuses_answers_on_a_fiche_not_handed_in(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        InscriptionFactory(session=session, fiche_renseignee=False, fiche_genre=Genre.FEMME)


def test_the_database_refuses_a_waiting_enrolment_without_rank(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        InscriptionFactory(session=session, statut=ATTENTE, rang_attente=None)


# --- no duplicate person -----------------------------------------------------------------


def test_names_are_compared_without_case_accents_or_punctuation():
    assert normaliser_nom("  Lemaître-Dupont ") == normaliser_nom("LEMAITRE dupont")
    assert normaliser_nom("Hélène") == "helene"


def test_an_existing_trainee_is_found_by_name_and_birth_date():
    existant = StagiaireFactory(
        nom="Lemaître", prenom="Hélène", date_naissance=datetime.date(1980, 4, 2)
    )
    trouve, cree = trouver_ou_creer_stagiaire(
        "LEMAITRE", "helene", date_naissance=datetime.date(1980, 4, 2), email="h@exemple.fr"
    )
    assert (trouve, cree) == (existant, False)
    trouve.refresh_from_db()
    assert trouve.email == "h@exemple.fr"  # completed, since it was unknown
    assert Stagiaire.objects.count() == 1


def test_an_existing_trainee_is_found_by_name_and_email():
    existant = StagiaireFactory(nom="Roux", prenom="Camille", email="Camille@Exemple.fr")
    trouve, cree = trouver_ou_creer_stagiaire("Roux", "Camille", email="camille@exemple.fr")
    assert (trouve, cree) == (existant, False)


def test_a_different_birth_date_is_another_person_even_with_the_same_email():
    StagiaireFactory(
        nom="Roux",
        prenom="Camille",
        email="contact@asso.fr",
        date_naissance=datetime.date(1970, 1, 1),
    )
    _, cree = trouver_ou_creer_stagiaire(
        "Roux", "Camille", email="contact@asso.fr", date_naissance=datetime.date(1990, 1, 1)
    )
    assert cree


def test_same_name_alone_is_not_enough_to_match():
    StagiaireFactory(nom="Martin", prenom="Pierre", email="p1@exemple.fr")
    _, cree = trouver_ou_creer_stagiaire("Martin", "Pierre")
    assert cree
    _, cree = trouver_ou_creer_stagiaire("Martin", "Paul", email="p1@exemple.fr")
    assert cree


def test_enrolling_an_existing_trainee_in_a_second_session_keeps_one_person(association):
    stagiaire, _ = trouver_ou_creer_stagiaire("Noël", "Olivier", email="o@exemple.fr")
    inscrire(SessionFactory(), stagiaire, association)
    meme, cree = trouver_ou_creer_stagiaire("Noel", "Olivier", email="o@exemple.fr")
    inscrire(SessionFactory(), meme, association)
    assert not cree
    assert Stagiaire.objects.count() == 1
    assert stagiaire.inscriptions.count() == 2
