"""Dashboards of the board and the direction: figures filtered by year, dispositif and
territory, and the statistical secret that makes the board's figures safe to show.

Two halves that never meet:
- the *figures* (`tableau_conseil`, `tableau_direction`, `carte`): queries only, exact
  plain data out (`Tableau`); every query is an aggregate (GROUP BY or conditional COUNT)
  and their number does not depend on the data (tests/rapports/test_tableaux_requetes.py
  pins it at two sizes). They follow rapports.stats' definitions and reuse its building
  blocks (age in SQL, the closed questions, the funnel's next-change subqueries); the
  territory is the dossier's reception snapshot (epci_accueil, territoire_gouvernance_
  accueil), never the porteur's current address. stats.py answers for the whole
  association per dispositif; the dashboards need the same figures under a territory
  filter, hence their own queries; tests/rapports/test_tableaux_coherence.py checks that
  both agree when no territory is chosen.
- the *publication* (`publier`): turns an exact Tableau into the texts a page shows,
  applying the secret (below) when the page is for the board. Only the published form
  reaches a template, a JSON block, a CSV or an SVG: an exact count hidden by the secret
  is never sent to the browser, not even in a chart's data.

The statistical secret (INSEE's rule for small counts, see NOTES.md), applied on the board
dashboard for everyone and on the map for everyone but the direction:
1. primary: any count of 1 or 2 is shown « < 3 »; its percentage is not shown (« – »);
2. a breakdown (categories adding up to a total shown on the page) must not let a masked
   cell be recomputed by subtracting the shown cells from the total. Knowing the rule, a
   reader knows a « < 3 » cell is 1 or 2; the cells are safe when every masked cell could
   take at least two values given the total. With p cells « < 3 », s cells masked as
   « ≥ 3 » and K the sum of the masked cells (= total − shown cells), that is:
   s = 0: p ≥ 2 and p + 1 ≤ K ≤ 2p − 1 (not all ones, not all twos);
   s ≥ 1: K ≥ p + 3s + 1.
   Until it holds, the smallest shown count that makes it hold (else the largest) is
   masked too and shown « ≥ 3 » (secondary suppression). When no count is left to mask
   (two categories of 2 with the total known, say), every cell of the breakdown, zeros
   included, is shown « masqué », with no bound.
   A breakdown whose total is 1 or 2 is masked whole, zeros included (« < 3 » is true of
   a 0), since every cell is under 3.
   Cells that another breakdown of the page gives away (the LMCU line of the EPCI
   breakdown is the total of the LMCU territories breakdown) are never chosen for step 2.
3. totals of the whole association's year (no dispositif, no territory: the key figures,
   the trends, the funnel stages) stay exact, as the annual report publishes them; under
   a filter they are counts of a small population and get step 1.
The direction's dashboard shows exact figures: the direction may see the records anyway.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from accompagnement.models import ChangementPhase, RendezVous
from accompagnement.phases import DATES_DU_PARCOURS
from formations.models import Inscription
from porteurs.models import NR as NR_MODELE
from porteurs.models import Dossier, Phase, Porteur
from rapports import charts
from rapports.charts import Graphique, Nature, Serie, format_nombre, format_pourcentage
from rapports.definitions import DEFINITIONS

# stats.py's building blocks, so that a dashboard counts exactly what the report counts.
from rapports.stats import (
    COMPTES_ENTONNOIR,
    MOIS,
    NON_RENSEIGNE,
    NR,
    OUI_NON,
    PHASES_ENTONNOIR,
    QUESTIONS_FERMEES,
    bornes_annee,
    code_rapport,
    comptes_entonnoir,
    profil_des_accueils,
)
from territoires.models import EPCI, PointAccueil

SEUIL = 3
SOUS_LE_SEUIL = "< 3"
MASQUE_SECONDAIRE = "≥ 3"
MASQUE = "masqué"
INCONNU = "–"

# A dossier is "without news" after this many days with no held appointment.
JOURS_SANS_RENDEZ_VOUS = 183
# A dossier "waits" in maturation after this many days.
JOURS_MATURATION = 365
# The direction's lists show at most this many dossiers (the counts are exact).
LIGNES_LISTE = 50


# --- Filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filtres:
    """What a dashboard shows: a year, and optionally a dispositif and a territory of the
    reception snapshot (EPCI, territoire de gouvernance of an EPCI split into some)."""

    annee: int
    dispositif: str = ""
    epci: int | None = None  # EPCI pk
    territoire: int | None = None  # TerritoireGouvernance pk

    @property
    def association_entiere(self) -> bool:
        """No filter but the year: totals are the association's, published exactly."""
        return not (self.dispositif or self.epci or self.territoire)

    def dossiers(self, prefixe: str = "") -> Q:
        """The condition on dossiers (through `prefixe`, e.g. "dossier__")."""
        condition = Q()
        if self.dispositif:
            condition &= Q(**{f"{prefixe}dispositif": self.dispositif})
        if self.epci:
            condition &= Q(**{f"{prefixe}epci_accueil": self.epci})
        if self.territoire:
            condition &= Q(**{f"{prefixe}territoire_gouvernance_accueil": self.territoire})
        return condition


# --- Exact figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tableau:
    """The exact figures of one chart or table of a dashboard.

    `repartition`: each series is a breakdown whose cells add up to a total shown with it
    (secret step 2, percentages, total row); otherwise cells are independent counts
    (trends, funnel stages). `exact`: totals of the whole association (secret step 3).
    `proteges`: indexes never masked as secondary (given away by another breakdown).
    `forme`: how values read: "nombre", "heures" or "pourcentage".
    """

    identifiant: str
    titre: str
    nature: Nature
    etiquettes: tuple[str, ...]
    series: tuple[Serie, ...]
    repartition: bool = True
    exact: bool = False
    graphique: bool = True
    definition: str = ""
    unite: str = "personnes"
    proteges: frozenset[int] = frozenset()
    forme: str = "nombre"
    textes: tuple[tuple[str, ...], ...] | None = None  # cell texts overriding the numbers


def _tableau_repartition(
    identifiant: str,
    titre: str,
    comptes: Mapping[str, int],
    choix: Sequence[tuple[str, str]],
    *,
    nature: Nature = "barres_horizontales",
    definition: str = "",
    ordonner: bool = False,
    proteges: Iterable[str] = (),
) -> Tableau:
    """A one-series breakdown over `choix` (codes and labels), NR last; with `ordonner`,
    the codes met are added and sorted by count (open lists)."""
    codes = [code for code, _ in choix if code != NR]
    libelles = dict(choix)
    if ordonner:
        codes += [c for c in comptes if c not in codes and c != NR]
        codes.sort(key=lambda c: (-comptes.get(c, 0), libelles.get(c, c).casefold()))
    codes.append(NR)
    libelles.setdefault(NR, NON_RENSEIGNE)
    proteges = set(proteges)
    return Tableau(
        identifiant=identifiant,
        titre=titre,
        nature=nature,
        etiquettes=tuple(libelles.get(c, c) for c in codes),
        series=(Serie("Effectif", tuple(comptes.get(c, 0) for c in codes)),),
        definition=definition,
        proteges=frozenset(i for i, c in enumerate(codes) if c in proteges),
    )


