"""The phase workflow (accompagnement.phases): legal and illegal transitions, what a change
writes, and what a refusal does not write."""

import datetime

import pytest

from accompagnement import phases
from accompagnement.models import ChangementPhase
from accompagnement.phases import TransitionInterdite, changer_phase
from porteurs.models import Dossier, Phase
from tests.factories import (
    JOUR_ACCUEIL,
    DossierFactory,
    PorteurFactory,
    QuartierFactory,
    RendezVousFactory,
    StructurePartenaireFactory,
    faire_changer_phase,
)

pytestmark = pytest.mark.django_db

A, M, C, P, S = Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION, Phase.POST_CREATION, Phase.SORTIE
# Paths built by the factory are one week apart from JOUR_ACCUEIL: this day is after all.
APRES = JOUR_ACCUEIL + datetime.timedelta(weeks=5)

CHEMINS_LEGAUX = [
    ([], A),
    ([A], M),
    ([A], S),
    ([A, M], C),
    ([A, M], S),
    ([A, M, C], P),
    ([A, M, C], S),
    ([A, M, C, P], S),
]


@pytest.mark.parametrize(("parcours", "phase"), CHEMINS_LEGAUX)
def test_every_legal_transition_is_recorded(parcours, phase, charge):
    dossier = DossierFactory(parcours=parcours)

    changement = faire_changer_phase(dossier, phase, APRES, auteur=charge)

    assert dossier.phase == phase
    dossier.refresh_from_db()
    assert dossier.phase == phase
    assert changement.auteur == charge
    assert changement.date == APRES
    assert changement.automatique is False
    assert list(
        dossier.changements_phase.order_by("date", "pk").values_list("phase", flat=True)
    ) == [
        *parcours,
        phase,
    ]


def test_legal_transitions_cover_exactly_the_declared_table():
    declares = {
        (de or None, vers) for de, suivantes in phases.TRANSITIONS.items() for vers in suivantes
    }
    testes = {(parcours[-1] if parcours else None, phase) for parcours, phase in CHEMINS_LEGAUX}
    assert declares == testes


CHANGEMENTS_ILLEGAUX = [
    pytest.param([], M, {}, "saut_de_phase", id="skip-maturation-before-accueil"),
    pytest.param([], S, {}, "saut_de_phase", id="exit-before-accueil"),
    pytest.param([A], C, {}, "saut_de_phase", id="skip-accueil-to-creation"),
    pytest.param([A], P, {}, "saut_de_phase", id="skip-accueil-to-post-creation"),
    pytest.param([A, M], P, {}, "saut_de_phase", id="skip-maturation-to-post-creation"),
    pytest.param([A], A, {}, "retour_arriere", id="same-phase-again"),
    pytest.param([A, M], A, {}, "retour_arriere", id="back-to-accueil"),
    pytest.param([A, M, C], M, {}, "retour_arriere", id="back-to-maturation"),
    pytest.param([A, M, C, P], C, {}, "retour_arriere", id="back-to-creation"),
    pytest.param([A, S], M, {}, "apres_sortie", id="maturation-after-exit"),
    pytest.param([A, M, S], C, {}, "apres_sortie", id="creation-after-exit"),
    pytest.param([A, S], S, {}, "apres_sortie", id="exit-after-exit"),
    pytest.param([A, M], M, {}, "retour_arriere", id="maturation-twice"),
    pytest.param(
        [A, M], C, {"date_convention": None}, "date_convention_manquante", id="creation-no-date"
    ),
    pytest.param([A], S, {"type_sortie": ""}, "type_sortie_manquant", id="exit-without-type"),
    pytest.param([A], S, {"type_sortie": "bof"}, "type_sortie_manquant", id="exit-unknown-type"),
    pytest.param([A], S, {"issue": ""}, "issue_manquante", id="exit-without-outcome"),
    pytest.param([A], M, {"type_sortie": "valorisable"}, "champ_en_trop", id="type-on-maturation"),
    pytest.param(
        [A], M, {"date_convention": JOUR_ACCUEIL}, "champ_en_trop", id="convention-on-maturation"
    ),
]


