"""The statistical secret of the board's figures (rapports.tableaux): no count of 1 or 2
shown, and none that a reader could recompute from the shown cells and the total."""

import itertools
import re

import pytest

from rapports.charts import Serie
from rapports.tableaux import (
    MASQUE,
    MASQUE_SECONDAIRE,
    SOUS_LE_SEUIL,
    Tableau,
    figure,
    graphique_svg,
    lignes_csv,
    publier,
    secret_repartition,
)


def valeurs_possibles(valeurs, masque):
    """Every breakdown a reader who knows the rule can imagine behind the published one:
    shown cells as shown, « < 3 » cells 1 or 2, « ≥ 3 » cells 3 or more, « masqué » cells
    anything, the same total. Returns, per cell, the set of values it can take."""
    total = sum(valeurs)
    masquees = [i for i, m in enumerate(masque) if m]
    reste = total - sum(v for v, m in zip(valeurs, masque, strict=True) if not m)
    tout_masque = all(masque)
    domaines = []
    for i in masquees:
        if masque[i] == SOUS_LE_SEUIL:
            # A whole breakdown masked hides its zeros too.
            domaines.append(range(0 if tout_masque else 1, 3))
        elif masque[i] == MASQUE:
            domaines.append(range(0, reste + 1))
        else:
            domaines.append(range(3, reste + 1))
    possibles = {i: set() for i in masquees}
    for combinaison in itertools.product(*domaines):
        if sum(combinaison) == reste:
            for i, v in zip(masquees, combinaison, strict=True):
                possibles[i].add(v)
    return possibles


CAS = [
    (10, 1, 0),
    (10, 2, 5),
    (1, 1, 7),
    (2, 2, 9, 4),
    (1, 3, 8),
    (1, 3, 3, 3),
    (2, 3, 4, 0),
    (1, 2, 6),
    (1, 1, 1, 0),
    (2, 0, 0),
    (1, 0),
    (5, 4, 3),
    (0, 0, 0),
    (1, 2, 2, 2, 40),
    (7, 1, 3, 0, 12, 2),
    (2, 2),
    (1, 1, 1, 0),
]


@pytest.mark.parametrize("valeurs", CAS)
def test_no_count_under_3_is_shown_and_none_can_be_recomputed(valeurs):
    masque = secret_repartition(valeurs)
    for v, m in zip(valeurs, masque, strict=True):
        assert m or v == 0 or v >= 3
        if m == MASQUE_SECONDAIRE:
            assert v >= 3
        if m == SOUS_LE_SEUIL:
            assert v < 3
    for i, possibles in valeurs_possibles(valeurs, masque).items():
        assert valeurs[i] in possibles
        assert len(possibles) >= 2, f"case {i} de {valeurs} déduite : {possibles}"


def test_every_small_breakdown_up_to_four_cells_is_safe():
    # (A breakdown of one category says nothing its total does not.)
    for n in range(2, 5):
        for valeurs in itertools.product(range(0, 7), repeat=n):
            masque = secret_repartition(valeurs)
            assert all(m or v == 0 or v >= 3 for v, m in zip(valeurs, masque, strict=True))
            for i, possibles in valeurs_possibles(valeurs, masque).items():
                assert len(possibles) >= 2, (valeurs, masque, i, possibles)


def test_nothing_is_masked_when_every_count_is_0_or_3_and_more():
    assert secret_repartition((0, 3, 12)) == (None, None, None)


def test_the_secondary_cell_is_the_smallest_that_is_enough():
    # One « < 3 » of 2: a cell of 3 is enough (1+? ambiguous); 40 stays shown.
    assert secret_repartition((2, 3, 40)) == (SOUS_LE_SEUIL, MASQUE_SECONDAIRE, None)
    # One « < 3 » of 1: hiding the 3 would leave 1+3=4, only (1, 3): the 5 is hidden.
    assert secret_repartition((1, 3, 5, 40)) == (SOUS_LE_SEUIL, None, MASQUE_SECONDAIRE, None)


def test_a_breakdown_that_cannot_be_hidden_cell_by_cell_is_masked_whole():
    assert secret_repartition((2, 2)) == (MASQUE, MASQUE)
    assert secret_repartition((1, 1, 1, 0)) == (MASQUE,) * 4


def test_a_protected_cell_is_never_the_secondary_one():
    masque = secret_repartition((1, 4, 9), proteges={1})
    assert masque[1] is None and masque[2] == MASQUE_SECONDAIRE


def repartition(valeurs, **champs) -> Tableau:
    return Tableau(
        identifiant="essai",
        titre="Essai",
        nature="barres_horizontales",
        etiquettes=tuple(f"catégorie {i}" for i in range(len(valeurs))),
        series=(Serie("Effectif", valeurs),),
        **champs,
    )


def test_published_masked_cells_keep_no_count_nor_share():
    t = publier(repartition((1, 4, 9)), secret=True)
    cases = t.series[0].cases
    assert [c.texte for c in cases] == ["< 3", "≥ 3", "9"]
    assert cases[0].valeur is None and cases[0].part == "–"
    assert cases[1].valeur is None and cases[1].part == "–"
    assert t.series[0].total.texte == "14"


def test_a_breakdown_of_fewer_than_3_is_masked_whole_total_included():
    t = publier(repartition((0, 2, 0)), secret=True)
    assert [c.texte for c in t.series[0].cases] == ["< 3"] * 3
    assert t.series[0].total.texte == "< 3"


def test_totals_of_the_whole_association_stay_exact():
    t = publier(repartition((1, 2), repartition=False, exact=True), secret=True)
    assert [c.texte for c in t.series[0].cases] == ["1", "2"]


def test_independent_counts_under_a_filter_get_the_primary_rule_only():
    t = publier(repartition((1, 4, 9), repartition=False), secret=True)
    assert [c.texte for c in t.series[0].cases] == ["< 3", "4", "9"]


def test_the_direction_sees_exact_counts():
    t = publier(repartition((1, 4, 9)), secret=False)
    assert [c.texte for c in t.series[0].cases] == ["1", "4", "9"]


def test_the_plotly_figure_carries_no_masked_count():
    t = publier(repartition((1, 4, 9)), secret=True)
    trace = figure(t)["data"][0]
    assert trace["x"] == [0, 0, 9]
    assert trace["text"] == ["< 3", "≥ 3", "9"]


def test_a_funnel_hides_its_shares_when_its_first_stage_is_masked():
    t = publier(
        Tableau(
            identifiant="entonnoir",
            titre="Entonnoir",
            nature="entonnoir",
            etiquettes=("accueil", "maturation"),
            series=(Serie("Dossiers", (2, 1)),),
            repartition=False,
        ),
        secret=True,
    )
    assert figure(t)["data"][0]["text"] == ["< 3", "< 3"]


def test_the_svg_writes_masked_cells_as_such_and_never_their_count():
    t = publier(repartition((1, 4, 9)), secret=True)
    dessin = graphique_svg(t)
    assert dessin.count("&lt; 3</text>") == 1
    assert dessin.count("≥ 3</text>") == 1
    assert not re.search(r'(width|height)="0"', dessin)
    assert "catégorie 0 : Effectif &lt; 3" in dessin  # the description too


def test_the_csv_rows_are_the_shown_texts():
    t = publier(repartition((1, 4, 9)), secret=True)
    assert lignes_csv(t) == [
        ["", "Effectif", "Part"],
        ["catégorie 0", "< 3", "–"],
        ["catégorie 1", "≥ 3", "–"],
        ["catégorie 2", "9", "64,3\u202f%"],
        ["Total", "14", "100\u202f%"],
    ]