# --- Board dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class TableauDeBord:
    filtres: Filtres
    tableaux: dict[str, Tableau]
    annees: tuple[int, ...] = ()
    # The direction's extras (empty on the board's).
    listes: dict[str, ListeDossiers] = field(default_factory=dict)
    qualite: Tableau | None = None


def _annees_suivies() -> list[int]:
    """Years with at least one reception, oldest first. One query."""
    return sorted(
        a
        for a in Dossier.objects.filter(date_accueil__isnull=False)
        .order_by()
        .values_list(ExtractYear("date_accueil"), flat=True)
        .distinct()
        if a is not None
    )


def annees_disponibles() -> tuple[list[int], int]:
    """The years a dashboard can show (every year with receptions, and this year), newest
    first, and the one shown by default: the latest with receptions. One query."""
    suivies = _annees_suivies()
    cette_annee = timezone.localdate().year
    annees = sorted({*suivies, cette_annee}, reverse=True)
    return annees, (suivies[-1] if suivies else cette_annee)


def _profil(filtres: Filtres) -> dict:
    """The year's receptions under the filters: total and every closed question of the
    reception (stats' list), month and QPV: stats.profil_des_accueils' two queries (one of
    conditional counts, one by month), added up over the dispositifs. At network scale
    that is 60-70 ms where one GROUP BY per question (ten queries, each joining the
    porteurs) took 200-240 ms."""
    resultat: dict = defaultdict(lambda: defaultdict(int), total=0)
    for profil in profil_des_accueils(filtres.annee, filtres.dossiers()).values():
        for cle, comptes in profil.items():
            if cle == "total":
                resultat["total"] += comptes
            elif cle != "par_situation_genre":
                for code, n in comptes.items():
                    resultat[cle][code] += n
    return resultat


def _par_epci(filtres: Filtres) -> tuple[dict[str, int], dict[str, str], set[str]]:
    """Receptions of the year by EPCI of the snapshot: counts, labels, and the EPCI split
    into territoires de gouvernance. One query."""
    debut, fin = bornes_annee(filtres.annee)
    comptes: dict[str, int] = defaultdict(int)
    libelles: dict[str, str] = {}
    decoupes: set[str] = set()
    for ligne in (
        Dossier.objects.filter(filtres.dossiers(), date_accueil__gte=debut, date_accueil__lte=fin)
        .order_by()
        .values(
            "epci_accueil__siren",
            "epci_accueil__sigle",
            "epci_accueil__nom",
            decoupe=Exists(
                EPCI.objects.filter(pk=OuterRef("epci_accueil"), territoires__isnull=False)
            ),
        )
        .annotate(n=Count("pk"))
    ):
        code = code_rapport(ligne["epci_accueil__siren"])
        comptes[code] += ligne["n"]
        if code != NR:
            sigle, nom = ligne["epci_accueil__sigle"], ligne["epci_accueil__nom"]
            libelles[code] = f"{nom} ({sigle})" if sigle else nom
            if ligne["decoupe"]:
                decoupes.add(code)
    return comptes, libelles, decoupes


def _par_territoire_lmcu(filtres: Filtres) -> tuple[dict[str, int], dict[str, int]]:
    """Receptions in the EPCI split into territoires de gouvernance (LMCU), by territory,
    the year before and the year. One query."""
    debut, fin = bornes_annee(filtres.annee)
    precedente: dict[str, int] = defaultdict(int)
    courante: dict[str, int] = defaultdict(int)
    decoupes = EPCI.objects.filter(territoires__isnull=False).values("pk")
    for territoire, n_prec, n_cour in (
        Dossier.objects.filter(
            filtres.dossiers(),
            epci_accueil__in=decoupes,
            date_accueil__gte=datetime.date(filtres.annee - 1, 1, 1),
            date_accueil__lte=fin,
        )
        .order_by()
        .values_list("territoire_gouvernance_accueil__nom")
        .annotate(
            precedente=Count("pk", filter=Q(date_accueil__lt=debut)),
            courante=Count("pk", filter=Q(date_accueil__gte=debut)),
        )
    ):
        precedente[code_rapport(territoire)] += n_prec
        courante[code_rapport(territoire)] += n_cour
    return precedente, courante


@dataclass(frozen=True)
class EntonnoirFiltre:
    """The funnel of the year under the filters (stats.EtapeEntonnoir's definitions)."""

    etapes: dict[str, dict[str, int]]  # phase -> report, entrees, vers_suivante, ...
    passes_maturation: int
    passes_creation: int
    sorties_par_type: dict[str, int]
    sorties_par_issue: dict[str, int]

    def actifs(self, phase: str) -> int:
        e = self.etapes[phase]
        return e["report"] + e["entrees"]

    def sorties(self, phase: str) -> int:
        e = self.etapes[phase]
        return e["vers_suivante"] + e["valorisables"] + e["non_valorisables"]

    def fin(self, phase: str) -> int:
        return self.actifs(phase) - self.sorties(phase)


def _entonnoir(filtres: Filtres) -> EntonnoirFiltre:
    """stats.entonnoirs' counts for the dossiers under the filters (the same query,
    stats.comptes_entonnoir), grouped by phase instead of dispositif."""
    lignes, lignes_sorties = comptes_entonnoir(filtres.annee, dossiers=filtres.dossiers())
    vide = dict.fromkeys(
        COMPTES_ENTONNOIR,
        0,
    )
    etapes = {phase: dict(vide) for phase in PHASES_ENTONNOIR}
    for ligne in lignes:
        etapes[ligne["phase"]].update({cle: ligne[cle] for cle in vide})

    par_type: dict[str, int] = defaultdict(int)
    par_issue: dict[str, int] = defaultdict(int)
    for type_sortie, issue, n in lignes_sorties:
        par_type[code_rapport(type_sortie)] += n
        par_issue[code_rapport(issue)] += n
    accueil = etapes[Phase.ACCUEIL]
    return EntonnoirFiltre(
        etapes=etapes,
        passes_maturation=accueil["passes_maturation"],
        passes_creation=accueil["passes_creation"],
        sorties_par_type=dict(par_type),
        sorties_par_issue=dict(par_issue),
    )


@dataclass(frozen=True)
class ParAnnee:
    """Yearly totals under the filters, every year with data (the trends)."""

    annees: tuple[int, ...]
    accueils: dict[int, int]
    entrees: dict[tuple[int, str], int]  # (year, phase) -> entries
    emplois: dict[int, int]  # jobs of the dossiers entering création that year
    accompagnements: dict[int, int]
    stagiaires: dict[int, int]


