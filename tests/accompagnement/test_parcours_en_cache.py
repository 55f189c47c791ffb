"""The dossier's cache of its path (Dossier.date_maturation ... issue_sortie), which the
report's funnel and the dashboards count from: written by every writer of the phase
history, and the check that finds a dossier where it disagrees (tests/conftest.py runs it
after every test)."""

import datetime
import importlib

import pytest
from django.apps import apps

from accompagnement import phases, services
from accompagnement.models import ChangementPhase
from porteurs.models import Dossier, Phase
from tests.factories import JOUR_ACCUEIL, DossierFactory, faire_changer_phase

pytestmark = pytest.mark.django_db

A, M, C, P, S = Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION, Phase.POST_CREATION, Phase.SORTIE


def _jour(semaines: int) -> datetime.date:
    return JOUR_ACCUEIL + datetime.timedelta(weeks=semaines)


def _cache(dossier: Dossier) -> dict:
    dossier.refresh_from_db()
    return {champ: getattr(dossier, champ) for champ in ("date_accueil", *phases.CHAMPS_PARCOURS)}


def test_each_phase_change_writes_its_date_and_the_sortie_its_type_and_issue(charge):
    dossier = DossierFactory(parcours=[A])
    for rang, phase in enumerate((M, C, P), start=1):
        faire_changer_phase(dossier, phase, _jour(rang), auteur=charge)
    faire_changer_phase(
        dossier,
        S,
        _jour(4),
        auteur=charge,
        type_sortie=ChangementPhase.TypeSortie.VALORISABLE,
        issue=ChangementPhase.Issue.ACTIVITE_CREEE,
    )

    assert _cache(dossier) == {
        "date_accueil": JOUR_ACCUEIL,
        "date_maturation": _jour(1),
        "date_creation": _jour(2),
        "date_post_creation": _jour(3),
        "date_sortie": _jour(4),
        "type_sortie": "valorisable",
        "issue_sortie": "activite_creee",
    }
    # The caller's instance is kept in step too.
    assert dossier.date_sortie == _jour(4)


def test_undoing_the_sortie_clears_it_from_the_cache(charge):
    dossier = DossierFactory(parcours=[A, M])
    faire_changer_phase(
        dossier,
        S,
        _jour(5),
        auteur=charge,
        type_sortie=ChangementPhase.TypeSortie.NON_VALORISABLE,
        issue=ChangementPhase.Issue.ABANDON,
    )

    services.annuler_dernier_changement(dossier)

    cache = _cache(dossier)
    assert (cache["date_sortie"], cache["type_sortie"], cache["issue_sortie"]) == (None, "", "")
    assert cache["date_maturation"] is not None


def test_the_appointment_rule_moves_and_clears_the_maturation_date(charge):
    dossier = DossierFactory()
    services.enregistrer_rendez_vous(dossier, auteur=charge, date=_jour(0), charge=charge)
    second = services.enregistrer_rendez_vous(dossier, auteur=charge, date=_jour(2), charge=charge)
    assert _cache(dossier)["date_maturation"] == _jour(2)

    services.modifier_rendez_vous(second, date=_jour(3))
    assert _cache(dossier)["date_maturation"] == _jour(3)

    services.supprimer_rendez_vous(second)
    assert _cache(dossier)["date_maturation"] is None
    assert _cache(dossier)["date_accueil"] == _jour(0)


def test_the_check_finds_a_cache_changed_behind_the_workflow(charge):
    juste = DossierFactory(parcours=[A, M, C])
    faux = DossierFactory(parcours=[A, M])
    assert list(phases.dossiers_au_parcours_incoherent()) == []

    # Each column, changed alone (an empty value where the history has one, a date where
    # it has none, a wrong code), is found.
    for champ, valeur in (
        ("date_maturation", None),
        ("date_creation", _jour(9)),
        ("date_sortie", _jour(9)),
        ("type_sortie", "valorisable"),
        ("issue_sortie", "autre"),
        ("date_accueil", _jour(-1)),
    ):
        avant = getattr(Dossier.objects.get(pk=faux.pk), champ)
        Dossier.objects.filter(pk=faux.pk).update(**{champ: valeur})
        assert list(phases.dossiers_au_parcours_incoherent()) == [faux], champ
        Dossier.objects.filter(pk=faux.pk).update(**{champ: avant})

    assert list(phases.dossiers_au_parcours_incoherent()) == []
    assert juste.date_creation is not None


def test_the_migration_fills_the_cache_from_the_history(charge):
    """porteurs 0008 copies the history of the dossiers that existed before the cache."""
    sorti = DossierFactory(parcours=[A, M, C])
    faire_changer_phase(
        sorti,
        S,
        _jour(6),
        auteur=charge,
        type_sortie=ChangementPhase.TypeSortie.VALORISABLE,
        issue=ChangementPhase.Issue.EMPLOI_SALARIE,
    )
    en_cours = DossierFactory(parcours=[A, M])
    attendu = {d.pk: _cache(d) for d in (sorti, en_cours)}
    Dossier.objects.update(
        date_maturation=None,
        date_creation=None,
        date_post_creation=None,
        date_sortie=None,
        type_sortie="",
        issue_sortie="",
    )
    assert len(phases.dossiers_au_parcours_incoherent()) == 2

    migration = importlib.import_module("porteurs.migrations.0008_parcours_du_dossier")
    migration.remplir_parcours(apps, None)

    assert {d.pk: _cache(d) for d in (sorti, en_cours)} == attendu
    assert list(phases.dossiers_au_parcours_incoherent()) == []