@pytest.mark.parametrize(("parcours", "phase", "details", "code"), CHANGEMENTS_ILLEGAUX)
def test_illegal_change_is_refused_and_writes_nothing(parcours, phase, details, code, charge):
    dossier = DossierFactory(parcours=parcours)
    phase_avant = dossier.phase
    avant = list(ChangementPhase.objects.values_list("pk", "phase", "date"))

    with pytest.raises(TransitionInterdite) as refus:
        faire_changer_phase(dossier, phase, APRES, auteur=charge, **details)

    assert refus.value.code == code
    assert refus.value.messages[0]  # a sentence for the user, in French
    assert list(ChangementPhase.objects.values_list("pk", "phase", "date")) == avant
    assert dossier.phase == phase_avant
    dossier.refresh_from_db()
    assert dossier.phase == phase_avant


def test_change_dated_before_the_previous_one_is_refused(charge):
    dossier = DossierFactory(en_maturation=True)  # maturation on JOUR_ACCUEIL + 1 week

    with pytest.raises(TransitionInterdite) as refus:
        faire_changer_phase(dossier, C, JOUR_ACCUEIL + datetime.timedelta(days=6), auteur=charge)

    assert refus.value.code == "date_anterieure"
    assert "précède" in refus.value.messages[0]
    assert dossier.changements_phase.count() == 2
    dossier.refresh_from_db()
    assert dossier.phase == M


def test_change_dated_after_today_is_refused(charge):
    dossier = DossierFactory(en_accueil=True)

    with pytest.raises(TransitionInterdite) as refus:
        faire_changer_phase(dossier, M, datetime.date(2014, 1, 1), auteur=charge)

    assert refus.value.code == "date_future"
    assert dossier.changements_phase.count() == 1


def test_change_on_the_same_day_as_the_previous_one_is_allowed(charge):
    dossier = DossierFactory(en_accueil=True)

    faire_changer_phase(dossier, M, JOUR_ACCUEIL, auteur=charge)

    assert dossier.phase == M


def test_refusal_messages_are_clear_french_sentences(charge):
    dossier = DossierFactory(en_accueil=True, reference="2013-0042")

    with pytest.raises(TransitionInterdite) as refus:
        faire_changer_phase(dossier, C, APRES, auteur=charge)

    assert refus.value.messages == [
        "Le dossier 2013-0042 est en « accueil » : il ne peut pas passer directement en "
        "« création » (possible : « maturation », « sortie »)."
    ]


def test_creation_records_its_convention_date(charge):
    dossier = DossierFactory(en_maturation=True)

    changement = changer_phase(
        dossier, C, APRES, auteur=charge, date_convention=datetime.date(2013, 4, 1)
    )

    assert changement.date_convention == datetime.date(2013, 4, 1)


def test_exit_records_its_type_outcome_and_partner(charge):
    dossier = DossierFactory(en_accueil=True)
    bge = StructurePartenaireFactory(nom="BGE Hauts-de-France", reseau_creation=True)

    changement = changer_phase(
        dossier,
        S,
        APRES,
        auteur=charge,
        type_sortie="non_valorisable",
        issue="orientation",
        orientation_vers=bge,
        commentaire="Projet de SARL classique.",
    )

    changement.refresh_from_db()
    assert (changement.type_sortie, changement.issue, changement.orientation_vers) == (
        "non_valorisable",
        "orientation",
        bge,
    )
    assert phases.phases_autorisees(dossier) == []


def test_orientation_partner_only_goes_with_an_orientation_outcome(charge):
    dossier = DossierFactory(en_accueil=True)

    with pytest.raises(TransitionInterdite):
        changer_phase(
            dossier,
            S,
            APRES,
            auteur=charge,
            type_sortie="valorisable",
            issue="abandon",
            orientation_vers=StructurePartenaireFactory(),
        )

    assert dossier.changements_phase.count() == 1