def _par_annee(filtres: Filtres, annees_suivies: Sequence[int]) -> ParAnnee:
    """Two queries: the dossiers counted by the years of their path, and the trainees.

    The first groups the received dossiers by the year each phase was entered (from the
    dossier's path cache, a few hundred groups), and the receptions, the phase entries,
    the jobs and the accompaniments of every year are added up here: the phase changes
    grouped by year and joined to their dossier for the jobs took 130 ms at network scale,
    and the receptions and the accompaniments two more queries."""
    accueils: dict[int, int] = defaultdict(int)
    entrees: dict[tuple[int, str], int] = defaultdict(int)
    emplois: dict[int, int] = defaultdict(int)
    groupes = list(
        Dossier.objects.filter(filtres.dossiers(), date_accueil__isnull=False)
        .order_by()
        .values_list(*(ExtractYear(champ) for _, champ in DATES_DU_PARCOURS))
        # Columns of dossier_parcours_idx only (not the id): read from the index alone.
        .annotate(n=Count("dispositif"), emplois=Sum("emplois_crees"))
    )
    for *annees_du_parcours, n, e in groupes:
        for (phase, _), a in zip(DATES_DU_PARCOURS, annees_du_parcours, strict=True):
            if a is not None:
                entrees[(a, phase)] += n
        accueils[annees_du_parcours[0]] += n
        creation = annees_du_parcours[2]
        if creation is not None:
            emplois[creation] += e or 0
    # Every year from the first with data to the year shown (and the one before it).
    connues = set(annees_suivies) | set(accueils) | {a for a, _ in entrees}
    premiere = min(connues, default=filtres.annee)
    annees = tuple(range(min(premiere, filtres.annee - 1), filtres.annee + 1))

    # stats.accompagnements' definition: in création or post-création at some time of y,
    # i.e. entered création on or before 31/12/y and not gone before 1/1/y: whole years.
    accompagnements = dict.fromkeys(annees, 0)
    for _, _, creation, _, sortie, n, _ in groupes:
        if creation is None:
            continue
        for a in annees:
            if creation <= a and (sortie is None or sortie >= a):
                accompagnements[a] += n
    # formations.stats' definition: confirmed enrolments of the sessions ending in the year.
    stagiaires = dict(
        Inscription.objects.confirmees()
        .order_by()
        .values_list(ExtractYear("session__date_fin"))
        .annotate(n=Count("pk"))
    )
    return ParAnnee(
        annees=annees,
        accueils=dict(accueils),
        entrees=dict(entrees),
        emplois=dict(emplois),
        accompagnements=accompagnements,
        stagiaires=stagiaires,
    )


_INDICATEURS: tuple[tuple[str, str], ...] = (
    ("accueils", "Projets accueillis"),
    ("maturation", "Entrées en maturation"),
    ("creation", "Entrées en création (conventions d'accompagnement)"),
    ("post_creation", "Entrées en suivi post-création"),
    ("sorties", "Sorties de l'accompagnement"),
    ("accompagnements", "Accompagnements (création ou post-création dans l'année)"),
    ("emplois", "Emplois créés (dossiers entrés en création dans l'année)"),
    ("stagiaires", "Stagiaires ADVA (toute l'association)"),
)


def _indicateur(par_annee: ParAnnee, cle: str, a: int) -> int:
    if cle == "accueils":
        return par_annee.accueils.get(a, 0)
    if cle in ("maturation", "creation", "post_creation"):
        return par_annee.entrees.get((a, cle), 0)
    if cle == "sorties":
        return par_annee.entrees.get((a, Phase.SORTIE), 0)
    if cle == "accompagnements":
        return par_annee.accompagnements.get(a, 0)
    if cle == "emplois":
        return par_annee.emplois.get(a, 0)
    return par_annee.stagiaires.get(a, 0)


def tableau_conseil(filtres: Filtres) -> TableauDeBord:
    """Every figure of the board's dashboard, exact (publier applies the secret).
    QUERIES_CONSEIL queries."""
    return _conseil(filtres)[0]


