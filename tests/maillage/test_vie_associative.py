"""The association's own life for the report's introduction (section 0.3): members, board
elected at a general assembly, board meetings, staff with their job, ETP and dates."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from maillage.models import (
    AnneeAssociative,
    AssembleeGenerale,
    MembreConseil,
    ReunionConseil,
    Utilisateur,
)

pytestmark = pytest.mark.django_db

d = datetime.date


@pytest.fixture
def ag_2013():
    """The board elected on 13/04/2013, as the seed lists it."""
    ag = AssembleeGenerale.objects.create(date=d(2013, 4, 13))
    for nom, prenom, fonction, representee in [
        ("Quiguer", "Kenneth", "president", ""),
        ("Rouxel", "Camille", "tresorier", ""),
        ("Lemaire", "Martine", "secretaire", "La clef du Permis"),
        ("Noel", "Olivier", "membre", ""),
        ("Debreuck", "Alexandre", "membre", "Le Jardin des Bennes"),
    ]:
        MembreConseil.objects.create(
            assemblee=ag,
            nom=nom,
            prenom=prenom,
            fonction=fonction,
            association_representee=representee,
        )
    return ag


def test_the_board_in_office_is_the_one_of_the_last_general_assembly(ag_2013):
    AssembleeGenerale.objects.create(date=d(2014, 4, 12))
    assert AssembleeGenerale.objects.derniere_au(d(2013, 12, 31)) == ag_2013
    assert AssembleeGenerale.objects.derniere_au(d(2013, 1, 1)) is None
    membres = ag_2013.membres_conseil.all()
    assert [m.nom for m in membres if m.personne_physique] == ["Quiguer", "Rouxel", "Noel"]
    assert str(membres[0]) == "Kenneth Quiguer (président(e))"


def test_a_board_has_one_president_but_several_members(ag_2013):
    MembreConseil.objects.create(assemblee=ag_2013, nom="Autre", prenom="Membre")
    with pytest.raises(IntegrityError), transaction.atomic():
        MembreConseil.objects.create(
            assemblee=ag_2013, nom="Second", prenom="Président", fonction="president"
        )


def test_members_count_is_recorded_once_per_year():
    AnneeAssociative.objects.create(annee=2013, nombre_adherents=24)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnneeAssociative.objects.create(annee=2013, nombre_adherents=25)


def test_board_meetings_of_a_year_and_the_staff_invitations():
    for jour, invites in [
        (d(2013, 1, 28), False),
        (d(2013, 3, 20), True),
        (d(2013, 7, 11), True),
        (d(2014, 1, 20), False),
    ]:
        ReunionConseil.objects.create(date=jour, salaries_invites=invites)
    reunions = ReunionConseil.objects.de_l_annee(2013)
    assert reunions.count() == 3
    assert reunions.filter(salaries_invites=True).count() == 2


def _salarie(username, **champs) -> Utilisateur:
    return Utilisateur.objects.create_user(username=username, **champs)


def test_staff_of_a_year_include_those_who_left_during_it():
    directeur = _salarie("mlecoz", fonction="directeur", etp=1, date_entree=d(2005, 1, 1))
    parti = _salarie(
        "llegendre",
        fonction="référent formation",
        date_entree=d(2010, 1, 1),
        date_sortie=d(2013, 3, 31),
    )
    arrivee = _salarie(
        "alecoutour", fonction="référente formation", etp=Decimal("0.8"), date_entree=d(2013, 4, 1)
    )
    _salarie("administrateur")  # a board member's account is not staff

    assert set(Utilisateur.objects.salaries_de_l_annee(2013)) == {directeur, parti, arrivee}
    assert set(Utilisateur.objects.salaries_de_l_annee(2014)) == {directeur, arrivee}
    assert parti.en_poste_le(d(2013, 3, 31)) and not parti.en_poste_le(d(2013, 4, 1))


@pytest.mark.parametrize("etp", [Decimal("0"), Decimal("1.2")])
def test_the_database_refuses_an_etp_outside_0_to_1(etp):
    with pytest.raises(IntegrityError), transaction.atomic():
        _salarie("x", etp=etp)


def test_the_database_refuses_leaving_before_arriving():
    with pytest.raises(IntegrityError), transaction.atomic():
        _salarie("x", date_entree=d(2013, 4, 1), date_sortie=d(2013, 3, 1))


def test_the_direction_edits_staff_jobs_in_the_admin(client_directeur, directeur):
    url = reverse("admin:maillage_utilisateur_change", args=[directeur.pk])
    reponse = client_directeur.get(url)
    assert reponse.status_code == 200
    assert "date_entree" in reponse.content.decode()