@pytest.mark.parametrize(
    ("parcours", "attendues"),
    [
        ([], [A]),
        ([A], [M, S]),
        ([A, M], [C, S]),
        ([A, M, C], [P, S]),
        ([A, M, C, P], [S]),
        ([A, S], []),
    ],
)
def test_allowed_next_phases_follow_the_path(parcours, attendues):
    assert phases.phases_autorisees(DossierFactory(parcours=parcours)) == attendues


def test_opening_accueil_records_its_date_and_the_territory_of_the_day(charge):
    porteur = PorteurFactory(en_qpv=True, commune__lille=True)
    dossier = DossierFactory(porteur=porteur)

    changer_phase(dossier, A, JOUR_ACCUEIL, auteur=charge)

    dossier.refresh_from_db()
    assert dossier.date_accueil == JOUR_ACCUEIL
    assert dossier.commune_accueil == porteur.commune
    assert dossier.epci_accueil.sigle == "LMCU"
    assert dossier.territoire_gouvernance_accueil.nom == "Lillois"
    assert dossier.quartier_accueil == porteur.quartier
    assert dossier.qpv_accueil is True


def test_reception_territory_stays_as_it_was_when_reference_lists_change(charge):
    porteur = PorteurFactory(en_qpv=True, commune__lille=True)
    commune_d_origine, quartier_d_origine = porteur.commune, porteur.quartier
    dossier = DossierFactory(porteur=porteur)
    changer_phase(dossier, A, JOUR_ACCUEIL, auteur=charge)

    # A new QPV list, the commune joining another EPCI, the porteur moving house.
    quartier_d_origine.qpv = False
    quartier_d_origine.save()
    commune_d_origine.epci = DossierFactory().porteur.commune.epci
    commune_d_origine.save()
    porteur.commune = PorteurFactory().commune
    porteur.quartier = None
    porteur.save()
    changer_phase(dossier, M, APRES, auteur=charge)

    dossier.refresh_from_db()
    assert dossier.commune_accueil == commune_d_origine
    assert dossier.epci_accueil.sigle == "LMCU"
    assert dossier.quartier_accueil == quartier_d_origine
    assert dossier.qpv_accueil is True


def test_unknown_quartier_is_recorded_as_unknown_qpv_status(charge):
    dossier = DossierFactory(porteur=PorteurFactory(quartier=None))

    changer_phase(dossier, A, JOUR_ACCUEIL, auteur=charge)

    dossier.refresh_from_db()
    assert dossier.quartier_accueil is None
    assert dossier.qpv_accueil is None


def test_porteur_outside_a_qpv_is_recorded_as_not_qpv(charge):
    porteur = PorteurFactory()
    porteur.quartier = QuartierFactory(commune=porteur.commune, qpv=False)
    porteur.save()
    dossier = DossierFactory(porteur=porteur)

    changer_phase(dossier, A, JOUR_ACCUEIL, auteur=charge)

    dossier.refresh_from_db()
    assert dossier.qpv_accueil is False


def test_a_change_reads_the_history_from_the_database_not_the_callers_copy(charge):
    dossier = DossierFactory(en_accueil=True)
    copie_perimee = Dossier.objects.get(pk=dossier.pk)
    changer_phase(dossier, S, APRES, auteur=charge, type_sortie="valorisable", issue="formation")

    with pytest.raises(TransitionInterdite) as refus:
        changer_phase(copie_perimee, M, APRES, auteur=charge)

    assert refus.value.code == "apres_sortie"