def _conseil(filtres: Filtres) -> tuple[TableauDeBord, EntonnoirFiltre]:
    annee = filtres.annee
    annees_suivies = _annees_suivies()
    profil = _profil(filtres)
    epci, libelles_epci, decoupes = _par_epci(filtres)
    lmcu_precedente, lmcu = _par_territoire_lmcu(filtres)
    entonnoir = _entonnoir(filtres)
    par_annee = _par_annee(filtres, annees_suivies)
    exact = filtres.association_entiere
    tableaux: list[Tableau] = []

    # Key figures: the year beside the one before.
    tableaux.append(
        Tableau(
            identifiant="chiffres-cles",
            titre=f"Chiffres clés {annee} et {annee - 1}",
            nature="barres_groupees",
            etiquettes=tuple(libelle for _, libelle in _INDICATEURS),
            series=tuple(
                Serie(str(a), tuple(_indicateur(par_annee, cle, a) for cle, _ in _INDICATEURS))
                for a in (annee - 1, annee)
            ),
            repartition=False,
            exact=exact,
            graphique=False,
            definition=(
                f"{DEFINITIONS['accueils.total'].texte} Les stagiaires ADVA sont ceux de "
                "toute l'association (inscriptions confirmées aux sessions terminées dans "
                "l'année) : les filtres de dispositif et de territoire ne s'y appliquent pas."
            ),
        )
    )
    # Trends over every year with data.
    annees = par_annee.annees
    tableaux.append(
        Tableau(
            identifiant="evolution",
            titre="Évolution depuis la première année suivie",
            nature="barres_groupees",
            etiquettes=tuple(str(a) for a in annees),
            series=tuple(
                Serie(libelle, tuple(_indicateur(par_annee, cle, a) for a in annees))
                for cle, libelle in _INDICATEURS
                if cle in ("accueils", "creation", "accompagnements", "sorties")
            ),
            repartition=False,
            exact=exact,
            definition="Chaque année civile, avec les définitions des chiffres clés.",
            unite="dossiers",
        )
    )
    # The funnel.
    phases = [Phase(p) for p in PHASES_ENTONNOIR]
    tableaux.append(
        Tableau(
            identifiant="entonnoir",
            titre=f"Parcours d'accompagnement {annee} : dossiers actifs dans l'année par phase",
            nature="entonnoir",
            etiquettes=tuple(p.label for p in phases),
            series=(Serie("Dossiers actifs", tuple(entonnoir.actifs(p) for p in phases)),),
            repartition=False,
            exact=exact,
            definition=DEFINITIONS["entonnoir.actifs"].texte,
            unite="dossiers",
        )
    )
    tableaux.append(
        Tableau(
            identifiant="devenir-accueillis",
            titre=f"Devenir dans l'année des projets accueillis en {annee}",
            nature="entonnoir",
            etiquettes=("accueillis", "passés en maturation", "passés en création"),
            series=(
                Serie(
                    "Dossiers",
                    (
                        entonnoir.etapes[Phase.ACCUEIL]["entrees"],
                        entonnoir.passes_maturation,
                        entonnoir.passes_creation,
                    ),
                ),
            ),
            repartition=False,
            exact=exact,
            definition=(
                "Projets accueillis dans l'année, et parmi eux ceux passés en maturation, "
                "puis en création, au plus tard le 31 décembre."
            ),
            unite="dossiers",
        )
    )
    tableaux.append(
        _tableau_repartition(
            "sorties-par-issue",
            f"Sorties {annee} par issue",
            entonnoir.sorties_par_issue,
            ChangementPhase.Issue.choices,
            definition=DEFINITIONS["sorties.par_issue"].texte,
        )
    )
    tableaux.append(
        _tableau_repartition(
            "sorties-par-type",
            f"Sorties {annee} par type",
            entonnoir.sorties_par_type,
            ChangementPhase.TypeSortie.choices,
            nature="barres",
            definition=DEFINITIONS["sorties.par_type"].texte,
        )
    )
    # Breakdowns of the year's receptions.
    questions = {cle: choix for cle, _, choix in QUESTIONS_FERMEES}
    for cle, identifiant, nature in (
        ("par_genre", "accueils-par-genre", "barres"),
        ("par_tranche_age", "accueils-par-age", "barres"),
        ("par_situation", "accueils-par-situation", "barres_horizontales"),
        ("par_qualification", "accueils-par-qualification", "barres_horizontales"),
        ("par_revenu", "accueils-par-revenu", "barres_horizontales"),
        ("par_stade", "accueils-par-stade", "barres_horizontales"),
        ("par_projet_collectif", "accueils-par-projet-collectif", "barres"),
        ("par_secteur", "accueils-par-secteur", "barres_horizontales"),
    ):
        definition = DEFINITIONS[f"accueils.{cle}"]
        tableaux.append(
            _tableau_repartition(
                identifiant,
                f"{definition.libelle} ({annee})",
                profil[cle],
                questions[cle],
                nature=nature,
                definition=definition.texte,
            )
        )
    tableaux.append(
        _tableau_repartition(
            "accueils-par-mois",
            f"Accueils par mois ({annee})",
            profil["par_mois"],
            MOIS,
            nature="barres",
            definition=DEFINITIONS["accueils.par_mois"].texte,
        )
    )
    tableaux.append(
        _tableau_repartition(
            "accueils-par-qpv",
            f"Accueils issus d'un quartier prioritaire ({annee})",
            profil["par_qpv"],
            OUI_NON,
            nature="barres",
            definition=DEFINITIONS["accueils.par_qpv"].texte,
        )
    )
    tableaux.append(
        _tableau_repartition(
            "accueils-par-epci",
            f"Accueils par EPCI ({annee})",
            epci,
            list(libelles_epci.items()),
            ordonner=True,
            definition=DEFINITIONS["accueils.par_epci"].texte,
            # The LMCU line is the total of the next breakdown: it gives itself away.
            proteges=decoupes,
        )
    )
    territoires = sorted((set(lmcu) | set(lmcu_precedente)) - {NR}, key=str.casefold)
    codes = [*territoires, NR]
    tableaux.append(
        Tableau(
            identifiant="accueils-par-territoire-lmcu",
            titre=f"Accueils de la métropole lilloise par territoire ({annee - 1} et {annee})",
            nature="barres_groupees",
            etiquettes=tuple(NON_RENSEIGNE if c == NR else c for c in codes),
            series=(
                Serie(str(annee - 1), tuple(lmcu_precedente.get(c, 0) for c in codes)),
                Serie(str(annee), tuple(lmcu.get(c, 0) for c in codes)),
            ),
            definition=DEFINITIONS["accueils.par_territoire_lmcu"].texte,
        )
    )
    tableau = TableauDeBord(
        filtres=filtres,
        tableaux={t.identifiant: t for t in tableaux},
        annees=tuple(annees_suivies),
    )
    return tableau, entonnoir


# annees 1, profil 2, EPCI 1, LMCU 1, funnel 1, yearly totals 2.
QUERIES_CONSEIL = 8


# --- Direction dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class LigneDossier:
    reference: str
    porteur: str
    phase: str
    referent: str
    date: datetime.date | None  # the date the list is about (last appointment, entry...)


@dataclass(frozen=True)
class ListeDossiers:
    titre: str
    explication: str
    nombre: int
    lignes: tuple[LigneDossier, ...]
    libelle_date: str


def _nom(prenom: str | None, nom: str | None, defaut: str = NON_RENSEIGNE) -> str:
    return f"{prenom or ''} {nom or ''}".strip() or defaut


def _liste(qs, titre: str, explication: str, libelle_date: str, champ_date: str):
    """A list of dossiers: its exact count and its first LIGNES_LISTE rows. Two queries.

    The rows are read for the first LIGNES_LISTE dossiers only (`pk IN (... LIMIT)`): the
    porteur's and the référent's names joined onto every matching dossier before the sort
    cost 40 ms of the 110 of the longest list at a network's scale (16 900 dossiers)."""
    nombre = qs.count()
    premiers = qs.values("pk")[:LIGNES_LISTE]
    lignes = tuple(
        LigneDossier(
            reference=ligne["reference"],
            porteur=_nom(ligne["porteur__prenom"], ligne["porteur__nom"]),
            phase=Phase(ligne["phase"]).label if ligne["phase"] else "",
            referent=_nom(ligne["referent__first_name"], ligne["referent__last_name"], "—"),
            date=ligne[champ_date],
        )
        for ligne in qs.filter(pk__in=premiers).values(
            "reference",
            "porteur__prenom",
            "porteur__nom",
            "phase",
            "referent__first_name",
            "referent__last_name",
            champ_date,
        )[:LIGNES_LISTE]
    )
    return ListeDossiers(titre, explication, nombre, lignes, libelle_date)


_CHAMPS_QUALITE: tuple[tuple[str, str, Q, bool], ...] = (
    # (key, label, "non renseigné" condition on the dossier, persons only)
    ("genre", "genre", Q(dossier__porteur__genre=NR_MODELE), True),
    ("naissance", "date de naissance", Q(dossier__porteur__date_naissance__isnull=True), True),
    (
        "situation",
        "situation professionnelle",
        Q(dossier__porteur__situation_professionnelle=NR_MODELE),
        True,
    ),
    (
        "qualification",
        "niveau de qualification",
        Q(dossier__porteur__niveau_qualification=NR_MODELE),
        True,
    ),
    ("revenu", "revenu", Q(dossier__porteur__revenu=NR_MODELE), True),
    ("commune", "commune", Q(dossier__commune_accueil__isnull=True), False),
    ("qpv", "quartier prioritaire", Q(dossier__qpv_accueil__isnull=True), False),
    ("prescripteur", "prescripteur", Q(dossier__prescripteur__isnull=True), False),
    ("stade", "stade au premier accueil", Q(dossier__stade_premier_accueil=NR_MODELE), False),
    ("collectif", "projet collectif", Q(dossier__projet_collectif=NR_MODELE), False),
    ("secteur", "secteur d'activité", Q(dossier__secteur=NR_MODELE), False),
)


