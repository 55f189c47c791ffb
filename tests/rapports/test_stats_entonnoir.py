"""The support funnel of a year (report section 1.5.1), on a small hand-made history.

ESCALE, as built by `histoire` (A accueil, M maturation, C création, P post-création,
S sortie):
- reste_en_accueil: A 05/11/2012, nothing since;
- recu_le_31_decembre: A 31/12/2013;
- maturation_le_1er_janvier: A 01/10/2012, M 01/01/2013 (a change on 1 January);
- sorti_le_jour_de_l_accueil: A 04/03/2013, S 04/03/2013 (non valorisable, abandon);
- traverse_l_annee: A 01/02/2013, M 01/04/2013, C 01/09/2013 (enters and leaves two
  phases in the year);
- ancien_createur: A 2011, M 2011, C 15/05/2012, P 03/06/2013, S 04/11/2013 (valorisable);
- sorti_en_2012: A 2011, S 2012 (no part in 2013);
- recu_en_2014: A 03/02/2014.
And one CitésLab reception in 2013, which ESCALE never counts.
"""

import datetime
from collections import Counter

import pytest

from accompagnement.models import ChangementPhase
from accompagnement.phases import RANG
from rapports.stats import PHASES_ENTONNOIR, entonnoir, entonnoirs
from tests.rapports.conftest import SORTIE_VALORISABLE, A, C, M, P, S, dossier_avec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("aujourd_hui")]


@pytest.fixture
def histoire():
    return {
        "reste_en_accueil": dossier_avec((A, "05/11/2012")),
        "recu_le_31_decembre": dossier_avec((A, "31/12/2013")),
        "maturation_le_1er_janvier": dossier_avec((A, "01/10/2012"), (M, "01/01/2013")),
        "sorti_le_jour_de_l_accueil": dossier_avec((A, "04/03/2013"), (S, "04/03/2013")),
        "traverse_l_annee": dossier_avec((A, "01/02/2013"), (M, "01/04/2013"), (C, "01/09/2013")),
        "ancien_createur": dossier_avec(
            (A, "10/01/2011"),
            (M, "10/02/2011"),
            (C, "15/05/2012"),
            (P, "03/06/2013"),
            (S, "04/11/2013", SORTIE_VALORISABLE),
        ),
        "sorti_en_2012": dossier_avec((A, "10/01/2011"), (S, "10/01/2012")),
        "recu_en_2014": dossier_avec((A, "03/02/2014")),
        "citeslab": dossier_avec((A, "04/04/2013"), citeslab=True),
    }


def _phases_au(jour: datetime.date, dispositif: str = "escale") -> Counter:
    """Independent count: each dossier's phase on `jour` = its last change dated on or
    before that day (path order), read in Python from the history."""
    derniere: dict[int, ChangementPhase] = {}
    for c in ChangementPhase.objects.filter(date__lte=jour, dossier__dispositif=dispositif):
        actuelle = derniere.get(c.dossier_id)
        if actuelle is None or RANG[c.phase] > RANG[actuelle.phase]:
            derniere[c.dossier_id] = c
    return Counter(c.phase for c in derniere.values())


def test_each_phase_counts_carried_over_entered_left_and_remaining(histoire):
    e = entonnoir(2013, "escale")
    resume = {
        etape.phase: (
            etape.report,
            etape.entrees,
            etape.actifs,
            etape.sorties.vers_phase_suivante,
            etape.sorties.valorisables,
            etape.sorties.non_valorisables,
            etape.fin,
        )
        for etape in e.etapes
    }
    assert resume == {
        # reste_en_accueil + maturation_le_1er_janvier carried over; recu_le_31_decembre,
        # sorti_le_jour_de_l_accueil, traverse_l_annee entered; two went on, one left.
        "accueil": (2, 3, 5, 2, 0, 1, 2),
        "maturation": (0, 2, 2, 1, 0, 0, 1),
        "creation": (1, 1, 2, 1, 0, 0, 1),
        "post_creation": (0, 1, 1, 0, 1, 0, 0),
    }


