"""Charts of the annual report: one definition, two renderings.

A `Graphique` is plain data (labels, series of counts, texts). The HTML report draws it
with plotly.js (`figure_plotly`, a JSON-able dict); the PDF draws it as a small,
deterministic SVG written here (`svg`), because WeasyPrint draws SVG itself and needs no
browser: kaleido would start a Chromium (3.5 s, then 0.3 s a chart, see NOTES.md).
`tableau_donnees` gives the same figures as rows for the accessible table under a chart.

The SVG is deliberately plain — rects, one path per axis grid, <text> with a font-family,
no filters, gradients, clip paths or transforms — since drawing SVG is most of
WeasyPrint's time on a report full of charts.

Numbers are shown as integers with French separators; percentages with a comma and a
narrow no-break space before the sign ("40,2 %").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from typing import Literal
from xml.sax.saxutils import escape

Nature = Literal[
    "barres",
    "barres_horizontales",
    "barres_groupees",
    "barres_empilees",
    "camembert",
    "entonnoir",
]
NATURES: tuple[str, ...] = Nature.__args__

# U+202F NARROW NO-BREAK SPACE: the French thousands separator and the space before %.
ESPACE_FINE = "\u202f"

# Okabe & Ito's palette (distinguishable with the common colour-vision deficiencies),
# its yellow moved last because it is unreadable as a thin shape on white, then greys.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#000000",
    "#F0E442",
    "#888888",
    "#BBBBBB",
)
POLICE = "'Source Sans 3', 'DejaVu Sans', sans-serif"
_IDENTIFIANT = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Serie:
    nom: str
    valeurs: tuple[int | float, ...]

    def __post_init__(self) -> None:
        # Accept any sequence but keep a tuple: the chart stays hashable, so a cache can
        # be keyed by it.
        object.__setattr__(self, "valeurs", tuple(self.valeurs))


@dataclass(frozen=True)
class Graphique:
    """One chart of the report, as plain data.

    Invariants: `identifiant` is a slug (it becomes an element id); every series has one
    value per label; values are >= 0; a donut or a funnel has exactly one series.
    """

    identifiant: str
    titre: str
    nature: Nature
    etiquettes: tuple[str, ...]
    series: tuple[Serie, ...]
    unite: str = "personnes"
    note: str = ""
    definition: str = ""
    source: str = ""
    # The total row of the data table: wrong for breakdowns where a person may be
    # counted in several categories (objects of appointments, for instance).
    avec_total: bool = True
    # Column header of the values when a series has no name.
    etiquette_valeurs: str = "Effectif"

    def __post_init__(self) -> None:
        object.__setattr__(self, "etiquettes", tuple(self.etiquettes))
        object.__setattr__(self, "series", tuple(self.series))
        if not _IDENTIFIANT.match(self.identifiant):
            raise ValueError(f"identifiant de graphique invalide : {self.identifiant!r}")
        if self.nature not in NATURES:
            raise ValueError(f"nature de graphique inconnue : {self.nature!r}")
        if not self.series:
            raise ValueError(f"{self.identifiant} : aucune série")
        if self.nature in ("camembert", "entonnoir") and len(self.series) != 1:
            raise ValueError(f"{self.identifiant} : un {self.nature} a une seule série")
        for serie in self.series:
            if len(serie.valeurs) != len(self.etiquettes):
                raise ValueError(
                    f"{self.identifiant} : la série {serie.nom!r} a {len(serie.valeurs)}"
                    f" valeurs pour {len(self.etiquettes)} étiquettes"
                )
            if any(v < 0 or math.isnan(v) for v in serie.valeurs):
                raise ValueError(f"{self.identifiant} : valeur négative ou indéfinie")


# --- French formatting -------------------------------------------------------------------


def format_nombre(valeur: int | float) -> str:
    """An integer with French thousands separators: 1234.6 -> "1 235" (narrow space)."""
    entier = int(Decimal(str(valeur)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{entier:,}".replace(",", ESPACE_FINE)


def format_pourcentage(pourcentage: float) -> str:
    """38.0 -> "38 %", 40.24 -> "40,2 %" (one decimal at most, half rounded up)."""
    arrondi = Decimal(str(pourcentage)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    texte = f"{arrondi:,}".replace(",", ESPACE_FINE).replace(".", ",").removesuffix(",0")
    return f"{texte}{ESPACE_FINE}%"


def parts(valeurs: Sequence[int | float], base: int | float | None = None) -> list[str]:
    """Each value as a share of `base` (default: their sum), formatted; "–" when base is 0."""
    base = sum(valeurs) if base is None else base
    if not base:
        return ["–" for _ in valeurs]
    return [format_pourcentage(100 * v / base) for v in valeurs]


# --- Data table --------------------------------------------------------------------------


@dataclass(frozen=True)
class TableauDonnees:
    """The figures of a chart as text cells; `lignes[i][0]` is the row header."""

    legende: str
    entetes: tuple[str, ...]
    lignes: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None


def tableau_donnees(g: Graphique) -> TableauDonnees:
    """The rows of the accessible table shown under (or instead of) the chart."""
    if g.nature in ("camembert", "entonnoir"):
        valeurs = g.series[0].valeurs
        if g.nature == "camembert":
            entete_part, pourcents = "Part", parts(valeurs)
        else:
            entete_part = "Part de la 1re étape"
            pourcents = parts(valeurs, valeurs[0] if valeurs else 0)
        entetes = ("", g.series[0].nom or g.etiquette_valeurs, entete_part)
        lignes = tuple(
            (e, format_nombre(v), p)
            for e, v, p in zip(g.etiquettes, valeurs, pourcents, strict=True)
        )
        total = None
        if g.nature == "camembert" and g.avec_total:
            total = (
                "Total",
                format_nombre(sum(valeurs)),
                format_pourcentage(100) if valeurs else "–",
            )
        return TableauDonnees(g.titre, entetes, lignes, total)

    entetes = ("", *(s.nom or g.etiquette_valeurs for s in g.series))
    lignes = tuple(
        (e, *(format_nombre(s.valeurs[i]) for s in g.series)) for i, e in enumerate(g.etiquettes)
    )
    if g.nature == "barres_empilees" and len(g.series) > 1:
        entetes = (*entetes, "Total")
        lignes = tuple(
            (*ligne, format_nombre(sum(s.valeurs[i] for s in g.series)))
            for i, ligne in enumerate(lignes)
        )
    total = None
    if g.avec_total:
        sommes = [sum(s.valeurs) for s in g.series]
        if g.nature == "barres_empilees" and len(g.series) > 1:
            sommes.append(sum(sommes))
        total = ("Total", *(format_nombre(v) for v in sommes))
    return TableauDonnees(g.titre, entetes, lignes, total)


# --- plotly (HTML page) ------------------------------------------------------------------


def _couleurs(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


@lru_cache(maxsize=1)
def gabarit_plotly() -> dict:
    """The layout template plotly.py puts in every figure (its default, « plotly »), read
    from the JSON file plotly ships, as plotly.py itself loads it: 7 kB of styles that
    plotly.js does not have by itself. Shared: do not modify it."""
    fichier = resources.files("plotly") / "package_data" / "templates" / "plotly.json"
    return json.loads(fichier.read_text(encoding="utf-8"))


def _trace(g: Graphique) -> list[dict]:
    couleurs = _couleurs(max(len(g.series), len(g.etiquettes)))
    etiquettes = list(g.etiquettes)
    if g.nature == "camembert":
        valeurs = list(g.series[0].valeurs)
        return [
            {
                "type": "pie",
                "name": g.series[0].nom,
                "labels": etiquettes,
                "values": valeurs,
                "hole": 0.55,
                "sort": False,
                "direction": "clockwise",
                "marker": {"colors": couleurs[: len(etiquettes)]},
                "text": parts(valeurs),
                "textinfo": "text",
                "hovertemplate": "%{label} : %{value} (%{text})<extra></extra>",
            }
        ]
    if g.nature == "entonnoir":
        valeurs = list(g.series[0].valeurs)
        pourcents = parts(valeurs, valeurs[0] if valeurs else 0)
        return [
            {
                "type": "funnel",
                "name": g.series[0].nom,
                "y": etiquettes,
                "x": valeurs,
                "text": [
                    f"{format_nombre(v)} ({p})" for v, p in zip(valeurs, pourcents, strict=True)
                ],
                "textinfo": "text",
                "marker": {"color": PALETTE[0]},
                "hovertemplate": "%{y} : %{text}<extra></extra>",
            }
        ]
    horizontal = g.nature == "barres_horizontales"
    traces = []
    for i, serie in enumerate(g.series):
        valeurs = list(serie.valeurs)
        axes = {"y": etiquettes, "x": valeurs} if horizontal else {"x": etiquettes, "y": valeurs}
        traces.append(
            {
                "type": "bar",
                "name": serie.nom,
                "orientation": "h" if horizontal else "v",
                "marker": {"color": couleurs[i]},
                "text": [format_nombre(v) for v in valeurs],
                "textposition": "inside" if g.nature == "barres_empilees" else "outside",
                "cliponaxis": False,
                "hovertemplate": (
                    f"%{{{'y' if horizontal else 'x'}}} : %{{text}}"
                    f"<extra>{escape(serie.nom)}</extra>"
                ),
                **axes,
            }
        )
    return traces


def figure_plotly(g: Graphique, *, avec_gabarit: bool = True) -> dict:
    """A plotly figure for the HTML page, as a JSON-able dict (data, layout).

    The page embeds it with plotly.js served from static files (no CDN, the equivalent
    of include_plotlyjs=False); the texts shown on the bars are computed here so the
    HTML reads exactly like the PDF.

    Written as plain dicts: plotly.py's graph objects validate every property and cost
    about 7 ms a chart, half of a dashboard's first view. The dict is what
    `go.Figure(...).to_json()` would give for the same properties (tests/rapports/
    test_charts.py checks it is a fixed point of plotly's validation). Without
    `avec_gabarit`, the layout leaves out the template (gabarit_plotly), for a page that
    sends it once for all its charts.
    """
    layout: dict = {
        "title": {"text": g.titre},
        # Decimal comma, narrow no-break space between thousands.
        "separators": "," + ESPACE_FINE,
        "font": {"family": POLICE, "size": 14, "color": "#222222"},
        "colorway": list(PALETTE),
        "showlegend": len(g.series) > 1 or g.nature == "camembert",
        "legend": {"orientation": "h", "y": -0.15},
        "margin": {"l": 40, "r": 20, "t": 50, "b": 40},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
    }
    if avec_gabarit:
        layout["template"] = gabarit_plotly()
    if g.nature in ("barres_groupees", "barres_empilees"):
        layout["barmode"] = "group" if g.nature == "barres_groupees" else "stack"
    if g.nature == "barres_horizontales":
        # Keep the order of the labels from top to bottom, as in the table.
        layout["yaxis"] = {"autorange": "reversed", "automargin": True}
        layout["xaxis"] = {"title": {"text": g.unite}, "rangemode": "tozero"}
    elif g.nature not in ("camembert", "entonnoir"):
        layout["yaxis"] = {"title": {"text": g.unite}, "rangemode": "tozero"}
        layout["xaxis"] = {"automargin": True}
    return {"data": _trace(g), "layout": layout}


# --- SVG (PDF) ---------------------------------------------------------------------------

LARGEUR = 640
_TAILLE = 11  # labels
_TAILLE_VALEUR = 10
_LIGNE = 13  # line height of labels
_TEXTE = "#222222"
_GRILLE = "#DDDDDD"


def _largeur_texte(texte: str, taille: float = _TAILLE) -> float:
    # Source Sans 3 averages about half an em a character; a deterministic estimate is
    # enough to size margins and wrap labels.
    return len(texte) * taille * 0.52


def _couper(texte: str, largeur: float, taille: float = _TAILLE) -> list[str]:
    """Wrap on spaces to fit `largeur`; a word longer than the width stays whole."""
    lignes: list[str] = []
    courante = ""
    for mot in texte.split():
        essai = f"{courante} {mot}" if courante else mot
        if courante and _largeur_texte(essai, taille) > largeur:
            lignes.append(courante)
            courante = mot
        else:
            courante = essai
    lignes.append(courante)
    return lignes


def _n(x: float) -> str:
    """A coordinate, short and deterministic."""
    return f"{x:.1f}".removesuffix(".0")


def _texte(
    x: float,
    y: float,
    contenu: str,
    *,
    ancre: str = "start",
    taille: float = _TAILLE,
    couleur: str = _TEXTE,
    gras: bool = False,
) -> str:
    attributs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(taille)}"'
    if ancre != "start":
        attributs += f' text-anchor="{ancre}"'
    if couleur != _TEXTE:
        attributs += f' fill="{couleur}"'
    if gras:
        attributs += ' font-weight="600"'
    return f"<text {attributs}>{escape(contenu)}</text>"


def _texte_multiligne(
    x: float, y: float, lignes: list[str], *, ancre: str = "start", taille: float = _TAILLE
) -> str:
    """Several lines as one <text>, so that the label stays one string for readers."""
    if len(lignes) == 1:
        return _texte(x, y, lignes[0], ancre=ancre, taille=taille)
    morceaux = [f'<tspan x="{_n(x)}" y="{_n(y)}">{escape(lignes[0])}</tspan>']
    morceaux += [
        f'<tspan x="{_n(x)}" dy="{_n(taille * 1.2)}">{escape(ligne)}</tspan>'
        for ligne in lignes[1:]
    ]
    ancre_attr = f' text-anchor="{ancre}"' if ancre != "start" else ""
    return f'<text font-size="{_n(taille)}"{ancre_attr}>{" ".join(morceaux)}</text>'


def _rect(x: float, y: float, largeur: float, hauteur: float, couleur: str) -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(largeur)}" height="{_n(hauteur)}"'
        f' fill="{couleur}"/>'
    )


def _luminance(couleur: str) -> float:
    canaux = [int(couleur[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lineaires = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in canaux]
    return 0.2126 * lineaires[0] + 0.7152 * lineaires[1] + 0.0722 * lineaires[2]


def couleur_texte_sur(fond: str) -> str:
    """Black or white, whichever contrasts more with `fond` (WCAG contrast ratio)."""
    lum = _luminance(fond)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _graduations(maximum: float) -> list[int]:
    """0 and 3 to 6 round integer ticks covering `maximum`."""
    if maximum <= 0:
        return [0, 1]
    brut = maximum / 5
    puissance = 10 ** math.floor(math.log10(brut)) if brut >= 1 else 1
    pas = next(p * puissance for p in (1, 2, 5, 10) if p * puissance >= brut)
    pas = max(1, int(pas))
    return list(range(0, int(math.ceil(maximum / pas)) * pas + 1, pas))


def _legende(g: Graphique, x: float, y: float, largeur: float) -> tuple[list[str], float]:
    """Series swatches on as many lines as needed; returns elements and height used."""
    elements: list[str] = []
    cx, cy = x, y
    for i, serie in enumerate(g.series):
        largeur_item = 16 + _largeur_texte(serie.nom) + 16
        if cx > x and cx + largeur_item > x + largeur:
            cx, cy = x, cy + 16
        elements.append(_rect(cx, cy, 11, 11, PALETTE[i % len(PALETTE)]))
        elements.append(_texte(cx + 16, cy + 9.5, serie.nom))
        cx += largeur_item
    return elements, cy - y + 16


def _barres_verticales(g: Graphique) -> tuple[list[str], float]:
    n, ns = len(g.etiquettes), len(g.series)
    empile = g.nature == "barres_empilees"
    if empile:
        maximum = max((sum(s.valeurs[i] for s in g.series) for i in range(n)), default=0)
    else:
        maximum = max((v for s in g.series for v in s.valeurs), default=0)
    ticks = _graduations(maximum)
    gauche = 12 + max(_largeur_texte(format_nombre(t), _TAILLE_VALEUR) for t in ticks)
    elements: list[str] = []
    haut = 8.0
    if ns > 1:
        legende, h = _legende(g, gauche, haut, LARGEUR - gauche)
        elements += legende
        haut += h + 4
    haut += 16  # room for the value above the tallest bar
    hauteur_trace = 200.0
    largeur_trace = LARGEUR - gauche - 8
    creneau = largeur_trace / max(n, 1)
    coupees = [_couper(e, creneau - 4) for e in g.etiquettes]
    bas = haut + hauteur_trace
    echelle = hauteur_trace / ticks[-1]

    # Axis: the grid in one path, tick labels, the baseline.
    grille = " ".join(f"M{_n(gauche)} {_n(bas - t * echelle)}H{_n(LARGEUR - 8)}" for t in ticks[1:])
    if grille:
        elements.append(f'<path d="{grille}" stroke="{_GRILLE}" stroke-width="0.6" fill="none"/>')
    for t in ticks:
        elements.append(
            _texte(
                gauche - 5,
                bas - t * echelle + 3.5,
                format_nombre(t),
                ancre="end",
                taille=_TAILLE_VALEUR,
            )
        )

    largeur_groupe = creneau * 0.72
    largeur_barre = largeur_groupe if empile else largeur_groupe / ns
    taille_valeur = _TAILLE_VALEUR if largeur_barre >= 16 else 8
    for i in range(n):
        x0 = gauche + i * creneau + (creneau - largeur_groupe) / 2
        cumul = 0.0
        for j, serie in enumerate(g.series):
            v = serie.valeurs[i]
            h = v * echelle
            couleur = PALETTE[j % len(PALETTE)]
            if empile:
                y = bas - cumul - h
                if v:
                    elements.append(_rect(x0, y, largeur_barre, h, couleur))
                    if h >= 12 and largeur_barre >= 14:
                        elements.append(
                            _texte(
                                x0 + largeur_barre / 2,
                                y + h / 2 + 3.5,
                                format_nombre(v),
                                ancre="middle",
                                taille=taille_valeur,
                                couleur=couleur_texte_sur(couleur),
                            )
                        )
                cumul += h
            else:
                x = x0 + j * largeur_barre
                if v:
                    elements.append(_rect(x + 0.5, bas - h, largeur_barre - 1, h, couleur))
                # A zero is written too: an empty category is a figure, not a gap.
                elements.append(
                    _texte(
                        x + largeur_barre / 2,
                        bas - h - 3,
                        format_nombre(v),
                        ancre="middle",
                        taille=taille_valeur,
                    )
                )
        if empile:
            total = sum(s.valeurs[i] for s in g.series)
            elements.append(
                _texte(
                    x0 + largeur_groupe / 2,
                    bas - cumul - 3,
                    format_nombre(total),
                    ancre="middle",
                    taille=taille_valeur,
                    gras=True,
                )
            )
        elements.append(
            _texte_multiligne(gauche + (i + 0.5) * creneau, bas + 14, coupees[i], ancre="middle")
        )
    elements.append(
        f'<path d="M{_n(gauche)} {_n(bas)}H{_n(LARGEUR - 8)}" stroke="#555555"'
        ' stroke-width="1" fill="none"/>'
    )
    lignes_max = max((len(c) for c in coupees), default=1)
    return elements, bas + 8 + lignes_max * _LIGNE + 4


def _barres_horizontales(g: Graphique) -> tuple[list[str], float]:
    ns = len(g.series)
    maximum = max((v for s in g.series for v in s.valeurs), default=0)
    ticks = _graduations(maximum)
    largeur_etiquettes = min(220.0, max((_largeur_texte(e) for e in g.etiquettes), default=0) + 4)
    gauche = largeur_etiquettes + 10
    droite = LARGEUR - 8 - _largeur_texte(format_nombre(ticks[-1]), _TAILLE_VALEUR) - 6
    echelle = (droite - gauche) / ticks[-1]
    elements: list[str] = []
    y = 8.0
    if ns > 1:
        legende, h = _legende(g, gauche, y, LARGEUR - gauche)
        elements += legende
        y += h + 4
    haut = y
    epaisseur = 14.0 if ns > 1 else 16.0
    for i, etiquette in enumerate(g.etiquettes):
        lignes = _couper(etiquette, largeur_etiquettes)
        bande = max(ns * epaisseur + 8, len(lignes) * _LIGNE + 8)
        y0 = y + (bande - ns * epaisseur) / 2
        for j, serie in enumerate(g.series):
            v = serie.valeurs[i]
            yb = y0 + j * epaisseur
            if v:
                elements.append(
                    _rect(gauche, yb + 1, v * echelle, epaisseur - 2, PALETTE[j % len(PALETTE)])
                )
            elements.append(
                _texte(
                    gauche + v * echelle + 4,
                    yb + epaisseur / 2 + 3.5,
                    format_nombre(v),
                    taille=_TAILLE_VALEUR,
                )
            )
        y_texte = y + bande / 2 - (len(lignes) - 1) * _TAILLE * 0.6 + 4
        elements.append(_texte_multiligne(largeur_etiquettes, y_texte, lignes, ancre="end"))
        y += bande
    bas = y
    grille = " ".join(f"M{_n(gauche + t * echelle)} {_n(haut)}V{_n(bas)}" for t in ticks[1:])
    axes = (
        [f'<path d="{grille}" stroke="{_GRILLE}" stroke-width="0.6" fill="none"/>']
        if grille
        else []
    )
    axes += [
        _texte(
            gauche + t * echelle, bas + 12, format_nombre(t), ancre="middle", taille=_TAILLE_VALEUR
        )
        for t in ticks
    ]
    axes.append(
        f'<path d="M{_n(gauche)} {_n(haut)}V{_n(bas)}" stroke="#555555"'
        ' stroke-width="1" fill="none"/>'
    )
    # The grid goes first so that the bars are drawn over it.
    return axes + elements, bas + 18


def _arc(cx: float, cy: float, r: float, a: float) -> tuple[str, str]:
    return _n(cx + r * math.sin(a)), _n(cy - r * math.cos(a))


def _camembert(g: Graphique) -> tuple[list[str], float]:
    valeurs = g.series[0].valeurs
    total = sum(valeurs)
    pourcents = parts(valeurs)
    cx, cy, rayon, interieur = 130.0, 130.0, 112.0, 64.0
    elements: list[str] = []
    if not total:
        elements.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n((rayon + interieur) / 2)}"'
            f' fill="none" stroke="{_GRILLE}" stroke-width="{_n(rayon - interieur)}"/>'
        )
    angle = 0.0
    for i, v in enumerate(valeurs):
        if not v:
            continue
        couleur = PALETTE[i % len(PALETTE)]
        balayage = 2 * math.pi * v / total
        if v == total:
            # A full ring cannot be drawn as an arc whose ends meet.
            elements.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n((rayon + interieur) / 2)}"'
                f' fill="none" stroke="{couleur}" stroke-width="{_n(rayon - interieur)}"/>'
            )
        else:
            grand = 1 if balayage > math.pi else 0
            x1, y1 = _arc(cx, cy, rayon, angle)
            x2, y2 = _arc(cx, cy, rayon, angle + balayage)
            x3, y3 = _arc(cx, cy, interieur, angle + balayage)
            x4, y4 = _arc(cx, cy, interieur, angle)
            d = (
                f"M{x1} {y1}A{_n(rayon)} {_n(rayon)} 0 {grand} 1 {x2} {y2}"
                f"L{x3} {y3}A{_n(interieur)} {_n(interieur)} 0 {grand} 0 {x4} {y4}Z"
            )
            elements.append(f'<path d="{d}" fill="{couleur}" stroke="#FFFFFF" stroke-width="1"/>')
        if v / total >= 0.06:
            milieu = angle + balayage / 2
            r = (rayon + interieur) / 2
            elements.append(
                _texte(
                    cx + r * math.sin(milieu),
                    cy - r * math.cos(milieu) + 3.5,
                    pourcents[i],
                    ancre="middle",
                    taille=_TAILLE_VALEUR,
                    couleur=couleur_texte_sur(couleur),
                )
            )
        angle += balayage
    elements.append(_texte(cx, cy + 2, format_nombre(total), ancre="middle", taille=20, gras=True))
    elements.append(
        _texte(cx, cy + 17, g.unite or "au total", ancre="middle", taille=_TAILLE_VALEUR)
    )

    # The legend carries every count and percentage, small slices included.
    x = cx + rayon + 30
    colonne_valeurs = LARGEUR - 8
    largeur_libelle = colonne_valeurs - x - 16 - 80
    y = 12.0
    for i, (etiquette, v) in enumerate(zip(g.etiquettes, valeurs, strict=True)):
        lignes = _couper(etiquette, largeur_libelle)
        elements.append(_rect(x, y, 11, 11, PALETTE[i % len(PALETTE)]))
        elements.append(_texte_multiligne(x + 16, y + 9.5, lignes))
        elements.append(
            _texte(colonne_valeurs, y + 9.5, f"{format_nombre(v)} ({pourcents[i]})", ancre="end")
        )
        y += max(len(lignes), 1) * _LIGNE + 5
    return elements, max(2 * cy, y + 8)


def _entonnoir(g: Graphique) -> tuple[list[str], float]:
    valeurs = g.series[0].valeurs
    premier = valeurs[0] if valeurs else 0
    pourcents = parts(valeurs, premier)
    maximum = max(valeurs, default=0) or 1
    largeur_etiquettes = 170.0
    colonne_valeurs = LARGEUR - 8
    zone_g, zone_d = largeur_etiquettes + 12, colonne_valeurs - 92
    centre, demi = (zone_g + zone_d) / 2, (zone_d - zone_g) / 2
    hauteur, ecart = 26.0, 10.0
    elements: list[str] = []
    y = 6.0
    precedent: tuple[float, float] | None = None
    for etiquette, v, p in zip(g.etiquettes, valeurs, pourcents, strict=True):
        # A stage with nobody keeps a sliver, so that the funnel does not break.
        demi_barre = max(demi * v / maximum, 1.5)
        if precedent is not None:
            pg, pd = precedent
            points = (
                f"{_n(pg)},{_n(y - ecart)} {_n(pd)},{_n(y - ecart)} "
                f"{_n(centre + demi_barre)},{_n(y)} {_n(centre - demi_barre)},{_n(y)}"
            )
            elements.append(f'<polygon points="{points}" fill="#D6E6F2"/>')
        elements.append(_rect(centre - demi_barre, y, 2 * demi_barre, hauteur, PALETTE[0]))
        lignes = _couper(etiquette, largeur_etiquettes)
        elements.append(
            _texte_multiligne(
                largeur_etiquettes,
                y + hauteur / 2 + 4 - (len(lignes) - 1) * _TAILLE * 0.6,
                lignes,
                ancre="end",
            )
        )
        elements.append(
            _texte(
                colonne_valeurs,
                y + hauteur / 2 + 4,
                f"{format_nombre(v)} ({p})",
                ancre="end",
                gras=True,
            )
        )
        precedent = (centre - demi_barre, centre + demi_barre)
        y += hauteur + ecart
    return elements, y


def svg(g: Graphique) -> str:
    """The chart as a standalone SVG document, identical for identical data."""
    if g.nature in ("barres", "barres_groupees", "barres_empilees"):
        elements, hauteur = _barres_verticales(g)
    elif g.nature == "barres_horizontales":
        elements, hauteur = _barres_horizontales(g)
    elif g.nature == "camembert":
        elements, hauteur = _camembert(g)
    else:
        elements, hauteur = _entonnoir(g)
    hauteur = math.ceil(hauteur)
    id_titre = f"{g.identifiant}-titre"
    description = " ; ".join(
        f"{e} : "
        + ", ".join(
            (
                f"{s.nom} {format_nombre(s.valeurs[i])}"
                if len(g.series) > 1
                else format_nombre(s.valeurs[i])
            )
            for s in g.series
        )
        for i, e in enumerate(g.etiquettes)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LARGEUR} {hauteur}"'
        f' width="{LARGEUR}" height="{hauteur}" role="img" aria-labelledby="{id_titre}">'
        f'<title id="{id_titre}">{escape(g.titre)}</title>'
        f"<desc>{escape(description)}</desc>"
        f'<g font-family="{escape(POLICE)}" fill="{_TEXTE}">' + "".join(elements) + "</g></svg>"
    )