def _qualite(filtres: Filtres) -> Tableau:
    """Share of "non renseigné" per reception question and staff member (who held the
    accueil appointment, else the dossier's référent), over the year's receptions. The
    person questions are counted over persons only (an association has no gender). One
    query."""
    debut, fin = bornes_annee(filtres.annee)
    personne = Q(dossier__porteur__type_porteur=Porteur.TypePorteur.PERSONNE)
    comptes = {"total": Count("pk"), "personnes": Count("pk", filter=personne)}
    for cle, _, condition, personnes in _CHAMPS_QUALITE:
        comptes[f"nr_{cle}"] = Count("pk", filter=condition & personne if personnes else condition)
    lignes = list(
        ChangementPhase.objects.filter(
            filtres.dossiers("dossier__"), phase=Phase.ACCUEIL, date__gte=debut, date__lte=fin
        )
        .order_by()
        .values(
            charge=Coalesce("rendez_vous__charge__username", "dossier__referent__username"),
            prenom=Coalesce("rendez_vous__charge__first_name", "dossier__referent__first_name"),
            nom=Coalesce("rendez_vous__charge__last_name", "dossier__referent__last_name"),
        )
        .annotate(**comptes)
    )
    lignes.sort(key=lambda ligne: (ligne["charge"] is None, _nom(ligne["prenom"], ligne["nom"])))
    # Zeros when the year has no reception yet (this year, in January): the team's line
    # is still there.
    ensemble: dict[str, int] = dict.fromkeys(comptes, 0)
    for ligne in lignes:
        for cle, n in ligne.items():
            if isinstance(n, int):
                ensemble[cle] += n
    lignes.append({**ensemble, "charge": "", "prenom": "Toute l'équipe", "nom": ""})

    def part(ligne: dict, cle: str, personnes: bool) -> tuple[float, str]:
        base = ligne["personnes"] if personnes else ligne["total"]
        n = ligne[f"nr_{cle}"]
        if not base:
            return 0.0, INCONNU
        pourcentage = 100 * n / base
        return pourcentage, f"{format_pourcentage(pourcentage)} ({n}/{base})"

    etiquettes = tuple(
        _nom(ligne["prenom"], ligne["nom"], "sans chargé(e) ni référent(e)")
        + (f" — {ligne['total']} accueils" if ligne["total"] else "")
        for ligne in lignes
    )
    series, textes = [], []
    for cle, libelle, _, personnes in _CHAMPS_QUALITE:
        valeurs = [part(ligne, cle, personnes) for ligne in lignes]
        series.append(Serie(libelle, tuple(v for v, _ in valeurs)))
        textes.append(tuple(t for _, t in valeurs))
    return Tableau(
        identifiant="qualite-non-renseigne",
        titre=f"Part de « non renseigné » par question et par salarié(e) ({filtres.annee})",
        nature="barres_groupees",
        etiquettes=etiquettes,
        series=tuple(series),
        repartition=False,
        exact=True,
        graphique=False,
        unite="%",
        forme="pourcentage",
        textes=tuple(textes),
        definition=(
            "Accueils de l'année, attribués à la personne qui a tenu le rendez-vous "
            "d'accueil (à défaut, au référent du dossier). Genre, date de naissance, "
            "situation, qualification et revenu : sur les personnes physiques seulement."
        ),
    )


def _travail_equipe(filtres: Filtres) -> list[Tableau]:
    """Held appointments of the year per staff member and per place, and time per
    dispositif. One query: the year's held appointments grouped by all three at once and
    added up here (three queries over the same rows took 100 ms at a network's scale, this
    one 75)."""
    debut, fin = bornes_annee(filtres.annee)
    groupes = (
        RendezVous.objects.realises()
        .filter(filtres.dossiers("dossier__"), date__gte=debut, date__lte=fin)
        .order_by()
        .values_list(
            "charge__username",
            "charge__first_name",
            "charge__last_name",
            "lieu",
            "point_accueil__nom",
            "point_accueil__commune__nom",
            "dossier__dispositif",
        )
        .annotate(n=Count("pk"), m=Sum("duree_minutes"))
    )
    par_charge: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    lieux: dict[str, int] = defaultdict(int)
    minutes: dict[str, int] = defaultdict(int)
    for username, prenom, nom, lieu, point, commune, dispositif, n, m in groupes:
        charge = par_charge[(username, prenom, nom)]
        charge[0] += n
        charge[1] += m or 0
        libelle = RendezVous.Lieu(lieu).label if lieu in RendezVous.Lieu.values else lieu
        if point:
            libelle = f"{point} ({commune})"
        lieux[libelle] += n
        minutes[dispositif] += m or 0
    ordre_charges = sorted(par_charge, key=lambda c: (-par_charge[c][0], c[0]))
    noms = tuple(_nom(prenom, nom, username) for username, prenom, nom in ordre_charges)
    ordre_lieux = sorted(lieux, key=lambda c: (-lieux[c], c.casefold()))
    dispositifs = Dossier.Dispositif.choices
    return [
        Tableau(
            identifiant="rendez-vous-par-salarie",
            titre=f"Rendez-vous réalisés par salarié(e) ({filtres.annee})",
            nature="barres_horizontales",
            etiquettes=noms,
            series=(
                Serie("Rendez-vous", tuple(par_charge[c][0] for c in ordre_charges)),
                Serie(
                    "Heures",
                    tuple(round(par_charge[c][1] / 60, 1) for c in ordre_charges),
                ),
            ),
            repartition=False,
            exact=True,
            unite="rendez-vous et heures",
            definition="Rendez-vous au statut « réalisé » datés de l'année, durée saisie.",
        ),
        Tableau(
            identifiant="rendez-vous-par-lieu",
            titre=f"Rendez-vous réalisés par lieu ({filtres.annee})",
            nature="barres_horizontales",
            etiquettes=tuple(ordre_lieux),
            series=(Serie("Rendez-vous", tuple(lieux[c] for c in ordre_lieux)),),
            exact=True,
            unite="rendez-vous",
            definition="Rendez-vous réalisés de l'année, par lieu (point d'accueil nommé).",
        ),
        Tableau(
            identifiant="temps-par-dispositif",
            titre=f"Temps passé en rendez-vous par dispositif ({filtres.annee})",
            nature="barres",
            etiquettes=tuple(libelle for _, libelle in dispositifs),
            series=(
                Serie(
                    "Heures",
                    tuple(round((minutes.get(code) or 0) / 60, 1) for code, _ in dispositifs),
                ),
            ),
            exact=True,
            unite="heures",
            forme="heures",
            definition="Somme des durées des rendez-vous réalisés de l'année, en heures.",
        ),
    ]