def test_changing_a_phase_takes_a_fixed_number_of_queries(charge, django_assert_num_queries):
    dossier = DossierFactory(en_maturation=True)

    # Savepoint, lock (with the porteur and territory), history, insert, update, release,
    # and one row in each of the two change-history tables (django-simple-history).
    with django_assert_num_queries(8):
        faire_changer_phase(dossier, C, APRES, auteur=charge)


def test_opening_accueil_takes_no_extra_query_for_the_territory(charge, django_assert_num_queries):
    dossier = DossierFactory(porteur=PorteurFactory(en_qpv=True))

    with django_assert_num_queries(8):
        changer_phase(dossier, A, JOUR_ACCUEIL, auteur=charge)


@pytest.mark.parametrize(
    ("heures", "nombre_rdv", "durees", "attendu"),
    [
        (3, 3, [60, 60], "non_valorisable"),  # 2 h, 2 appointments: below both
        (3, 3, [60, 60, 59], "valorisable"),  # 3 appointments reach the count
        (3, 3, [90, 90], "valorisable"),  # exactly 3 hours
        (3, 3, [90, 89], "non_valorisable"),  # one minute short
        (2, 5, [120], "valorisable"),  # thresholds come from the settings
        (4, 2, [30, 30], "valorisable"),
        (4, 3, [30, 30], "non_valorisable"),
    ],
)
def test_exit_type_is_suggested_from_the_configured_thresholds(
    settings, heures, nombre_rdv, durees, attendu
):
    settings.SORTIE_VALORISABLE_HEURES = heures
    settings.SORTIE_VALORISABLE_RENDEZ_VOUS = nombre_rdv
    dossier = DossierFactory()
    for duree in durees:
        RendezVousFactory(dossier=dossier, duree_minutes=duree)

    assert phases.suggerer_type_sortie(dossier) == attendu


def test_exit_suggestion_counts_only_held_appointments(settings):
    settings.SORTIE_VALORISABLE_HEURES = 3
    settings.SORTIE_VALORISABLE_RENDEZ_VOUS = 3
    dossier = DossierFactory()
    RendezVousFactory(dossier=dossier, duree_minutes=60)
    RendezVousFactory(dossier=dossier, duree_minutes=600, annule=True)
    RendezVousFactory(dossier=dossier, duree_minutes=600, absent=True)
    RendezVousFactory(dossier=dossier, duree_minutes=600, prevu=True)

    assert phases.suggerer_type_sortie(dossier) == "non_valorisable"


# --- The public, query-free check (bulk writers call it) -----------------------------------


def _details_complets(phase: str, jour: datetime.date, details: dict) -> dict:
    """The details faire_changer_phase fills in, then the case's own."""
    complets = {}
    if phase == C:
        complets["date_convention"] = jour
    if phase == S:
        complets["type_sortie"] = ChangementPhase.TypeSortie.NON_VALORISABLE
        complets["issue"] = ChangementPhase.Issue.ABANDON
    complets.update(details)
    return complets


@pytest.mark.parametrize(("parcours", "phase", "details", "code"), CHANGEMENTS_ILLEGAUX)
def test_the_public_check_refuses_what_changer_phase_refuses_with_the_same_message(
    parcours, phase, details, code, charge, django_assert_num_queries
):
    dossier = DossierFactory(parcours=parcours, reference="2013-0007")
    with pytest.raises(TransitionInterdite) as par_changer_phase:
        faire_changer_phase(dossier, phase, APRES, auteur=charge, **details)
    derniere = dossier.changements_phase.order_by("date", "pk").last()

    with django_assert_num_queries(0), pytest.raises(TransitionInterdite) as par_la_verif:
        phases.verifier_changement(
            "2013-0007", derniere, phase, APRES, **_details_complets(phase, APRES, details)
        )

    assert par_la_verif.value.code == par_changer_phase.value.code == code
    assert par_la_verif.value.messages == par_changer_phase.value.messages


