"""The chart definitions and their two renderings: SVG for the PDF, plotly for the page."""

import json
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest

from rapports.charts import (
    NATURES,
    Graphique,
    Serie,
    figure_plotly,
    format_nombre,
    format_pourcentage,
    gabarit_plotly,
    svg,
    tableau_donnees,
)

SVG = "{http://www.w3.org/2000/svg}"
FINE = "\u202f"


def _graphique(nature: str) -> Graphique:
    etiquettes = ["Femme", "Homme", "Non renseigné <NR> & co"]
    if nature in ("camembert", "entonnoir"):
        series = [Serie("Accueils", [38, 44, 0])]
    else:
        series = [Serie("2012", [38, 44, 0]), Serie("2013 « nouveau »", [12, 0, 1234])]
    return Graphique(
        f"essai-{nature.replace('_', '-')}", "Accueils & genre", nature, etiquettes, series
    )


def _textes(document: str) -> list[str]:
    """The drawn texts of an SVG, one string per <text> (its lines joined by spaces)."""
    racine = ET.fromstring(document)
    return [" ".join(t.strip() for t in texte.itertext()) for texte in racine.iter(f"{SVG}text")]


@pytest.mark.parametrize("nature", NATURES)
def test_svg_is_well_formed_xml_with_every_label_and_value_drawn(nature):
    g = _graphique(nature)
    document = svg(g)
    racine = ET.fromstring(document)
    assert racine.tag == f"{SVG}svg"
    assert racine.find(f"{SVG}title").text == "Accueils & genre"
    textes = _textes(document)
    dessine = " | ".join(textes)
    for etiquette in g.etiquettes:
        assert etiquette in textes
    if nature == "barres_empilees":
        # A segment too thin for its number shows it in the description (and the data
        # table); the stack's total is always drawn.
        for i in range(len(g.etiquettes)):
            assert format_nombre(sum(s.valeurs[i] for s in g.series)) in textes
        dessine = racine.find(f"{SVG}desc").text
    for serie in g.series:
        for valeur in serie.valeurs:
            assert format_nombre(valeur) in dessine
    # Labels are escaped, never markup.
    assert "Non renseigné &lt;NR&gt; &amp; co" in document


@pytest.mark.parametrize("nature", ["barres", "barres_horizontales", "barres_groupees"])
def test_a_zero_count_is_still_written_on_the_bar_chart(nature):
    textes = _textes(svg(_graphique(nature)))
    assert "0" in textes


def test_svg_uses_only_simple_shapes_and_sets_the_font():
    for nature in NATURES:
        document = svg(_graphique(nature))
        for interdit in ("filter", "Gradient", "clipPath", "<image", "transform", "<style"):
            assert interdit not in document
        assert "font-family=\"'Source Sans 3'" in document


def test_svg_is_deterministic():
    assert svg(_graphique("camembert")) == svg(_graphique("camembert"))


def test_donut_shows_french_percentages():
    g = Graphique(
        "genre", "Genre", "camembert", ["Femme", "Homme", "NR"], [Serie("Accueils", [33, 49, 0])]
    )
    textes = _textes(svg(g))
    assert f"33 (40,2{FINE}%)" in textes
    assert f"49 (59,8{FINE}%)" in textes
    assert f"0 (0{FINE}%)" in textes
    assert "82" in textes  # the total in the hole


def test_donut_with_a_single_category_or_nobody_still_draws():
    seul = svg(Graphique("seul", "Seul", "camembert", ["Tous"], [Serie("n", [5])]))
    assert f"5 (100{FINE}%)" in _textes(seul)
    vide = svg(Graphique("vide", "Vide", "camembert", ["A", "B"], [Serie("n", [0, 0])]))
    assert "0 (–)" in _textes(vide)