def _a_relancer(filtres: Filtres, aujourd_hui: datetime.date) -> dict[str, ListeDossiers]:
    """Dossiers the direction should look at today, under the dispositif and territory
    filters (not the year: these are about now). Six queries."""
    en_cours = Dossier.objects.filter(filtres.dossiers()).filter(
        phase__in=[Phase.ACCUEIL, Phase.MATURATION, Phase.CREATION, Phase.POST_CREATION]
    )
    realises = RendezVous.objects.realises().filter(dossier=OuterRef("pk")).order_by()
    limite = aujourd_hui - datetime.timedelta(days=JOURS_SANS_RENDEZ_VOUS)
    sans_nouvelles = (
        en_cours.annotate(
            # The latest held appointment's date, read backwards from the partial index
            # rdv_realises_dossier_idx (one index entry per dossier).
            dernier=Subquery(realises.order_by("-date").values("date")[:1])
        )
        .filter(Q(dernier__lt=limite) | Q(dernier__isnull=True, date_accueil__lt=limite))
        # A dossier with an appointment planned is not forgotten.
        .exclude(
            Exists(
                RendezVous.objects.filter(
                    dossier=OuterRef("pk"),
                    statut=RendezVous.Statut.PREVU,
                    date__gte=aujourd_hui,
                )
            )
        )
        .annotate(depuis=Coalesce("dernier", "date_accueil"))
        .order_by(F("depuis").asc(nulls_first=True), "reference")
    )
    nombre_realises = Subquery(
        realises.values("dossier").annotate(c=Count("pk")).values("c")[:1],
        output_field=IntegerField(),
    )
    accueil_a_deux = (
        en_cours.filter(phase=Phase.ACCUEIL)
        .annotate(nb=Coalesce(nombre_realises, Value(0)))
        .filter(nb__gte=2)
        .annotate(depuis=F("date_accueil"))
        .order_by("date_accueil", "reference")
    )
    maturation_longue = (
        en_cours.filter(phase=Phase.MATURATION)
        .annotate(depuis=F("date_maturation"))
        .filter(depuis__lt=aujourd_hui - datetime.timedelta(days=JOURS_MATURATION))
        .order_by("depuis", "reference")
    )
    return {
        "sans-rendez-vous": _liste(
            sans_nouvelles,
            "Dossiers sans rendez-vous depuis six mois",
            f"Dossiers en cours (accueil à post-création) dont le dernier rendez-vous réalisé "
            f"date d'avant le {limite:%d/%m/%Y} (ou sans rendez-vous, accueillis avant), "
            "et sans rendez-vous prévu.",
            "dernier rendez-vous",
            "depuis",
        ),
        "accueil-deux-rendez-vous": _liste(
            accueil_a_deux,
            "En accueil avec deux rendez-vous réalisés",
            "Le deuxième rendez-vous réalisé fait passer en maturation : ces dossiers "
            "attendent un changement de phase (saisie ou reprise de données).",
            "accueil le",
            "depuis",
        ),
        "maturation-longue": _liste(
            maturation_longue,
            "En maturation depuis plus d'un an",
            "Entrés en maturation il y a plus d'un an : création, ou sortie, à décider.",
            "en maturation depuis",
            "depuis",
        ),
    }


def tableau_direction(filtres: Filtres, aujourd_hui: datetime.date | None = None) -> TableauDeBord:
    """The board's figures plus the team's work, the dossiers waiting and the data
    quality. QUERIES_DIRECTION queries."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    conseil, entonnoir = _conseil(filtres)
    tableaux = dict(conseil.tableaux)
    entonnoir_detail = _entonnoir_detail(entonnoir, filtres.annee)
    tableaux[entonnoir_detail.identifiant] = entonnoir_detail
    for t in _travail_equipe(filtres):
        tableaux[t.identifiant] = t
    qualite = _qualite(filtres)
    tableaux[qualite.identifiant] = qualite
    return replace(
        conseil, tableaux=tableaux, listes=_a_relancer(filtres, aujourd_hui), qualite=qualite
    )


def _entonnoir_detail(e: EntonnoirFiltre, annee: int) -> Tableau:
    """The funnel table of section 1.5.1 (carried over, entered, active, left, end) for the
    direction."""
    phases = [Phase(p) for p in PHASES_ENTONNOIR]
    colonnes = (
        ("report", "Report de l'année précédente", lambda p: e.etapes[p]["report"]),
        ("entrees", "Entrées", lambda p: e.etapes[p]["entrees"]),
        ("actifs", "Actifs dans l'année", e.actifs),
        ("sorties", "Sorties de la phase", e.sorties),
        ("fin", "Au 31 décembre", e.fin),
    )
    return Tableau(
        identifiant="entonnoir-detail",
        titre=f"Entonnoir {annee} : report, entrées, sorties par phase",
        nature="barres_groupees",
        etiquettes=tuple(p.label for p in phases),
        series=tuple(Serie(libelle, tuple(f(p) for p in phases)) for _, libelle, f in colonnes),
        repartition=False,
        exact=True,
        unite="dossiers",
        definition=" ".join(
            DEFINITIONS[f"entonnoir.{cle}"].texte
            for cle in ("report", "entrees", "actifs", "sorties", "fin")
        ),
    )


# conseil + team's work 1 + data quality 1 + lists 6.
QUERIES_DIRECTION = QUERIES_CONSEIL + 8


# --- Map of the points d'accueil -------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    nom: str
    nature: str
    adresse: str
    commune: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Carte:
    filtres: Filtres
    points: tuple[Point, ...]
    accueils_par_commune: Tableau
    # code INSEE -> (name, latitude, longitude) for the communes of the breakdown.
    coordonnees: dict[str, tuple[float, float]]
    codes_communes: tuple[str, ...]


def carte(filtres: Filtres, aujourd_hui: datetime.date | None = None) -> Carte:
    """Every active point d'accueil, and the year's receptions by commune of the
    snapshot, with coordinates. Two queries."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    points = tuple(
        Point(
            nom=p["nom"],
            nature=PointAccueil.Nature(p["nature"]).label
            if p["nature"] in PointAccueil.Nature.values
            else p["nature"],
            adresse=p["adresse"],
            commune=p["commune__nom"],
            latitude=_flottant(p["latitude"]) or _flottant(p["commune__latitude"]),
            longitude=_flottant(p["longitude"]) or _flottant(p["commune__longitude"]),
        )
        for p in PointAccueil.objects.actifs(aujourd_hui)
        .order_by("commune__nom", "nom")
        .values(
            "nom",
            "nature",
            "adresse",
            "commune__nom",
            "latitude",
            "longitude",
            "commune__latitude",
            "commune__longitude",
        )
    )
    debut, fin = bornes_annee(filtres.annee)
    comptes: dict[str, int] = defaultdict(int)
    libelles: dict[str, str] = {}
    coordonnees: dict[str, tuple[float, float]] = {}
    for code, nom, lat, lon, n in (
        Dossier.objects.filter(filtres.dossiers(), date_accueil__gte=debut, date_accueil__lte=fin)
        .order_by()
        .values_list(
            "commune_accueil__code_insee",
            "commune_accueil__nom",
            "commune_accueil__latitude",
            "commune_accueil__longitude",
        )
        .annotate(n=Count("pk"))
    ):
        code = code_rapport(code)
        comptes[code] += n
        if code != NR:
            libelles[code] = nom
            if lat is not None and lon is not None:
                coordonnees[code] = (float(lat), float(lon))
    tableau = _tableau_repartition(
        "accueils-par-commune",
        f"Accueils par commune ({filtres.annee})",
        comptes,
        list(libelles.items()),
        ordonner=True,
        definition=DEFINITIONS["accueils.par_commune"].texte,
    )
    codes = [c for c in comptes if c != NR]
    codes.sort(key=lambda c: (-comptes[c], libelles[c].casefold()))
    return Carte(
        filtres=filtres,
        points=points,
        accueils_par_commune=tableau,
        coordonnees=coordonnees,
        codes_communes=(*codes, NR),
    )


