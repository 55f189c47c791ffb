"""The direction enters a year's programme in the admin (/gestion/); enrolments added there
go through formations.services (capacity, waiting list)."""

import pytest
from django.urls import reverse

from formations.models import Inscription, Module
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    InscriptionFactory,
    SessionFactory,
    StagiaireFactory,
)

pytestmark = pytest.mark.django_db

MODELES = [
    "module",
    "convention",
    "session",
    "inscription",
    "stagiaire",
    "associationinscrivante",
    "evenement",
]


@pytest.mark.parametrize("modele", MODELES)
def test_the_direction_opens_the_list_and_the_add_form(client_directeur, modele):
    SessionFactory()
    assert client_directeur.get(reverse(f"admin:formations_{modele}_changelist")).status_code == 200
    assert client_directeur.get(reverse(f"admin:formations_{modele}_add")).status_code == 200


def test_a_session_and_an_enrolment_open_in_the_admin(client_directeur):
    inscription = InscriptionFactory()
    for url in (
        reverse("admin:formations_session_change", args=[inscription.session.pk]),
        reverse("admin:formations_inscription_change", args=[inscription.pk]),
    ):
        assert client_directeur.get(url).status_code == 200


def test_an_enrolment_added_in_the_admin_to_a_full_session_waits(client_directeur):
    session = SessionFactory(capacite=1)
    InscriptionFactory(session=session)
    stagiaire, association = StagiaireFactory(), AssociationInscrivanteFactory()

    reponse = client_directeur.post(
        reverse("admin:formations_inscription_add"),
        {
            "session": session.pk,
            "stagiaire": stagiaire.pk,
            "association": association.pk,
            "fiche_renseignee": "on",
            "fiche_genre": "F",
            "fiche_tranche_age": "nr",
            "fiche_sphere_dirigeante": "oui",
            "fiche_emploi": "salarie",
            "presences-TOTAL_FORMS": "0",
            "presences-INITIAL_FORMS": "0",
        },
        follow=True,
    )

    assert reponse.status_code == 200
    inscription = Inscription.objects.get(stagiaire=stagiaire)
    assert (inscription.statut, inscription.rang_attente) == ("liste_attente", 1)
    assert (inscription.fiche_renseignee, inscription.fiche_genre) == (True, "F")
    messages = [str(m) for m in reponse.context["messages"]]
    assert any("liste d'attente (position 1)" in m for m in messages), messages


def test_a_session_has_two_trainers_at_most(client_directeur, django_user_model):
    from formations.admin import SessionForm

    session = SessionFactory()
    formateurs = [django_user_model.objects.create_user(username=f"formateur{i}") for i in range(3)]
    donnees = {
        "convention": session.convention.pk,
        "module": Module.objects.get(code="gerer").pk,
        "date_debut": "06/05/2013",
        "date_fin": "20/05/2013",
        "nombre_jours": "3",
        "lieu": "Lille",
        "capacite": "12",
    }
    assert SessionForm({**donnees, "formateurs": [f.pk for f in formateurs[:2]]}).is_valid()
    trop = SessionForm({**donnees, "formateurs": [f.pk for f in formateurs]})
    assert not trop.is_valid()
    assert "formateurs" in trop.errors


def test_staff_work_on_trainings_and_board_members_cannot(charge, administrateur):
    assert charge.has_perm("formations.add_inscription")
    assert charge.has_perm("formations.change_session")
    assert not charge.has_perm("formations.delete_session")
    assert not administrateur.has_perm("formations.view_stagiaire")