@pytest.mark.parametrize("annee", [2012, 2013, 2014])
def test_identities_hold_and_fin_is_the_phase_on_31_december(histoire, annee):
    fin_constatee = _phases_au(datetime.date(annee, 12, 31))
    report_constate = _phases_au(datetime.date(annee - 1, 12, 31))
    for etape in entonnoir(annee, "escale").etapes:
        assert etape.actifs == etape.report + etape.entrees
        assert etape.fin == etape.actifs - etape.sorties.total
        assert etape.fin == fin_constatee[etape.phase], etape.phase
        assert etape.report == report_constate[etape.phase], etape.phase


def test_what_remains_at_the_end_of_a_year_is_carried_over_into_the_next(histoire):
    fin_2013 = {e.phase: e.fin for e in entonnoir(2013, "escale").etapes}
    report_2014 = {e.phase: e.report for e in entonnoir(2014, "escale").etapes}
    assert fin_2013 == report_2014


def test_a_change_on_1_january_belongs_to_the_new_year(histoire):
    e2012, e2013 = entonnoir(2012, "escale"), entonnoir(2013, "escale")
    # maturation_le_1er_janvier was still in accueil on 31/12/2012.
    assert e2012.etape(A).fin == 2  # reste_en_accueil, maturation_le_1er_janvier
    assert e2013.etape(A).report == 2
    assert e2013.etape(A).sorties.vers_phase_suivante == 2
    assert e2013.etape(M).entrees == 2
    assert e2012.etape(M).entrees == 0


def test_a_reception_on_31_december_is_received_that_year_and_still_in_accueil(histoire):
    e2013 = entonnoir(2013, "escale")
    assert e2013.etape(A).entrees == 3
    assert e2013.accueillis == 3
    assert entonnoir(2014, "escale").etape(A).entrees == 1  # recu_en_2014 only


def test_an_exit_on_the_day_of_entry_is_an_entry_and_an_exit_never_a_remaining_one(histoire):
    e = entonnoir(2013, "escale")
    assert e.sorties_par_type.effectifs() == {"valorisable": 1, "non_valorisable": 1, "NR": 0}
    assert e.sorties_par_issue.effectif("abandon") == 1
    assert e.sorties_par_issue.effectif("activite_creee") == 1
    assert e.etape(A).sorties.non_valorisables == 1


def test_receptions_of_the_year_that_reached_maturation_and_creation_within_it(histoire):
    e = entonnoir(2013, "escale")
    # Only traverse_l_annee: maturation_le_1er_janvier was received in 2012.
    assert (e.accueillis_passes_en_maturation, e.accueillis_passes_en_creation) == (1, 1)


def test_receptions_reaching_maturation_after_the_year_do_not_count(aujourd_hui):
    dossier_avec((A, "20/12/2013"), (M, "06/01/2014"), (C, "03/03/2014"))
    e2013 = entonnoir(2013, "escale")
    assert (e2013.accueillis_passes_en_maturation, e2013.accueillis_passes_en_creation) == (0, 0)
    assert e2013.etape(A).fin == 1


def test_each_dispositif_has_its_own_funnel(histoire):
    tous = entonnoirs(2013)
    assert tous["citeslab"].etape(A).entrees == 1
    assert tous["citeslab"].etape(A).fin == 1
    assert tous["escale"].etape(A).entrees == 3
    assert all(e.etape(p).actifs == 0 for p in PHASES_ENTONNOIR for e in [tous["habitants"]])


def test_an_empty_year_gives_zeros_everywhere(aujourd_hui):
    e = entonnoir(2013, "escale")
    assert [(x.report, x.entrees, x.sorties.total, x.fin) for x in e.etapes] == [(0, 0, 0, 0)] * 4
    assert e.sorties_par_type.n == 0


def test_the_funnel_takes_one_query_whatever_the_history(histoire, django_assert_num_queries):
    with django_assert_num_queries(1):
        entonnoirs(2013)