def _flottant(valeur: Decimal | None) -> float | None:
    return None if valeur is None else float(valeur)


def tableau_points(c: Carte) -> Tableau:
    """The list of active points as a table (its CSV)."""
    return Tableau(
        identifiant="points-accueil",
        titre="Points d'accueil de proximité en activité",
        nature="barres",
        etiquettes=tuple(p.nom for p in c.points),
        series=(
            Serie("Commune", tuple(0 for _ in c.points)),
            Serie("Adresse", tuple(0 for _ in c.points)),
            Serie("Nature", tuple(0 for _ in c.points)),
        ),
        repartition=False,
        exact=True,
        graphique=False,
        textes=(
            tuple(p.commune for p in c.points),
            tuple(p.adresse for p in c.points),
            tuple(p.nature for p in c.points),
        ),
    )


QUERIES_CARTE = 2


# --- Publication and the secret ------------------------------------------------------------


def _sur(p: int, s: int, k: int) -> bool:
    """True when p cells « < 3 » (each 1 or 2) and s cells « ≥ 3 » adding up to k leave
    every one of them with two possible values (see the module docstring)."""
    if s == 0:
        return p >= 2 and p + 1 <= k <= 2 * p - 1
    return k >= p + 3 * s + 1


def secret_repartition(
    valeurs: Sequence[int], proteges: Iterable[int] = ()
) -> tuple[str | None, ...]:
    """The mask of one breakdown: for each cell None (shown), SOUS_LE_SEUIL,
    MASQUE_SECONDAIRE or MASQUE. Steps 1 and 2 of the module docstring."""
    total = sum(valeurs)
    if 0 < total < SEUIL:
        return tuple(SOUS_LE_SEUIL for _ in valeurs)
    masque: list[str | None] = [SOUS_LE_SEUIL if 0 < v < SEUIL else None for v in valeurs]
    p = masque.count(SOUS_LE_SEUIL)
    if not p:
        return tuple(masque)
    proteges = set(proteges)
    while True:
        s = masque.count(MASQUE_SECONDAIRE)
        k = sum(v for v, m in zip(valeurs, masque, strict=True) if m)
        if _sur(p, s, k):
            return tuple(masque)
        # Smallest counts first; among equal counts, the last line (NR, small categories).
        candidats = sorted(
            (
                i
                for i, (v, m) in enumerate(zip(valeurs, masque, strict=True))
                if m is None and v >= SEUIL and i not in proteges
            ),
            key=lambda i: (valeurs[i], -i),
        )
        if not candidats:
            # Nothing left to hide behind: the whole breakdown is masked, zeros included,
            # without the bounds that let a reader solve it.
            return tuple(None if i in proteges else MASQUE for i in range(len(valeurs)))
        suffisants = [i for i in candidats if _sur(p, s + 1, k + valeurs[i])]
        masque[suffisants[0] if suffisants else candidats[-1]] = MASQUE_SECONDAIRE


@dataclass(frozen=True)
class Case:
    """One cell as shown: `valeur` is None when masked (the exact count is not kept)."""

    valeur: int | float | None
    texte: str
    part: str = ""

    @property
    def masquee(self) -> bool:
        return self.valeur is None


@dataclass(frozen=True)
class SeriePubliee:
    nom: str
    cases: tuple[Case, ...]
    total: Case | None


@dataclass(frozen=True)
class TableauPublie:
    """A Tableau as a page shows it: texts, and numbers only where they may be shown."""

    identifiant: str
    titre: str
    nature: Nature
    etiquettes: tuple[str, ...]
    series: tuple[SeriePubliee, ...]
    repartition: bool
    graphique: bool
    definition: str
    unite: str
    secret: bool  # the secret was applied

    @property
    def masque(self) -> bool:
        return any(c.masquee for s in self.series for c in s.cases)

    @property
    def avec_parts(self) -> bool:
        return self.repartition and len(self.series) == 1

    @property
    def lignes(self) -> list[tuple[str, list[Case]]]:
        return [
            (etiquette, [s.cases[i] for s in self.series])
            for i, etiquette in enumerate(self.etiquettes)
        ]

    @property
    def totaux(self) -> list[Case] | None:
        if not self.repartition:
            return None
        return [s.total or Case(None, INCONNU) for s in self.series]


def _texte(valeur: int | float, forme: str) -> str:
    if forme == "pourcentage":
        return format_pourcentage(valeur)
    if forme == "heures" and valeur != int(valeur):
        return f"{valeur:.1f}".replace(".", ",")
    return format_nombre(valeur)


def publier(t: Tableau, secret: bool) -> TableauPublie:
    """The shown form of `t`, with the secret when `secret` (and `t` is not a total of
    the whole association)."""
    applique = secret and not t.exact
    series = []
    for j, serie in enumerate(t.series):
        valeurs = serie.valeurs
        if not applique:
            masque: tuple[str | None, ...] = tuple(None for _ in valeurs)
        elif t.repartition:
            masque = secret_repartition(valeurs, t.proteges)
        else:
            masque = tuple(SOUS_LE_SEUIL if 0 < v < SEUIL else None for v in valeurs)
        total = sum(valeurs)
        cases = []
        for i, (v, m) in enumerate(zip(valeurs, masque, strict=True)):
            if m:
                cases.append(Case(None, m, INCONNU))
                continue
            texte = t.textes[j][i] if t.textes else _texte(v, t.forme)
            part = ""
            if t.repartition:
                part = format_pourcentage(100 * v / total) if total else INCONNU
            cases.append(Case(v, texte, part))
        total_case = None
        if t.repartition:
            if applique and 0 < total < SEUIL:
                total_case = Case(None, SOUS_LE_SEUIL, INCONNU)
            else:
                total_case = Case(total, _texte(total, t.forme), format_pourcentage(100))
        series.append(SeriePubliee(serie.nom, tuple(cases), total_case))
    return TableauPublie(
        identifiant=t.identifiant,
        titre=t.titre,
        nature=t.nature,
        etiquettes=t.etiquettes,
        series=tuple(series),
        repartition=t.repartition,
        graphique=t.graphique,
        definition=t.definition,
        unite=t.unite,
        secret=applique,
    )