@pytest.mark.parametrize(("parcours", "phase"), CHEMINS_LEGAUX)
def test_the_public_check_accepts_every_legal_transition_from_an_unsaved_last_change(
    parcours, phase, django_assert_num_queries
):
    derniere = ChangementPhase(phase=parcours[-1], date=JOUR_ACCUEIL) if parcours else None

    with django_assert_num_queries(0):
        resultat = phases.verifier_changement(
            "2013-0001", derniere, phase, APRES, **_details_complets(phase, APRES, {})
        )

    assert resultat is None


def test_the_public_check_reads_today_from_its_argument():
    derniere = ChangementPhase(phase=A, date=datetime.date(2010, 3, 1))
    jour = datetime.date(2010, 3, 2)

    phases.verifier_changement("2010-0001", derniere, M, jour, aujourd_hui=jour)
    with pytest.raises(TransitionInterdite) as refus:
        phases.verifier_changement(
            "2010-0001", derniere, M, jour, aujourd_hui=jour - datetime.timedelta(days=1)
        )

    assert refus.value.code == "date_future"
    assert refus.value.messages == [
        "La date du changement (02/03/2010) est dans le futur : une phase s'enregistre le "
        "jour où elle commence, ou après."
    ]


def test_an_automatic_change_without_its_appointment_is_refused_by_the_check():
    with pytest.raises(TransitionInterdite) as refus:
        phases.verifier_changement("2013-0001", None, A, JOUR_ACCUEIL, automatique=True)

    assert refus.value.code == "rendez_vous_manquant"


# --- The appointment rule as a pure function ------------------------------------------------


def test_the_rule_orders_held_appointments_by_date_then_time_with_no_time_last(
    django_assert_num_queries,
):
    jour = JOUR_ACCUEIL
    lendemain = jour + datetime.timedelta(days=1)
    sans_heure = RendezVousFactory.build(date=jour, heure=None)
    a_15h = RendezVousFactory.build(date=jour, heure=datetime.time(15, 0))
    absent_a_9h = RendezVousFactory.build(date=jour, heure=datetime.time(9, 0), absent=True)
    lendemain_9h = RendezVousFactory.build(date=lendemain, heure=datetime.time(9, 0))

    with django_assert_num_queries(0):
        regle = phases.declencheurs([lendemain_9h, sans_heure, absent_a_9h, a_15h])

    assert regle == {A: a_15h, M: sans_heure}


def test_the_rule_keeps_entry_order_for_appointments_at_the_same_time():
    premier = RendezVousFactory.build(date=JOUR_ACCUEIL, heure=datetime.time(10, 0))
    second = RendezVousFactory.build(date=JOUR_ACCUEIL, heure=datetime.time(10, 0))

    assert phases.declencheurs([premier, second]) == {A: premier, M: second}
    assert phases.declencheurs([second]) == {A: second, M: None}
    assert phases.declencheurs([]) == {A: None, M: None}


def test_the_pure_rule_picks_the_appointments_the_services_rule_opened_phases_with(charge):
    from accompagnement import services
    from accompagnement.models import RendezVous

    dossier = DossierFactory()
    lendemain = JOUR_ACCUEIL + datetime.timedelta(days=1)
    # entered out of order: the rule reads dates and times, not the order of entry
    for jour, heure in ((lendemain, None), (JOUR_ACCUEIL, None), (JOUR_ACCUEIL, None)):
        services.enregistrer_rendez_vous(
            dossier, auteur=charge, date=jour, heure=heure, charge=charge
        )
    services.enregistrer_rendez_vous(
        dossier, auteur=charge, date=lendemain, heure=datetime.time(8, 0), charge=charge
    )

    regle = phases.declencheurs(RendezVous.objects.filter(dossier=dossier).order_by("pk"))
    ouverts = {c.phase: c.rendez_vous for c in dossier.changements_phase.filter(automatique=True)}
    assert ouverts == regle
    assert [r.date for r in regle.values()] == [JOUR_ACCUEIL, JOUR_ACCUEIL]
