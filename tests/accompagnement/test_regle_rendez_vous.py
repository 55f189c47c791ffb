"""The appointment rule (accompagnement.services): the first held appointment opens accueil,
the second moves the dossier to maturation, and edits recompute both while no manual change
depends on them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accompagnement import services
from accompagnement.models import ChangementPhase, RendezVous
from accompagnement.phases import TransitionInterdite, changer_phase
from porteurs.models import Phase
from tests.factories import DossierFactory, PointAccueilFactory, faire_changer_phase

pytestmark = pytest.mark.django_db

A, M, C, S = Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION, Phase.SORTIE
JANVIER_7, JANVIER_14, JANVIER_21, FEVRIER_4 = (
    datetime.date(2013, 1, 7),
    datetime.date(2013, 1, 14),
    datetime.date(2013, 1, 21),
    datetime.date(2013, 2, 4),
)


def rdv(dossier, jour, charge, statut=RendezVous.Statut.REALISE, **champs):
    return services.enregistrer_rendez_vous(
        dossier, auteur=charge, date=jour, charge=charge, statut=statut, **champs
    )


def historique(dossier):
    return list(
        dossier.changements_phase.order_by("date", "pk").values_list("phase", "date", "automatique")
    )


def test_first_held_appointment_opens_accueil_at_its_date(charge):
    dossier = DossierFactory()

    rendez_vous = rdv(dossier, JANVIER_7, charge)

    assert dossier.phase == A
    assert dossier.date_accueil == JANVIER_7
    changement = dossier.changements_phase.get()
    assert (changement.phase, changement.date, changement.automatique) == (A, JANVIER_7, True)
    assert changement.rendez_vous == rendez_vous
    assert changement.auteur is None
    assert rendez_vous.cree_par == charge


def test_second_held_appointment_moves_accueil_to_maturation(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)

    deuxieme = rdv(dossier, JANVIER_21, charge)

    dossier.refresh_from_db()
    assert dossier.phase == M
    assert historique(dossier) == [(A, JANVIER_7, True), (M, JANVIER_21, True)]
    assert dossier.changements_phase.get(phase=M).rendez_vous == deuxieme


def test_third_held_appointment_changes_nothing(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    rdv(dossier, JANVIER_14, charge)

    rdv(dossier, JANVIER_21, charge)

    assert historique(dossier) == [(A, JANVIER_7, True), (M, JANVIER_14, True)]


@pytest.mark.parametrize(
    "statut", [RendezVous.Statut.ANNULE, RendezVous.Statut.ABSENT, RendezVous.Statut.PREVU]
)
def test_cancelled_no_show_and_planned_appointments_do_not_count(statut, charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge, statut=statut)
    assert dossier.phase == ""
    rdv(dossier, JANVIER_14, charge)
    rdv(dossier, JANVIER_21, charge, statut=statut)

    dossier.refresh_from_db()
    assert dossier.phase == A
    assert historique(dossier) == [(A, JANVIER_14, True)]


def test_two_held_appointments_on_the_same_day_open_accueil_and_maturation_that_day(charge):
    dossier = DossierFactory()

    premier = rdv(dossier, JANVIER_7, charge, heure=datetime.time(9, 0))
    second = rdv(dossier, JANVIER_7, charge, heure=datetime.time(14, 0))

    assert historique(dossier) == [(A, JANVIER_7, True), (M, JANVIER_7, True)]
    assert dossier.changements_phase.get(phase=A).rendez_vous == premier
    assert dossier.changements_phase.get(phase=M).rendez_vous == second


def test_a_planned_appointment_marked_held_opens_accueil(charge):
    dossier = DossierFactory()
    prevu = rdv(dossier, JANVIER_7, charge, statut=RendezVous.Statut.PREVU)

    services.modifier_rendez_vous(prevu, statut=RendezVous.Statut.REALISE)

    assert dossier.changements_phase.get().rendez_vous == prevu
    prevu.dossier.refresh_from_db()
    assert prevu.dossier.phase == A


def test_cancelling_the_second_held_appointment_takes_the_dossier_back_to_accueil(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_21, charge)

    services.modifier_rendez_vous(second, statut=RendezVous.Statut.ANNULE)

    dossier.refresh_from_db()
    assert dossier.phase == A
    assert historique(dossier) == [(A, JANVIER_7, True)]


def test_cancelling_the_first_held_appointment_recomputes_from_the_remaining_ones(charge):
    dossier = DossierFactory()
    premier = rdv(dossier, JANVIER_7, charge)
    rdv(dossier, JANVIER_14, charge)
    rdv(dossier, JANVIER_21, charge)

    services.modifier_rendez_vous(premier, statut=RendezVous.Statut.ABSENT)

    dossier.refresh_from_db()
    assert historique(dossier) == [(A, JANVIER_14, True), (M, JANVIER_21, True)]
    assert dossier.date_accueil == JANVIER_14


def test_cancelling_the_only_held_appointment_leaves_the_dossier_not_received(charge):
    dossier = DossierFactory(porteur__en_qpv=True)
    seul = rdv(dossier, JANVIER_7, charge)

    services.modifier_rendez_vous(seul, statut=RendezVous.Statut.ANNULE)

    dossier.refresh_from_db()
    assert dossier.phase == ""
    assert dossier.date_accueil is None
    assert dossier.commune_accueil is None
    assert dossier.qpv_accueil is None
    assert not dossier.changements_phase.exists()


def test_moving_a_held_appointment_moves_the_automatic_change(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_14, charge)

    services.modifier_rendez_vous(second, date=FEVRIER_4)

    assert historique(dossier) == [(A, JANVIER_7, True), (M, FEVRIER_4, True)]


def test_a_late_entry_of_an_earlier_appointment_recomputes_the_history(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_14, charge)
    rdv(dossier, FEVRIER_4, charge)

    rdv(dossier, JANVIER_7, charge)

    dossier.refresh_from_db()
    assert historique(dossier) == [(A, JANVIER_7, True), (M, JANVIER_14, True)]
    assert dossier.date_accueil == JANVIER_7


def test_moving_accueil_keeps_the_territory_copied_when_it_first_opened(charge):
    dossier = DossierFactory(porteur__en_qpv=True)
    rdv(dossier, JANVIER_14, charge)
    dossier.porteur.quartier.qpv = False
    dossier.porteur.quartier.save()

    rdv(dossier, JANVIER_7, charge)

    dossier.refresh_from_db()
    assert dossier.date_accueil == JANVIER_7
    assert dossier.qpv_accueil is True


def test_cancelling_is_refused_when_a_manual_creation_depends_on_the_maturation(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_14, charge)
    faire_changer_phase(dossier, C, FEVRIER_4, auteur=charge)
    avant = historique(dossier)

    with pytest.raises(TransitionInterdite) as refus:
        services.modifier_rendez_vous(second, statut=RendezVous.Statut.ANNULE)

    assert refus.value.code == "dependance_manuelle"
    assert refus.value.messages == [
        f"Modification refusée pour le dossier {dossier.reference} : la phase « maturation », "
        "ouverte automatiquement par un rendez-vous réalisé, disparaîtrait, alors que la phase "
        "« création » du 04/02/2013 ne pourrait plus suivre « accueil ». Rien n'a été "
        "enregistré : annulez d'abord les phases qui en dépendent."
    ]
    second.refresh_from_db()
    assert second.statut == RendezVous.Statut.REALISE
    assert historique(dossier) == avant
    dossier.refresh_from_db()
    assert dossier.phase == C


def test_moving_the_second_appointment_after_a_manual_creation_is_refused(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_14, charge)
    faire_changer_phase(dossier, C, JANVIER_21, auteur=charge)

    with pytest.raises(TransitionInterdite):
        services.modifier_rendez_vous(second, date=FEVRIER_4)

    second.refresh_from_db()
    assert second.date == JANVIER_14
    assert historique(dossier)[1] == (M, JANVIER_14, True)


def test_moving_the_second_appointment_before_a_manual_creation_is_recomputed(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_14, charge)
    faire_changer_phase(dossier, C, FEVRIER_4, auteur=charge)

    services.modifier_rendez_vous(second, date=JANVIER_21)

    assert historique(dossier) == [
        (A, JANVIER_7, True),
        (M, JANVIER_21, True),
        (C, FEVRIER_4, False),
    ]
    dossier.refresh_from_db()
    assert dossier.phase == C


def test_cancelling_the_accueil_appointment_is_refused_when_a_manual_exit_follows(charge):
    dossier = DossierFactory()
    seul = rdv(dossier, JANVIER_7, charge)
    faire_changer_phase(dossier, S, JANVIER_14, auteur=charge)

    with pytest.raises(TransitionInterdite):
        services.modifier_rendez_vous(seul, statut=RendezVous.Statut.ANNULE)

    assert dossier.changements_phase.count() == 2


def test_a_new_appointment_whose_phase_change_is_refused_is_not_written(charge):
    # History imported by hand: accueil on 14/01, the rule's maturation on 21/01, création.
    dossier = DossierFactory()
    changer_phase(dossier, A, JANVIER_14, auteur=charge)
    rdv(dossier, JANVIER_14, charge)
    rdv(dossier, JANVIER_21, charge)
    faire_changer_phase(dossier, C, FEVRIER_4, auteur=charge)
    rdv(dossier, JANVIER_7, charge)  # before the accueil: maturation moves to 14/01
    assert historique(dossier)[1] == (M, JANVIER_14, True)
    nombre = RendezVous.objects.count()

    # A second appointment before the accueil would leave no held appointment to open
    # maturation within the accueil phase, and the création depends on it.
    with pytest.raises(TransitionInterdite):
        rdv(dossier, JANVIER_7, charge)

    assert RendezVous.objects.count() == nombre
    assert historique(dossier)[1] == (M, JANVIER_14, True)


def test_an_appointment_after_an_exit_opens_nothing(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    faire_changer_phase(dossier, S, JANVIER_14, auteur=charge)

    rdv(dossier, FEVRIER_4, charge)

    dossier.refresh_from_db()
    assert dossier.phase == S
    assert [p for p, _, _ in historique(dossier)] == [A, S]


def test_a_late_second_appointment_before_an_exit_puts_maturation_before_it(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    faire_changer_phase(dossier, S, FEVRIER_4, auteur=charge)

    rdv(dossier, JANVIER_21, charge)

    assert historique(dossier) == [
        (A, JANVIER_7, True),
        (M, JANVIER_21, True),
        (S, FEVRIER_4, False),
    ]


def test_manual_phases_are_never_rewritten_by_the_rule(charge):
    dossier = DossierFactory()
    changer_phase(dossier, A, JANVIER_14, auteur=charge)
    changer_phase(dossier, M, JANVIER_21, auteur=charge)

    rdv(dossier, JANVIER_7, charge)
    rdv(dossier, FEVRIER_4, charge)

    assert historique(dossier) == [(A, JANVIER_14, False), (M, JANVIER_21, False)]


def test_with_a_manual_accueil_the_second_held_appointment_still_opens_maturation(charge):
    dossier = DossierFactory()
    changer_phase(dossier, A, JANVIER_7, auteur=charge)  # e.g. imported history
    rdv(dossier, JANVIER_7, charge)

    rdv(dossier, JANVIER_21, charge)

    assert historique(dossier) == [(A, JANVIER_7, False), (M, JANVIER_21, True)]


def test_deleting_an_appointment_recomputes_the_phases_without_it(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_14, charge)

    services.supprimer_rendez_vous(second)

    assert not RendezVous.objects.filter(pk=second.pk).exists()
    assert historique(dossier) == [(A, JANVIER_7, True)]


def test_deleting_an_appointment_a_manual_change_depends_on_is_refused(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_14, charge)
    faire_changer_phase(dossier, C, JANVIER_21, auteur=charge)

    with pytest.raises(TransitionInterdite):
        services.supprimer_rendez_vous(second)

    assert RendezVous.objects.filter(pk=second.pk).exists()


def test_a_held_appointment_in_the_future_is_refused(charge):
    dossier = DossierFactory()

    with pytest.raises(ValidationError) as refus:
        rdv(dossier, datetime.date(2014, 1, 6), charge)

    assert "statut" in refus.value.message_dict
    assert not RendezVous.objects.exists()


def test_a_planned_appointment_in_the_future_is_recorded_and_opens_nothing(charge):
    dossier = DossierFactory()

    rdv(dossier, datetime.date(2014, 1, 6), charge, statut=RendezVous.Statut.PREVU)

    assert dossier.phase == ""


def test_an_appointment_at_a_point_d_accueil_names_it(charge):
    dossier = DossierFactory()

    with pytest.raises(ValidationError) as refus:
        rdv(dossier, JANVIER_7, charge, lieu=RendezVous.Lieu.POINT_ACCUEIL)
    assert "point_accueil" in refus.value.message_dict

    point = PointAccueilFactory()
    rendez_vous = rdv(
        dossier, JANVIER_7, charge, lieu=RendezVous.Lieu.POINT_ACCUEIL, point_accueil=point
    )
    assert rendez_vous.point_accueil == point


def test_only_the_listed_fields_of_an_appointment_can_be_changed(charge):
    rendez_vous = rdv(DossierFactory(), JANVIER_7, charge)

    with pytest.raises(TypeError):
        services.modifier_rendez_vous(rendez_vous, dossier=DossierFactory())


def test_automatic_changes_are_marked_and_name_their_appointment(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    rdv(dossier, JANVIER_14, charge)

    assert all(
        c.automatique and c.rendez_vous_id and c.auteur_id is None
        for c in ChangementPhase.objects.filter(dossier=dossier)
    )


def test_recording_an_appointment_takes_a_fixed_number_of_queries(
    charge, django_assert_num_queries
):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)

    # savepoint, lock, insert, first two held, [savepoint, lock, history, insert change,
    # update dossier, release], release; plus a row in the change history for the
    # appointment, the phase change and the dossier (django-simple-history).
    with django_assert_num_queries(14):
        rdv(dossier, JANVIER_14, charge)


def test_undoing_the_manual_change_a_refusal_names_lets_the_edit_through(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    second = rdv(dossier, JANVIER_14, charge)
    faire_changer_phase(dossier, C, FEVRIER_4, auteur=charge)

    services.annuler_dernier_changement(dossier)
    services.modifier_rendez_vous(second, statut=RendezVous.Statut.ANNULE)

    dossier.refresh_from_db()
    assert dossier.phase == A
    assert historique(dossier) == [(A, JANVIER_7, True)]


def test_undoing_a_manual_maturation_lets_the_rule_open_it_at_the_second_appointment(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)
    changer_phase(dossier, M, JANVIER_14, auteur=charge)
    rdv(dossier, JANVIER_21, charge)

    services.annuler_dernier_changement(dossier)

    assert dossier.phase == M
    assert historique(dossier) == [(A, JANVIER_7, True), (M, JANVIER_21, True)]


def test_an_automatic_change_cannot_be_undone_directly(charge):
    dossier = DossierFactory()
    rdv(dossier, JANVIER_7, charge)

    with pytest.raises(TransitionInterdite) as refus:
        services.annuler_dernier_changement(dossier)

    assert refus.value.code == "changement_automatique"
    assert dossier.changements_phase.count() == 1


def test_undoing_a_manual_accueil_forgets_the_reception(charge):
    dossier = DossierFactory(porteur__en_qpv=True)
    changer_phase(dossier, A, JANVIER_7, auteur=charge)

    services.annuler_dernier_changement(dossier)

    dossier.refresh_from_db()
    assert (dossier.phase, dossier.date_accueil, dossier.qpv_accueil) == ("", None, None)