def _graphique(t: TableauPublie, masquee: float = 0) -> Graphique:
    """The chart of a published table; a masked cell is drawn as `masquee`."""
    return Graphique(
        identifiant=t.identifiant,
        titre=t.titre,
        nature=t.nature,
        etiquettes=t.etiquettes,
        series=tuple(
            Serie(s.nom, tuple(masquee if c.masquee else c.valeur for c in s.cases))
            for s in t.series
        ),
        unite=t.unite,
        definition=t.definition,
        avec_total=t.repartition,
    )


def gabarit_plotly() -> dict:
    """The layout template of every figure (charts.gabarit_plotly, 7 kB of JSON): sent
    once per page and put back by static/js/tableaux.js, instead of once per chart."""
    return charts.gabarit_plotly()


@lru_cache(maxsize=512)
def figure(t: TableauPublie) -> dict:
    """The plotly figure (rapports.charts.figure_plotly) without its template (see
    gabarit_plotly), a masked cell drawn empty with its text « < 3 » / « ≥ 3 »; a funnel's
    percentages of the first stage only when that stage is shown.

    Cached by the published table, since the same filters are asked again and again;
    the dict is shared: do not modify it.
    """
    fig = charts.figure_plotly(_graphique(t), avec_gabarit=False)
    if t.nature == "entonnoir":
        cases = t.series[0].cases
        premier = cases[0].valeur if cases else None
        fig["data"][0]["text"] = [
            c.texte
            if c.masquee or not premier
            else f"{c.texte} ({format_pourcentage(100 * c.valeur / premier)})"
            for c in cases
        ]
    else:
        for trace, serie in zip(fig["data"], t.series, strict=True):
            trace["text"] = [c.texte for c in serie.cases]
    # The site's own figures need no plotly logo, and PNG downloads get a useful name.
    fig["config"] = {
        "displaylogo": False,
        "responsive": True,
        "toImageButtonOptions": {"format": "png", "filename": t.identifiant, "scale": 2},
        "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    }
    return fig


# A masked cell drawn with this value leaves a zero-sized rect just before its value text
# in charts.svg: the mark that lets us write « < 3 » there instead of "0".
_EPSILON = 1e-9
_MARQUE = re.compile(r'<rect [^>]*?(?:width|height)="0"[^>]*/>(<text [^>]*>)0</text>')


def graphique_svg(t: TableauPublie) -> str:
    """The chart as SVG (rapports.charts.svg), masked cells written « < 3 » / « ≥ 3 »."""
    if not t.masque:
        return charts.svg(_graphique(t))
    if t.nature in ("entonnoir", "camembert", "barres_empilees"):
        # Their SVG prints shares computed from every value: draw plain bars instead.
        t = replace(t, nature="barres_horizontales")
    dessin = charts.svg(_graphique(t, masquee=_EPSILON))
    textes = iter(
        c.texte
        for i in range(len(t.etiquettes))
        for s in t.series
        for c in [s.cases[i]]
        if c.masquee
    )
    dessin, remplacees = _MARQUE.subn(
        lambda m: m.group(1) + escape(next(textes)) + "</text>", dessin
    )
    if remplacees != sum(c.masquee for s in t.series for c in s.cases):
        raise RuntimeError(f"{t.identifiant} : cases masquées introuvables dans le SVG.")
    description = " ; ".join(
        f"{e} : " + ", ".join(f"{s.nom} {s.cases[i].texte}" for s in t.series)
        for i, e in enumerate(t.etiquettes)
    )
    return re.sub(r"<desc>.*?</desc>", f"<desc>{escape(description)}</desc>", dessin, count=1)


def lignes_csv(t: TableauPublie) -> list[list[str]]:
    """Header and rows of the CSV export (texts as shown, masked cells included)."""
    entete = ["", *(s.nom for s in t.series)]
    if t.avec_parts:
        entete.append("Part")
    lignes = [entete]
    for etiquette, cases in t.lignes:
        ligne = [etiquette, *(c.texte for c in cases)]
        if t.avec_parts:
            ligne.append(cases[0].part)
        lignes.append(ligne)
    if t.totaux:
        ligne = ["Total", *(c.texte for c in t.totaux)]
        if t.avec_parts:
            ligne.append(t.totaux[0].part)
        lignes.append(ligne)
    return lignes


# --- The map's figure ---------------------------------------------------------------------


def figure_carte(c: Carte, accueils: TableauPublie) -> dict:
    """Points d'accueil and receptions by commune drawn on their coordinates, without map
    tiles (none can load here): a plotly scatter whose axes keep the proportions of the
    ground around Lille (1° of latitude ≈ 1.57° of longitude)."""
    cases = dict(zip(c.codes_communes, accueils.series[0].cases, strict=True))
    libelles = dict(zip(c.codes_communes, accueils.etiquettes, strict=True))
    communes = [code for code in c.codes_communes if code in c.coordonnees]
    tailles = [
        8 if cases[code].masquee else 8 + 4 * math.sqrt(cases[code].valeur or 0)
        for code in communes
    ]
    points = [p for p in c.points if p.latitude is not None and p.longitude is not None]
    traces = [
        {
            "type": "scatter",
            "name": "Accueils de l'année par commune",
            "x": [c.coordonnees[code][1] for code in communes],
            "y": [c.coordonnees[code][0] for code in communes],
            "mode": "markers",
            "marker": {
                "size": tailles,
                "color": "rgba(0, 114, 178, 0.45)",
                "line": {"color": "#0072B2", "width": 1},
            },
            "text": [f"{libelles[code]} : {cases[code].texte}" for code in communes],
            "hovertemplate": "%{text}<extra></extra>",
        },
        {
            "type": "scatter",
            "name": "Points d'accueil de proximité",
            "x": [p.longitude for p in points],
            "y": [p.latitude for p in points],
            "mode": "markers",
            "marker": {"symbol": "diamond", "size": 11, "color": "#D55E00"},
            "text": [
                f"{p.nom} — {p.adresse + ', ' if p.adresse else ''}{p.commune}" for p in points
            ],
            "hovertemplate": "%{text}<extra></extra>",
        },
    ]
    # Plain dicts, as charts.figure_plotly; the template comes from the page (tableaux.js).
    layout = {
        "title": {"text": f"Points d'accueil et accueils par commune ({c.filtres.annee})"},
        "font": {"family": charts.POLICE, "size": 14, "color": "#222222"},
        "legend": {"orientation": "h", "y": -0.08},
        "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
        "plot_bgcolor": "#f4f7f9",
        "paper_bgcolor": "#ffffff",
        "height": 620,
        "xaxis": {"title": {"text": "longitude"}, "showgrid": False, "zeroline": False},
        "yaxis": {
            "title": {"text": "latitude"},
            "scaleanchor": "x",
            "scaleratio": 1 / math.cos(math.radians(50.5)),
            "showgrid": False,
            "zeroline": False,
        },
    }
    return {
        "data": traces,
        "layout": layout,
        "config": {
            "displaylogo": False,
            "responsive": True,
            "toImageButtonOptions": {
                "format": "png",
                "filename": f"carte-points-accueil-{c.filtres.annee}",
                "scale": 2,
            },
        },
    }