def test_funnel_shows_each_stage_with_its_count_and_share_of_the_first():
    g = Graphique(
        "entonnoir",
        "Entonnoir",
        "entonnoir",
        ["Accueil", "Maturation", "Création", "Post-création"],
        [Serie("Porteurs", [82, 24, 9, 0])],
    )
    textes = _textes(svg(g))
    assert textes[-8:] == [
        "Accueil",
        f"82 (100{FINE}%)",
        "Maturation",
        f"24 (29,3{FINE}%)",
        "Création",
        f"9 (11{FINE}%)",
        "Post-création",
        f"0 (0{FINE}%)",
    ]


def test_numbers_and_percentages_are_formatted_the_french_way():
    assert format_nombre(1234.5) == f"1{FINE}235"
    assert format_nombre(0) == "0"
    assert format_pourcentage(38) == f"38{FINE}%"
    assert format_pourcentage(40.24) == f"40,2{FINE}%"
    assert format_pourcentage(0.05) == f"0,1{FINE}%"


def test_chart_definition_refuses_inconsistent_data():
    with pytest.raises(ValueError, match="valeurs pour 2 étiquettes"):
        Graphique("x", "X", "barres", ["a", "b"], [Serie("s", [1])])
    with pytest.raises(ValueError, match="une seule série"):
        Graphique("x", "X", "camembert", ["a"], [Serie("s", [1]), Serie("t", [2])])
    with pytest.raises(ValueError, match="identifiant"):
        Graphique('x" onload="', "X", "barres", ["a"], [Serie("s", [1])])


@pytest.mark.parametrize("nature", NATURES)
def test_plotly_figure_has_one_trace_per_series_with_the_labels(nature):
    g = _graphique(nature)
    figure = figure_plotly(g)
    assert len(figure["data"]) == len(g.series)
    for trace, serie in zip(figure["data"], g.series, strict=True):
        assert trace["name"] == serie.nom
        etiquettes = trace.get("labels") or (
            trace["y"] if trace.get("orientation") == "h" or nature == "entonnoir" else trace["x"]
        )
        assert list(etiquettes) == list(g.etiquettes)
    assert figure["layout"]["separators"] == f",{FINE}"


def _par_plotly(figure: dict) -> dict:
    """What plotly.py makes of a figure: it validates every property (an unknown one or a
    wrong value raises ValueError), fills in its default template, and encodes it."""
    return json.loads(go.Figure(figure).to_json())


DONNEES_PLOTLY = [
    [Serie("Effectif", [5, 0, 1234])],
    [Serie("2012", [1, 2.5, 3]), Serie("Deux <b> & « trois »", [0, 7, 8]), Serie("", [3, 3, 3])],
]


@pytest.mark.parametrize("nature", NATURES)
@pytest.mark.parametrize("series", DONNEES_PLOTLY)
def test_the_plotly_figure_is_what_plotly_itself_would_send(nature, series):
    # figure_plotly writes plain dicts instead of plotly's graph objects (7 ms a chart):
    # they must be a fixed point of plotly's validation, template included.
    if nature in ("camembert", "entonnoir"):
        series = series[:1]
    g = Graphique("essai", "Titre & <i>", nature, ["a", "b « c »", "Non renseigné"], series)
    figure = figure_plotly(g)
    assert _par_plotly(figure) == figure
    assert figure["layout"]["template"] == _par_plotly({})["layout"]["template"]


def test_a_figure_without_its_template_leaves_it_to_the_page():
    g = _graphique("barres_groupees")
    sans = figure_plotly(g, avec_gabarit=False)
    assert "template" not in sans["layout"]
    sans["layout"]["template"] = gabarit_plotly()
    assert sans == figure_plotly(g)


def test_data_table_has_a_row_per_label_and_a_total():
    tableau = tableau_donnees(_graphique("barres_empilees"))
    assert tableau.entetes == ("", "2012", "2013 « nouveau »", "Total")
    assert tableau.lignes[1] == ("Homme", "44", "0", "44")
    assert tableau.total == ("Total", "82", f"1{FINE}246", f"1{FINE}328")
    camembert = tableau_donnees(_graphique("camembert"))
    assert camembert.lignes[0] == ("Femme", "38", f"46,3{FINE}%")
    assert camembert.total == ("Total", "82", f"100{FINE}%")
