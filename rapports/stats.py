"""Statistics of the annual activity report: queries only, plain frozen dataclasses out.

The HTML report, the PDF, the JSON export and the dashboards call these same functions;
nothing here renders. Each function answers one section of the report for every dispositif
at once (GROUP BY dispositif), so the number of queries of the whole report is a constant
(`rapport_annuel`: see QUERIES_RAPPORT_ANNUEL), whatever the number of dossiers and
appointments; tests/rapports pins it at two data sizes.

Sources and dates (the definitions shown to readers are in rapports.definitions):
- every count of the support funnel comes from the phase history
  (accompagnement.ChangementPhase), never from a dossier's current phase, so a past year
  never changes when a dossier moves on. A dossier is in a phase from the date it entered
  it until the date of its next change (excluded): "in P on day d" means the last change
  dated on or before d is the entry into P.
- receptions (accueils) of year Y are dossiers whose accueil change is dated in Y; the
  funnel reads it from ChangementPhase, the breakdowns from Dossier.date_accueil, which
  accompagnement.phases writes with the change in the same transaction (a test pins that
  both agree). Territory breakdowns use the snapshot copied on the dossier at reception
  (commune_accueil, epci_accueil...), never the current reference lists.
- age is computed in SQL, in full years on the accueil day, from the birth date and the
  accueil date (year difference minus one when the month-day of the accueil is before
  that of the birth), so the bucketing stays one GROUP BY; it matches Porteur.age_au.
- "NR" (non renseigné) is always a line of its own, last, and counts in `n`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Least

from accompagnement.models import ChangementPhase, RendezVous
from formations.stats import StatistiquesFormations, statistiques_formations
from maillage.models import (
    AnneeAssociative,
    AssembleeGenerale,
    MembreConseil,
    ReunionConseil,
    Utilisateur,
)
from porteurs.models import NR as NR_MODELE
from porteurs.models import Dossier, Phase, Porteur
from rapports.definitions import DEFINITIONS
from rapports.models import AgregatHistorique
from territoires.models import EPCI

# The code of "non renseigné" in the report's output (the models use "nr").
NR = "NR"
NON_RENSEIGNE = "non renseigné"

DISPOSITIFS: tuple[str, ...] = tuple(Dossier.Dispositif.values)
PHASES_ENTONNOIR: tuple[str, ...] = (
    Phase.ACCUEIL,
    Phase.MATURATION,
    Phase.CREATION,
    Phase.POST_CREATION,
)
# The phase each phase of the funnel leads to (a sortie can follow any of them).
PHASE_SUIVANTE: dict[str, str | None] = {
    Phase.ACCUEIL: Phase.MATURATION,
    Phase.MATURATION: Phase.CREATION,
    Phase.CREATION: Phase.POST_CREATION,
    Phase.POST_CREATION: None,
}
CODE_INSEE_LILLE = "59350"

TRANCHES_AGE: tuple[tuple[str, str], ...] = (
    ("<26", "moins de 26 ans"),
    ("26-35", "26 à 35 ans"),
    ("36-45", "36 à 45 ans"),
    ("46-55", "46 à 55 ans"),
    (">55", "plus de 55 ans"),
)
# The brackets' upper ages, and the code of the ages above the last one.
_BORNES_TRANCHES: tuple[tuple[int, str], ...] = (
    (25, "<26"),
    (35, "26-35"),
    (45, "36-45"),
    (55, "46-55"),
)
_TRANCHE_AU_DELA = ">55"
MOIS: tuple[tuple[str, str], ...] = tuple(
    (f"{numero:02d}", nom)
    for numero, nom in enumerate(
        (
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        start=1,
    )
)
OUI_NON: tuple[tuple[str, str], ...] = (("oui", "oui"), ("non", "non"))
NOMBRES_RENDEZ_VOUS: tuple[tuple[str, str], ...] = (
    ("0", "aucun rendez-vous réalisé"),
    ("1", "1 rendez-vous"),
    ("2", "2 rendez-vous"),
    ("3", "3 rendez-vous"),
    ("4", "4 rendez-vous"),
    ("5+", "5 rendez-vous et plus"),
)
EN_COURS = "en_cours"
MODALITES: tuple[tuple[str, str], ...] = (("individuel", "individuel"), ("collectif", "collectif"))


# --- Plain data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ligne:
    code: str
    libelle: str
    effectif: int


def _pourcentage(effectif: int, base: int) -> Decimal | None:
    return Decimal(100 * effectif) / Decimal(base) if base else None


@dataclass(frozen=True)
class Repartition:
    """A breakdown of `n` records into categories.

    Invariants: `lignes` holds every category (zeros included for a closed list of
    choices), the NR line last (always present); the effectifs add up to `n`; `nr` is the
    NR line's effectif. Percentages are unrounded: rounding belongs to the rendering.
    """

    cle: str
    libelle: str
    n: int
    nr: int
    lignes: tuple[Ligne, ...]

    def __post_init__(self) -> None:
        if sum(ligne.effectif for ligne in self.lignes) != self.n:
            raise ValueError(f"{self.cle} : les lignes ne totalisent pas n = {self.n}.")
        if not self.lignes or self.lignes[-1].code != NR or self.lignes[-1].effectif != self.nr:
            raise ValueError(f"{self.cle} : la ligne NR manque ou ne vaut pas nr = {self.nr}.")

    @property
    def repondu(self) -> int:
        """Records whose answer is known (the base of the shares)."""
        return self.n - self.nr

    @property
    def definition(self) -> str:
        return DEFINITIONS[self.cle].texte

    def effectif(self, code: str) -> int:
        return next((ligne.effectif for ligne in self.lignes if ligne.code == code), 0)

    def pourcentage(self, code: str) -> Decimal | None:
        """Share of `code` among those who answered, in %; None for NR or nobody answered."""
        if code == NR:
            return None
        return _pourcentage(self.effectif(code), self.repondu)

    def pourcentage_sur_n(self, code: str) -> Decimal | None:
        """Share of `code` among all `n` records (NR included in the base), in %."""
        return _pourcentage(self.effectif(code), self.n)

    def pourcentages(self) -> dict[str, Decimal | None]:
        return {ligne.code: self.pourcentage(ligne.code) for ligne in self.lignes}

    def pourcentages_sur_n(self) -> dict[str, Decimal | None]:
        return {ligne.code: self.pourcentage_sur_n(ligne.code) for ligne in self.lignes}

    def effectifs(self) -> dict[str, int]:
        """{code: effectif}, in line order (the JSON form)."""
        return {ligne.code: ligne.effectif for ligne in self.lignes}

    def libelles(self) -> dict[str, str]:
        return {ligne.code: ligne.libelle for ligne in self.lignes}


@dataclass(frozen=True)
class TableauCroise:
    """Records crossed by two questions (rows × columns), NR row and column last.

    Invariant: `cellules[(ligne, colonne)]` is defined for every pair; they add up to `n`.
    """

    cle: str
    libelle: str
    lignes: tuple[tuple[str, str], ...]
    colonnes: tuple[tuple[str, str], ...]
    cellules: Mapping[tuple[str, str], int]

    @property
    def n(self) -> int:
        return sum(self.cellules.values())

    @property
    def definition(self) -> str:
        return DEFINITIONS[self.cle].texte

    def total_ligne(self, ligne: str) -> int:
        return sum(self.cellules[(ligne, c)] for c, _ in self.colonnes)

    def total_colonne(self, colonne: str) -> int:
        return sum(self.cellules[(ligne, colonne)] for ligne, _ in self.lignes)

    def repondu_colonne(self, colonne: str) -> int:
        """Records of the column whose row answer is known ("données disponibles pour 33
        hommes et 44 femmes")."""
        return self.total_colonne(colonne) - self.cellules[(NR, colonne)]

    def en_dict(self) -> dict[str, dict[str, int]]:
        return {
            ligne: {colonne: self.cellules[(ligne, colonne)] for colonne, _ in self.colonnes}
            for ligne, _ in self.lignes
        }


@dataclass(frozen=True)
class Evolution:
    """The same breakdown over several years, with aligned lines (same codes, same order)."""

    cle: str
    libelle: str
    annees: tuple[int, ...]
    repartitions: tuple[Repartition, ...]

    @property
    def definition(self) -> str:
        return DEFINITIONS[self.cle].texte

    def de_l_annee(self, annee: int) -> Repartition:
        return self.repartitions[self.annees.index(annee)]

    def en_dict(self) -> dict[str, dict[str, int]]:
        return {str(a): r.effectifs() for a, r in zip(self.annees, self.repartitions, strict=True)}


def _repartition(
    cle: str,
    comptes: Mapping[str, int],
    *,
    choix: Iterable[tuple[str, str]] | None = None,
    libelles: Mapping[str, str] | None = None,
) -> Repartition:
    """Build a Repartition from {code: effectif} (NR under the code NR).

    With `choix` (a closed list), lines follow it and zeros are kept; otherwise (open lists:
    communes, staff...) lines are the codes met, largest first then by label.
    """
    libelles = dict(libelles or {})
    if choix is not None:
        choix = [(code, libelle) for code, libelle in choix if code != NR]
        libelles.update(choix)
        codes = [code for code, _ in choix]
        # Codes outside the list (a choice removed since) are shown rather than lost.
        codes += sorted(c for c, n in comptes.items() if n and c not in codes and c != NR)
    else:
        codes = sorted(
            (code for code in comptes if code != NR),
            key=lambda code: (-comptes[code], libelles.get(code, code)),
        )
    nr = comptes.get(NR, 0)
    lignes = tuple(Ligne(code, libelles.get(code, code), comptes.get(code, 0)) for code in codes)
    lignes += (Ligne(NR, NON_RENSEIGNE, nr),)
    return Repartition(
        cle=cle,
        libelle=DEFINITIONS[cle].libelle,
        n=sum(ligne.effectif for ligne in lignes),
        nr=nr,
        lignes=lignes,
    )


def _choix_modele(choices: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """A model's choices with its "nr" code renamed NR (and moved last by _repartition)."""
    return [(NR if code == NR_MODELE else code, libelle) for code, libelle in choices]


def code_rapport(valeur) -> str:
    """A grouped value as a report code: NULL, "" and the model's "nr" are NR."""
    if valeur is None or valeur == "" or valeur == NR_MODELE:
        return NR
    return str(valeur)


def bornes_annee(annee: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)


def _par_dispositif(valeur_vide: Callable[[], Any]) -> dict[str, Any]:
    return {dispositif: valeur_vide() for dispositif in DISPOSITIFS}


# --- Support funnel -----------------------------------------------------------------------


@dataclass(frozen=True)
class SortiesDePhase:
    """How the dossiers that left a phase during the year left it."""

    vers_phase_suivante: int
    valorisables: int
    non_valorisables: int

    @property
    def total(self) -> int:
        return self.vers_phase_suivante + self.valorisables + self.non_valorisables


@dataclass(frozen=True)
class EtapeEntonnoir:
    """One phase of the funnel of a year.

    `report`: in the phase on 31/12 of the previous year; `entrees`: entries dated in the
    year; `sorties`: dossiers whose next change after entering the phase is dated in the
    year. `actifs` and `fin` are derived, so actifs = report + entrees and
    fin = actifs − sorties hold by construction (the tests count `fin` independently).
    """

    phase: str
    libelle: str
    report: int
    entrees: int
    sorties: SortiesDePhase

    @property
    def actifs(self) -> int:
        return self.report + self.entrees

    @property
    def fin(self) -> int:
        return self.actifs - self.sorties.total


@dataclass(frozen=True)
class Entonnoir:
    annee: int
    dispositif: str
    etapes: tuple[EtapeEntonnoir, ...]
    accueillis_passes_en_maturation: int
    accueillis_passes_en_creation: int
    sorties_par_type: Repartition
    sorties_par_issue: Repartition

    def etape(self, phase: str) -> EtapeEntonnoir:
        return next(e for e in self.etapes if e.phase == phase)

    @property
    def accueillis(self) -> int:
        """Receptions of the year: the entries into accueil."""
        return self.etape(Phase.ACCUEIL).entrees


# The date each phase of the path was entered, from the dossier's cache of its history
# (Dossier.date_accueil ... date_sortie, written with it by accompagnement.phases; each phase
# is entered at most once, changement_phase_unique). A dossier's path never goes back and
# its dates never decrease, so the first later phase entered is also the earliest.
_DATE_PHASE: dict[str, str] = {
    Phase.ACCUEIL: "date_accueil",
    Phase.MATURATION: "date_maturation",
    Phase.CREATION: "date_creation",
    Phase.POST_CREATION: "date_post_creation",
    Phase.SORTIE: "date_sortie",
}
COMPTES_ENTONNOIR: tuple[str, ...] = (
    "report",
    "entrees",
    "vers_suivante",
    "valorisables",
    "non_valorisables",
    "passes_maturation",
    "passes_creation",
)


# What the funnel's conditional counts count: a NOT NULL column of dossier_parcours_idx, so
# that PostgreSQL reads the index alone (COUNT(*) takes no FILTER in Django).
_LIGNE = "dispositif"


def _suivant(phase: str, *, sortie: bool = True):
    """The date of the dossier's next change after entering `phase` (None: none yet): the
    first later phase of the path it entered, the sortie included or not."""
    rang = PHASES_ENTONNOIR.index(phase)
    plus_loin = [F(_DATE_PHASE[p]) for p in PHASES_ENTONNOIR[rang + 1 :]]
    if sortie:
        plus_loin.append(F(_DATE_PHASE[Phase.SORTIE]))
    if not plus_loin:
        return None
    return Coalesce(*plus_loin) if len(plus_loin) > 1 else plus_loin[0]


def comptes_entonnoir(
    annee: int, *, dossiers: Q | None = None, groupe: tuple[str, ...] = ()
) -> tuple[list[dict], list[tuple]]:
    """The query behind every support funnel of year `annee`, for the dossiers matching
    `dossiers` (a Q on Dossier, e.g. Q(epci_accueil=...)), grouped by the `groupe` fields
    (fields of the dossier) and the phase.

    For the entry into P dated e whose next change is dated s (None when the dossier is
    still in P), with d0 = 31/12 of the previous year and [1/1, 31/12] the year:
    - report: e <= d0 and (s is None or s > d0);
    - entrées: e in the year;
    - sorties: s in the year (split by where the next change leads);
    so a change dated 1 January belongs to the year (the dossier is carried over in its
    previous phase and leaves it that day), a reception on 31 December too, and a dossier
    entering and leaving a phase the same day counts in entrées and sorties, not in fin.

    One row per dossier is read, from the dossier's path cache alone
    (dossier_parcours_idx): joining its four later phase changes onto each dossier cost
    50-110 ms a year at network scale (130 000 dossiers), and correlated subqueries for the
    next change 20 s (docs/performance.md). Changes after the year's end never count: each
    condition below bounds the dates it reads to the year or before.

    Returns (rows {*groupe, "phase", report, entrees, vers_suivante, valorisables,
    non_valorisables, passes_maturation, passes_creation} per group and funnel phase; a
    missing row counts zero everywhere; rows (*groupe, type_sortie, issue, n) of the year's
    exits). One query.
    """
    dossiers = dossiers or Q()
    debut, fin = bornes_annee(annee)
    veille = debut - datetime.timedelta(days=1)
    sortie = _DATE_PHASE[Phase.SORTIE]
    dans_l_annee = {f"{sortie}__gte": debut, f"{sortie}__lte": fin}
    valorisable = Q(type_sortie=ChangementPhase.TypeSortie.VALORISABLE)
    annotations: dict[str, Any] = {}
    comptes: dict[str, Count] = {}
    for phase in PHASES_ENTONNOIR:
        entree = _DATE_PHASE[phase]
        dans_la_phase = Q(**{f"{entree}__lte": fin})
        vers_sortie = dans_la_phase & Q(**dans_l_annee)
        suivant = _suivant(phase)
        if suivant is not None and not isinstance(suivant, F):
            annotations[f"suivant_{phase}"] = suivant
            suivant = F(f"suivant_{phase}")
        hors_sortie = _suivant(phase, sortie=False)
        if hors_sortie is not None:
            if not isinstance(hors_sortie, F):
                annotations[f"suivant_hors_sortie_{phase}"] = hors_sortie
                hors_sortie = F(f"suivant_hors_sortie_{phase}")
            # A later phase entered before the sortie: that is where the dossier went.
            vers_sortie &= Q(**{f"{hors_sortie.name}__isnull": True})
            comptes[f"{phase}__vers_suivante"] = Count(
                _LIGNE,
                filter=dans_la_phase
                & Q(**{f"{hors_sortie.name}__gte": debut, f"{hors_sortie.name}__lte": fin}),
            )
        comptes[f"{phase}__existe"] = Count(_LIGNE, filter=dans_la_phase)
        comptes[f"{phase}__report"] = Count(
            _LIGNE,
            filter=Q(**{f"{entree}__lte": veille})
            & (Q(**{f"{suivant.name}__isnull": True}) | Q(**{f"{suivant.name}__gt": veille})),
        )
        comptes[f"{phase}__entrees"] = Count(
            _LIGNE, filter=dans_la_phase & Q(**{f"{entree}__gte": debut})
        )
        comptes[f"{phase}__valorisables"] = Count(_LIGNE, filter=vers_sortie & valorisable)
        comptes[f"{phase}__non_valorisables"] = Count(_LIGNE, filter=vers_sortie & ~valorisable)
    accueil_de_l_annee = Q(date_accueil__gte=debut)
    comptes["accueil__passes_maturation"] = Count(
        _LIGNE, filter=accueil_de_l_annee & Q(date_maturation__lte=fin)
    )
    comptes["accueil__passes_creation"] = Count(
        _LIGNE, filter=accueil_de_l_annee & Q(date_creation__lte=fin)
    )
    comptes["sorties"] = Count(_LIGNE, filter=Q(**dans_l_annee))
    groupes = (
        Dossier.objects.filter(
            dossiers,
            # A dossier gone before the year counts nowhere: leave it out early.
            Q(date_sortie__isnull=True) | Q(date_sortie__gte=debut),
            date_accueil__lte=fin,
        )
        .order_by()
        .annotate(**annotations)
        # The sortie's type and issue split the groups: the year's exits come out of the
        # same rows (a dossier's sortie is its last change).
        .values(*groupe, "type_sortie", "issue_sortie")
        .annotate(**comptes)
    )
    totaux: dict[tuple, dict[str, int]] = {}
    sorties = []
    for g in groupes:
        cle = tuple(g[champ] for champ in groupe)
        total = totaux.setdefault(cle, defaultdict(int))
        for nom in comptes:
            total[nom] += g[nom]
        if g["sorties"]:
            sorties.append((*cle, g["type_sortie"], g["issue_sortie"], g["sorties"]))
    lignes = []
    for cle, g in totaux.items():
        for phase in PHASES_ENTONNOIR:
            if not g[f"{phase}__existe"]:
                continue
            ligne = dict(zip(groupe, cle, strict=True))
            ligne["phase"] = phase
            ligne.update({nom: g.get(f"{phase}__{nom}", 0) for nom in COMPTES_ENTONNOIR})
            lignes.append(ligne)
    return lignes, sorties


def entonnoirs(annee: int) -> dict[str, Entonnoir]:
    """The support funnel of year `annee` for every dispositif. One query (the
    definitions are those of `comptes_entonnoir`)."""
    lignes, lignes_sorties = comptes_entonnoir(annee, groupe=("dispositif",))
    comptes: dict[tuple[str, str], dict] = {
        (ligne["dispositif"], ligne["phase"]): ligne for ligne in lignes
    }

    sorties: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: {"type": defaultdict(int), "issue": defaultdict(int)}
    )
    for dispositif, type_sortie, issue, n in lignes_sorties:
        sorties[dispositif]["type"][code_rapport(type_sortie)] += n
        sorties[dispositif]["issue"][code_rapport(issue)] += n

    resultat = {}
    for dispositif in DISPOSITIFS:
        etapes = []
        for phase in PHASES_ENTONNOIR:
            c = comptes.get((dispositif, phase), {})
            etapes.append(
                EtapeEntonnoir(
                    phase=phase,
                    libelle=Phase(phase).label,
                    report=c.get("report", 0),
                    entrees=c.get("entrees", 0),
                    sorties=SortiesDePhase(
                        vers_phase_suivante=c.get("vers_suivante", 0),
                        valorisables=c.get("valorisables", 0),
                        non_valorisables=c.get("non_valorisables", 0),
                    ),
                )
            )
        accueil = comptes.get((dispositif, Phase.ACCUEIL), {})
        resultat[dispositif] = Entonnoir(
            annee=annee,
            dispositif=dispositif,
            etapes=tuple(etapes),
            accueillis_passes_en_maturation=accueil.get("passes_maturation", 0),
            accueillis_passes_en_creation=accueil.get("passes_creation", 0),
            sorties_par_type=_repartition(
                "sorties.par_type",
                sorties[dispositif]["type"],
                choix=ChangementPhase.TypeSortie.choices,
            ),
            sorties_par_issue=_repartition(
                "sorties.par_issue",
                sorties[dispositif]["issue"],
                choix=ChangementPhase.Issue.choices,
            ),
        )
    return resultat


def entonnoir(annee: int, dispositif: str) -> Entonnoir:
    """The support funnel of one dispositif (see `entonnoirs`). One query."""
    return entonnoirs(annee)[dispositif]


# --- Receptions (accueils) ----------------------------------------------------------------


def _accueils_entre(debut: datetime.date, fin: datetime.date):
    return Dossier.objects.filter(date_accueil__gte=debut, date_accueil__lte=fin).order_by()


def avec_age(qs):
    """Annotate `tranche_age`: the lead porteur's age bracket on the accueil day (SQL)."""
    return qs.annotate(
        _jour_accueil=ExtractMonth("date_accueil") * 100 + ExtractDay("date_accueil"),
        _jour_naissance=ExtractMonth("porteur__date_naissance") * 100
        + ExtractDay("porteur__date_naissance"),
    ).annotate(
        age=ExtractYear("date_accueil")
        - ExtractYear("porteur__date_naissance")
        - Case(
            When(_jour_accueil__lt=F("_jour_naissance"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        tranche_age=Case(
            When(porteur__date_naissance__isnull=True, then=Value(NR_MODELE)),
            *(When(age__lte=age_max, then=Value(code)) for age_max, code in _BORNES_TRANCHES),
            default=Value(_TRANCHE_AU_DELA),
            output_field=CharField(),
        ),
    )


def tranche_de_l_age(age: int | None) -> str:
    """The report code of an age's bracket, as `avec_age`'s `tranche_age` computes it in
    SQL (NR when the birth date is unknown)."""
    if age is None:
        return NR
    return next((code for age_max, code in _BORNES_TRANCHES if age <= age_max), _TRANCHE_AU_DELA)


# The closed questions of the reception: (key, field, choices in report codes).
QUESTIONS_FERMEES: tuple[tuple[str, str, list[tuple[str, str]]], ...] = (
    ("par_genre", "porteur__genre", _choix_modele(Porteur.Genre.choices)),
    ("par_tranche_age", "tranche_age", list(TRANCHES_AGE)),
    (
        "par_situation",
        "porteur__situation_professionnelle",
        _choix_modele(Porteur.SituationProfessionnelle.choices),
    ),
    (
        "par_qualification",
        "porteur__niveau_qualification",
        _choix_modele(Porteur.NiveauQualification.choices),
    ),
    ("par_revenu", "porteur__revenu", _choix_modele(Porteur.Revenu.choices)),
    ("par_stade", "stade_premier_accueil", _choix_modele(Dossier.Stade.choices)),
    ("par_projet_collectif", "projet_collectif", _choix_modele(Dossier.OuiNon.choices)),
    ("par_secteur", "secteur", _choix_modele(Dossier.Secteur.choices)),
)


def _condition(champ: str, code: str) -> Q:
    """The SQL condition "the answer to `champ` is `code`". The questions are NOT NULL
    columns whose NR is the model's "nr" (tranche_age included, see avec_age)."""
    return Q(**{champ: NR_MODELE if code == NR else code})


@dataclass(frozen=True)
class Accueils:
    """The receptions of one dispositif in one year, with every breakdown of the report
    (sections 1.4.1, 1.5.2, 1.5.3). Keys of `repartitions` are the JSON keys."""

    annee: int
    dispositif: str
    total: int
    repartitions: dict[str, Repartition]
    par_situation_genre: TableauCroise
    lille_quartier_situation: TableauCroise
    par_territoire_lmcu: Evolution

    def __getitem__(self, cle: str) -> Repartition:
        return self.repartitions[cle]


def profil_des_accueils(annee: int, dossiers: Q | None = None) -> dict[str, dict]:
    """Closed questions of the year's receptions (those matching `dossiers`, a Q on
    Dossier; the dashboards' filters), per dispositif: one query of conditional counts
    (every answer of every question, NR included, and situation × genre), one of the
    receptions per month.

    The first groups the rows by dispositif and age and the groups are added up here into
    brackets: the age (date arithmetic) is computed once per reception, not once per
    bracket as a CASE over the age does (at network scale: about half of the query's
    time); the month is a second, light query on the receptions alone."""
    debut, fin = bornes_annee(annee)
    comptes: dict[str, Count] = {"total": Count("pk")}
    cles: dict[str, tuple] = {}
    for cle, champ, choix in QUESTIONS_FERMEES:
        if champ == "tranche_age":
            continue
        # The model's NR is already in `choix` (as NR): count it once.
        for code in dict.fromkeys(code for code, _ in [*choix, (NR, NON_RENSEIGNE)]):
            alias = f"c{len(cles)}"
            cles[alias] = (cle, code)
            comptes[alias] = Count("pk", filter=_condition(champ, code))
    for code, condition in (
        ("oui", Q(qpv_accueil=True)),
        ("non", Q(qpv_accueil=False)),
        (NR, Q(qpv_accueil__isnull=True)),
    ):
        alias = f"c{len(cles)}"
        cles[alias] = ("par_qpv", code)
        comptes[alias] = Count("pk", filter=condition)
    situations = [*_choix_modele(Porteur.SituationProfessionnelle.choices)]
    genres = [*_choix_modele(Porteur.Genre.choices)]
    for situation, _ in situations:
        for genre, _ in genres:
            alias = f"c{len(cles)}"
            cles[alias] = ("par_situation_genre", (situation, genre))
            comptes[alias] = Count(
                "pk",
                filter=_condition("porteur__situation_professionnelle", situation)
                & _condition("porteur__genre", genre),
            )
    recus = _accueils_entre(debut, fin).filter(dossiers or Q())
    lignes = avec_age(recus).values("dispositif", "age").annotate(**comptes)

    resultat: dict[str, dict] = _par_dispositif(
        lambda: defaultdict(lambda: defaultdict(int), total=0)
    )
    for ligne in lignes:
        profil = resultat[ligne["dispositif"]]
        profil["total"] += ligne["total"]
        profil["par_tranche_age"][tranche_de_l_age(ligne["age"])] += ligne["total"]
        for alias, (cle, code) in cles.items():
            profil[cle][code] += ligne[alias]
    for dispositif, mois, n in (
        recus.values_list("dispositif", ExtractMonth("date_accueil"))
        # COUNT(*): read from dossier_annee_idx (date_accueil, dispositif, ...) alone, where
        # a count of the id would visit the table (accompagnement 0004; 13 -> 7 ms).
        .annotate(n=Count("*"))
    ):
        resultat[dispositif]["par_mois"][f"{int(mois):02d}"] += n
    return resultat


def _territoires(annee: int) -> dict[str, dict]:
    """Where the year's receptions live (reception snapshot): commune, département,
    quartier; EPCI; LMCU territory this year and last; Lille quartier × situation; plus the
    prescriber. Four queries (the EPCI and the LMCU territories share one)."""
    debut, fin = bornes_annee(annee)
    recus = _accueils_entre(debut, fin)
    resultat: dict[str, dict] = _par_dispositif(lambda: defaultdict(lambda: defaultdict(int)))
    libelles: dict[str, dict[str, str]] = defaultdict(dict)

    for ligne in recus.values(
        "dispositif",
        "commune_accueil__code_insee",
        "commune_accueil__nom",
        "commune_accueil__departement__code",
        "commune_accueil__departement__nom",
        "quartier_accueil__nom",
    ).annotate(n=Count("pk")):
        r = resultat[ligne["dispositif"]]
        commune = code_rapport(ligne["commune_accueil__code_insee"])
        departement = code_rapport(ligne["commune_accueil__departement__code"])
        quartier = NR
        if ligne["quartier_accueil__nom"]:
            quartier = f"{ligne['quartier_accueil__nom']} ({ligne['commune_accueil__nom']})"
        r["par_commune"][commune] += ligne["n"]
        r["par_departement"][departement] += ligne["n"]
        r["par_quartier"][quartier] += ligne["n"]
        if commune != NR:
            libelles["par_commune"][commune] = ligne["commune_accueil__nom"]
            libelles["par_departement"][departement] = ligne["commune_accueil__departement__nom"]

    # The EPCI of this year's receptions and the LMCU territories of this year's and last
    # year's (LMCU: the EPCI split into territoires de gouvernance, the only one in the
    # references) in one query over both years' receptions, read by reception date: a
    # separate LMCU query filtered on the EPCI led PostgreSQL to read every dossier of the
    # metropole through the EPCI's index (2013 at scale 100: 12 + 48 -> 32 ms).
    lmcu = Exists(EPCI.objects.filter(pk=OuterRef("epci_accueil"), territoires__isnull=False))
    groupes = (
        "dispositif",
        "epci_accueil__siren",
        "epci_accueil__sigle",
        "epci_accueil__nom",
        "territoire_gouvernance_accueil__nom",
    )
    for dispositif, siren, sigle, nom, territoire, est_lmcu, precedente, courante in (
        _accueils_entre(datetime.date(annee - 1, 1, 1), fin)
        .values_list(*groupes)
        .annotate(
            lmcu=lmcu,
            precedente=Count("pk", filter=Q(date_accueil__lt=debut)),
            courante=Count("pk", filter=Q(date_accueil__gte=debut)),
        )
        .values_list(
            *groupes,
            "lmcu",
            "precedente",
            "courante",
        )
    ):
        r = resultat[dispositif]
        if courante:
            code = code_rapport(siren)
            r["par_epci"][code] += courante
            if code != NR:
                libelles["par_epci"][code] = f"{nom} ({sigle})" if sigle else nom
        if est_lmcu:
            r["territoire_lmcu_precedente"][code_rapport(territoire)] += precedente
            r["territoire_lmcu"][code_rapport(territoire)] += courante

    for dispositif, prescripteur, n in recus.values_list(
        "dispositif", "prescripteur__nom"
    ).annotate(n=Count("pk")):
        resultat[dispositif]["par_prescripteur"][code_rapport(prescripteur)] += n

    for dispositif, quartier, qpv, situation, n in (
        recus.filter(commune_accueil__code_insee=CODE_INSEE_LILLE)
        .values_list(
            "dispositif",
            "quartier_accueil__nom",
            "qpv_accueil",
            "porteur__situation_professionnelle",
        )
        .annotate(n=Count("pk"))
    ):
        r = resultat[dispositif]
        r["lille_quartier_situation"][(code_rapport(quartier), code_rapport(situation))] += n
        r["lille_qpv"][NR if qpv is None else ("oui" if qpv else "non")] += n

    for dispositif in DISPOSITIFS:
        resultat[dispositif]["libelles"] = libelles
    return resultat


def _rendez_vous_d_accueil(annee: int) -> dict[str, dict]:
    """Who held the year's accueil appointments and where. One query over the accueil
    changes and their triggering appointment (the dossier's référent when accueil was
    entered without one)."""
    debut, fin = bornes_annee(annee)
    resultat: dict[str, dict] = _par_dispositif(lambda: defaultdict(lambda: defaultdict(int)))
    libelles: dict[str, str] = {}
    lignes = (
        ChangementPhase.objects.filter(phase=Phase.ACCUEIL, date__gte=debut, date__lte=fin)
        .order_by()
        .values(
            "dossier__dispositif",
            "rendez_vous__lieu",
            "rendez_vous__point_accueil__nom",
            "rendez_vous__point_accueil__commune__nom",
            "rendez_vous__point_accueil__territoire_plde__nom",
            charge=Coalesce("rendez_vous__charge__username", "dossier__referent__username"),
            prenom=Coalesce("rendez_vous__charge__first_name", "dossier__referent__first_name"),
            nom=Coalesce("rendez_vous__charge__last_name", "dossier__referent__last_name"),
        )
        .annotate(n=Count("pk"))
    )
    for ligne in lignes:
        r = resultat[ligne["dossier__dispositif"]]
        n = ligne["n"]
        charge = code_rapport(ligne["charge"])
        if charge != NR:
            libelles[charge] = f"{ligne['prenom']} {ligne['nom']}".strip() or charge
        r["par_charge"][charge] += n
        lieu = code_rapport(ligne["rendez_vous__lieu"])
        r["par_lieu"][lieu] += n
        if lieu not in (RendezVous.Lieu.LOCAUX, NR):
            point = NR
            if ligne["rendez_vous__point_accueil__nom"]:
                point = (
                    f"{ligne['rendez_vous__point_accueil__nom']} "
                    f"({ligne['rendez_vous__point_accueil__commune__nom']})"
                )
            r["hors_locaux_par_point_accueil"][point] += n
            territoire = code_rapport(ligne["rendez_vous__point_accueil__territoire_plde__nom"])
            r["hors_locaux_par_territoire_plde"][territoire] += n
    for dispositif in DISPOSITIFS:
        resultat[dispositif]["libelles_charge"] = libelles
    return resultat


def _parcours_des_accueillis(annee: int) -> dict[str, dict]:
    """For the year's receptions: number of held appointments in the year, and how they
    stood on 31 December (issue of their sortie, orientation). Two queries."""
    debut, fin = bornes_annee(annee)
    recus = _accueils_entre(debut, fin)
    resultat: dict[str, dict] = _par_dispositif(lambda: defaultdict(lambda: defaultdict(int)))

    nombre = (
        RendezVous.objects.realises()
        .filter(dossier=OuterRef("pk"), date__gte=debut, date__lte=fin)
        .order_by()
        .values("dossier")
        # Counting a column of the partial index rdv_realises_dossier_idx (dossier, date,
        # held only) reads the index alone (2013 at scale 100: 123 -> 54 ms).
        .annotate(c=Count("dossier"))
        .values("c")
    )
    # The count is capped in SQL, read once per dossier (a CASE over it would run the
    # subquery once per branch).
    dernier = len(NOMBRES_RENDEZ_VOUS) - 1
    for dispositif, nb, n in (
        recus.annotate(
            nb=Least(
                Coalesce(Subquery(nombre, output_field=IntegerField()), Value(0)),
                Value(dernier),
            )
        )
        .values_list("dispositif", "nb")
        .annotate(n=Count("pk"))
    ):
        resultat[dispositif]["par_nombre_rendez_vous"][NOMBRES_RENDEZ_VOUS[nb][0]] += n

    for dispositif, issue, orientation, n in (
        recus.annotate(
            # A dossier received in the year cannot have left before it (the path's dates
            # never decrease): bounding the sortie's date to the year lets PostgreSQL read
            # the year's sorties from changement_phase_date_idx rather than hash all of
            # them (2020 at scale 100: 146 -> 40 ms).
            sortie=FilteredRelation(
                "changements_phase",
                condition=Q(
                    changements_phase__phase=Phase.SORTIE,
                    changements_phase__date__gte=debut,
                    changements_phase__date__lte=fin,
                ),
            )
        )
        .values_list("dispositif", "sortie__issue", "sortie__orientation_vers__nom")
        .annotate(n=Count("pk"))
    ):
        r = resultat[dispositif]
        r["par_suivi"][EN_COURS if issue is None else code_rapport(issue)] += n
        if issue == ChangementPhase.Issue.ORIENTATION:
            r["par_orientation"][code_rapport(orientation)] += n
    return resultat


def accueils(annee: int) -> dict[str, Accueils]:
    """The receptions of year `annee` and all their breakdowns, for every dispositif.
    Nine queries (see the helpers)."""
    profils = profil_des_accueils(annee)
    territoires = _territoires(annee)
    rendez_vous = _rendez_vous_d_accueil(annee)
    parcours = _parcours_des_accueillis(annee)
    situations = _choix_modele(Porteur.SituationProfessionnelle.choices)
    genres = _choix_modele(Porteur.Genre.choices)

    resultat = {}
    for dispositif in DISPOSITIFS:
        profil, terr = profils[dispositif], territoires[dispositif]
        rdv, parc = rendez_vous[dispositif], parcours[dispositif]
        repartitions = {
            cle: _repartition(f"accueils.{cle}", profil[cle], choix=choix)
            for cle, _, choix in QUESTIONS_FERMEES
        }
        repartitions["par_mois"] = _repartition("accueils.par_mois", profil["par_mois"], choix=MOIS)
        repartitions["par_qpv"] = _repartition("accueils.par_qpv", profil["par_qpv"], choix=OUI_NON)
        libelles = terr["libelles"]
        for cle in ("par_commune", "par_departement", "par_epci"):
            repartitions[cle] = _repartition(f"accueils.{cle}", terr[cle], libelles=libelles[cle])
        for cle in ("par_quartier", "par_prescripteur"):
            repartitions[cle] = _repartition(f"accueils.{cle}", terr[cle])
        repartitions["lille_qpv"] = _repartition(
            "accueils.lille_qpv", terr["lille_qpv"], choix=OUI_NON
        )
        repartitions["par_charge"] = _repartition(
            "accueils.par_charge", rdv["par_charge"], libelles=rdv["libelles_charge"]
        )
        repartitions["par_lieu"] = _repartition(
            "accueils.par_lieu", rdv["par_lieu"], choix=RendezVous.Lieu.choices
        )
        for cle in ("hors_locaux_par_point_accueil", "hors_locaux_par_territoire_plde"):
            repartitions[cle] = _repartition(f"accueils.{cle}", rdv[cle])
        repartitions["par_nombre_rendez_vous"] = _repartition(
            "accueils.par_nombre_rendez_vous",
            parc["par_nombre_rendez_vous"],
            choix=NOMBRES_RENDEZ_VOUS,
        )
        repartitions["par_suivi"] = _repartition(
            "accueils.par_suivi",
            parc["par_suivi"],
            choix=[
                *ChangementPhase.Issue.choices,
                (EN_COURS, "toujours accompagné au 31 décembre"),
            ],
        )
        repartitions["par_orientation"] = _repartition(
            "accueils.par_orientation", parc["par_orientation"]
        )

        quartiers_lille = sorted(
            {q for q, _ in terr["lille_quartier_situation"] if q != NR}, key=str.casefold
        )
        lignes_lille = (*((q, q) for q in quartiers_lille), (NR, NON_RENSEIGNE))
        colonnes_situation = _avec_nr_dernier(situations)
        cles_lmcu = set(terr["territoire_lmcu"]) | set(terr["territoire_lmcu_precedente"])
        territoires_lmcu = [(t, t) for t in sorted(cles_lmcu - {NR}, key=str.casefold)]
        resultat[dispositif] = Accueils(
            annee=annee,
            dispositif=dispositif,
            total=profil.get("total", 0),
            repartitions=repartitions,
            par_situation_genre=TableauCroise(
                cle="accueils.par_situation_genre",
                libelle=DEFINITIONS["accueils.par_situation_genre"].libelle,
                lignes=colonnes_situation,
                colonnes=_avec_nr_dernier(genres),
                cellules={
                    (s, g): profil["par_situation_genre"].get((s, g), 0)
                    for s, _ in situations
                    for g, _ in genres
                },
            ),
            lille_quartier_situation=TableauCroise(
                cle="accueils.lille_quartier_situation",
                libelle=DEFINITIONS["accueils.lille_quartier_situation"].libelle,
                lignes=lignes_lille,
                colonnes=colonnes_situation,
                cellules={
                    (q, s): terr["lille_quartier_situation"].get((q, s), 0)
                    for q, _ in lignes_lille
                    for s, _ in colonnes_situation
                },
            ),
            par_territoire_lmcu=Evolution(
                cle="accueils.par_territoire_lmcu",
                libelle=DEFINITIONS["accueils.par_territoire_lmcu"].libelle,
                annees=(annee - 1, annee),
                repartitions=(
                    _repartition(
                        "accueils.par_territoire_lmcu",
                        terr["territoire_lmcu_precedente"],
                        choix=territoires_lmcu,
                    ),
                    _repartition(
                        "accueils.par_territoire_lmcu",
                        terr["territoire_lmcu"],
                        choix=territoires_lmcu,
                    ),
                ),
            ),
        )
    return resultat


def _avec_nr_dernier(choix: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return (*((c, libelle) for c, libelle in choix if c != NR), (NR, NON_RENSEIGNE))


# --- Accompaniments over three years -------------------------------------------------------


@dataclass(frozen=True)
class Accompagnements:
    """Dossiers in création or post-création at some time of each of three years (a
    dossier moving from one to the other counts once), by reception territory."""

    annee: int
    dispositif: str
    par_epci: Evolution
    par_territoire_lmcu: Evolution
    par_quartier_lille: Evolution

    @property
    def total(self) -> int:
        return self.par_epci.de_l_annee(self.annee).n


def accompagnements(annee: int) -> dict[str, Accompagnements]:
    """Accompaniments of years annee-2, annee-1 and annee, per dispositif. One query.

    A dossier is accompanied in year y when it entered création on or before 31/12/y and
    its sortie (if any) is dated on or after 1/1/y; the span runs from création to the
    sortie, post-création included.
    """
    annees = (annee - 2, annee - 1, annee)
    comptes = {}
    for rang, a in enumerate(annees):
        debut, fin = bornes_annee(a)
        comptes[f"a{rang}"] = Count(
            "pk",
            filter=Q(date_creation__lte=fin)
            & (Q(date_sortie__isnull=True) | Q(date_sortie__gte=debut)),
        )
    # The dates of création and sortie from the dossier's path cache (accompagnement.phases
    # writes them with the phase changes), not the two changes joined onto each dossier.
    lignes = (
        Dossier.objects.order_by()
        .filter(
            # Dossiers gone before the first of the three years count nowhere.
            Q(date_sortie__isnull=True) | Q(date_sortie__gte=bornes_annee(annees[0])[0]),
            date_creation__lte=bornes_annee(annee)[1],
        )
        .values(
            "dispositif",
            "epci_accueil__siren",
            "epci_accueil__sigle",
            "epci_accueil__nom",
            "territoire_gouvernance_accueil__nom",
            "commune_accueil__code_insee",
            "quartier_accueil__nom",
            lmcu=Exists(
                EPCI.objects.filter(pk=OuterRef("epci_accueil"), territoires__isnull=False)
            ),
        )
        .annotate(**comptes)
    )
    brut: dict[str, dict] = _par_dispositif(
        lambda: defaultdict(lambda: [defaultdict(int) for _ in annees])
    )
    libelles_epci: dict[str, str] = {}
    for ligne in lignes:
        r = brut[ligne["dispositif"]]
        epci = code_rapport(ligne["epci_accueil__siren"])
        if epci != NR:
            sigle, nom = ligne["epci_accueil__sigle"], ligne["epci_accueil__nom"]
            libelles_epci[epci] = f"{nom} ({sigle})" if sigle else nom
        for rang in range(len(annees)):
            n = ligne[f"a{rang}"]
            r["par_epci"][rang][epci] += n
            if ligne["lmcu"]:
                territoire = code_rapport(ligne["territoire_gouvernance_accueil__nom"])
                r["par_territoire_lmcu"][rang][territoire] += n
            if ligne["commune_accueil__code_insee"] == CODE_INSEE_LILLE:
                r["par_quartier_lille"][rang][code_rapport(ligne["quartier_accueil__nom"])] += n

    def evolution(cle: str, par_annee: list[dict[str, int]], libelles=None) -> Evolution:
        codes = sorted(
            {c for comptes in par_annee for c, n in comptes.items() if c != NR and n},
            key=lambda c: ((libelles or {}).get(c, c)).casefold(),
        )
        choix = [(c, (libelles or {}).get(c, c)) for c in codes]
        return Evolution(
            cle=f"accompagnements.{cle}",
            libelle=DEFINITIONS[f"accompagnements.{cle}"].libelle,
            annees=annees,
            repartitions=tuple(
                _repartition(f"accompagnements.{cle}", comptes, choix=choix)
                for comptes in par_annee
            ),
        )

    return {
        dispositif: Accompagnements(
            annee=annee,
            dispositif=dispositif,
            par_epci=evolution("par_epci", brut[dispositif]["par_epci"], libelles_epci),
            par_territoire_lmcu=evolution(
                "par_territoire_lmcu", brut[dispositif]["par_territoire_lmcu"]
            ),
            par_quartier_lille=evolution(
                "par_quartier_lille", brut[dispositif]["par_quartier_lille"]
            ),
        )
        for dispositif in DISPOSITIFS
    }


# --- Appointments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RendezVousDeLAnnee:
    """Held appointments dated in the year (one dispositif, or all when dispositif="")."""

    annee: int
    dispositif: str
    par_objet: Repartition
    par_modalite: Repartition

    @property
    def realises(self) -> int:
        return self.par_objet.n


def rendez_vous_de_l_annee(annee: int) -> dict[str, RendezVousDeLAnnee]:
    """Held appointments of the year by objet and by individual/collective, per dispositif
    and for all ("" key). One query."""
    debut, fin = bornes_annee(annee)
    brut: dict[str, dict] = defaultdict(
        lambda: {"objet": defaultdict(int), "mod": defaultdict(int)}
    )
    for dispositif, objet, collectif, n in (
        RendezVous.objects.realises()
        .filter(date__gte=debut, date__lte=fin)
        .order_by()
        .values_list("dossier__dispositif", "objet", "collectif")
        # COUNT(*) rather than a count of the id, a column the partial index
        # rdv_realises_date_objet_idx (date, dossier, objet, collectif, held only) lacks:
        # PostgreSQL then reads the year's appointments from that index alone instead of
        # 31 000 pages of the table, and their dispositif from dossier_dispositif_idx
        # (accompagnement 0004; 2013 / 2020 at scale 100: 78 / 58 -> 32 / 38 ms).
        .annotate(n=Count("*"))
    ):
        modalite = "collectif" if collectif else "individuel"
        for cle in (dispositif, ""):
            brut[cle]["objet"][code_rapport(objet)] += n
            brut[cle]["mod"][modalite] += n
    return {
        cle: RendezVousDeLAnnee(
            annee=annee,
            dispositif=cle,
            par_objet=_repartition(
                "rendez_vous.par_objet", brut[cle]["objet"], choix=RendezVous.Objet.choices
            ),
            par_modalite=_repartition(
                "rendez_vous.par_modalite", brut[cle]["mod"], choix=MODALITES
            ),
        )
        for cle in ("", *DISPOSITIFS)
    }


# --- Multi-year tables: stored past figures merged with computed ones ------------------------


def _quantifier(valeur: Decimal | None) -> Decimal | None:
    if valeur is None:
        return None
    return valeur.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GenreAnnee:
    """One column of the gender table. `origine`: "historique" (published figure typed in
    AgregatHistorique; counts may be unknown) or "calcul" (the year's receptions)."""

    annee: int
    origine: str
    femmes: int | None
    hommes: int | None
    non_renseigne: int | None
    part_femmes: Decimal | None
    part_hommes: Decimal | None


def genre_depuis(
    annee: int, depuis: int = 2007, dispositif: str = Dossier.Dispositif.ESCALE
) -> list[GenreAnnee]:
    """The gender of receptions for each year from `depuis` to `annee` that has figures.

    A year with stored figures (AgregatHistorique: part_femmes / part_hommes in %, or the
    counts accueils_femmes / accueils_hommes) shows them as published, even when they do
    not add up (the seed's 2009: 56 % + 46 %); other years are computed from the receptions,
    shares on the known genders, rounded to 0.1 %. Two queries.
    """
    indicateurs = {
        AgregatHistorique.Indicateur.PART_FEMMES: "part_femmes",
        AgregatHistorique.Indicateur.PART_HOMMES: "part_hommes",
        AgregatHistorique.Indicateur.ACCUEILS_FEMMES: "femmes",
        AgregatHistorique.Indicateur.ACCUEILS_HOMMES: "hommes",
    }
    stockes: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for a, indicateur, valeur in AgregatHistorique.objects.filter(
        annee__gte=depuis, annee__lte=annee, dispositif=dispositif, indicateur__in=indicateurs
    ).values_list("annee", "indicateur", "valeur"):
        stockes[a][indicateurs[indicateur]] = valeur

    calcules: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a, genre, n in (
        _accueils_entre(datetime.date(depuis, 1, 1), bornes_annee(annee)[1])
        .filter(dispositif=dispositif)
        .values_list(ExtractYear("date_accueil"), "porteur__genre")
        # COUNT(*): PostgreSQL reads the receptions from dossier_annee_idx and their
        # porteur's genre from porteur_profil_idx alone (accompagnement 0004), where a
        # count of the dossier's id would send it to the table (2013 / 2020 at scale 100:
        # 55 / 76 -> 37 / 55 ms).
        .annotate(n=Count("*"))
    ):
        calcules[a][code_rapport(genre)] += n

    lignes = []
    for a in range(depuis, annee + 1):
        if a in stockes:
            s = stockes[a]
            femmes, hommes = s.get("femmes"), s.get("hommes")
            connus = (femmes or 0) + (hommes or 0)
            part_f = s.get("part_femmes")
            part_h = s.get("part_hommes")
            if part_f is None and femmes is not None and hommes is not None and connus:
                part_f = Decimal(100) * femmes / connus
            if part_h is None and femmes is not None and hommes is not None and connus:
                part_h = Decimal(100) * hommes / connus
            lignes.append(
                GenreAnnee(
                    annee=a,
                    origine="historique",
                    femmes=None if femmes is None else int(femmes),
                    hommes=None if hommes is None else int(hommes),
                    non_renseigne=None,
                    part_femmes=_quantifier(part_f),
                    part_hommes=_quantifier(part_h),
                )
            )
        elif a in calcules:
            c = calcules[a]
            femmes, hommes = c[Porteur.Genre.FEMME], c[Porteur.Genre.HOMME]
            lignes.append(
                GenreAnnee(
                    annee=a,
                    origine="calcul",
                    femmes=femmes,
                    hommes=hommes,
                    non_renseigne=c[NR],
                    part_femmes=_quantifier(_pourcentage(femmes, femmes + hommes)),
                    part_hommes=_quantifier(_pourcentage(hommes, femmes + hommes)),
                )
            )
    return lignes


def genre_depuis_2007(annee: int) -> list[GenreAnnee]:
    """The ESCALE gender table of section 1.5.2 (2007 to `annee`). Two queries."""
    return genre_depuis(annee, 2007)


@dataclass(frozen=True)
class ChiffresDepuisLaCreation:
    """Section 0.5: totals since the association began, to the end of `annee`."""

    annee: int
    accueils: int
    accueils_qpv: int
    accompagnes: int
    accompagnes_economiques: int
    emplois_crees: int
    projets_professionnels: int


def chiffres_depuis_la_creation(annee: int) -> ChiffresDepuisLaCreation:
    """Stored aggregates of the years before the app, plus the computed years. For each
    indicator, a year with a stored row takes the stored value (all dispositifs, "" rows),
    any other year up to `annee` the computed one. Three queries."""
    Indicateur = AgregatHistorique.Indicateur
    stockes: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for a, indicateur, valeur in AgregatHistorique.objects.filter(
        annee__lte=annee, dispositif=AgregatHistorique.TOUS_DISPOSITIFS
    ).values_list("annee", "indicateur", "valeur"):
        stockes[indicateur][a] = valeur

    calcules: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for a, total, qpv, projets_pro in (
        Dossier.objects.filter(date_accueil__lte=bornes_annee(annee)[1])
        .order_by()
        .values_list(ExtractYear("date_accueil"))
        # Counts of `dispositif` (NOT NULL, so the same as counting rows), a column of the
        # index dossier_annee_idx (date_accueil, dispositif, qpv_accueil, porteur), rather
        # than of the id: PostgreSQL reads the receptions from that index alone
        # (accompagnement 0004; 2013 / 2020 at scale 100: 28 / 46 -> 15 / 35 ms).
        .annotate(
            total=Count("dispositif"),
            qpv=Count("dispositif", filter=Q(qpv_accueil=True)),
            projets_pro=Count("dispositif", filter=Q(dispositif=Dossier.Dispositif.PROJET_VIE)),
        )
    ):
        calcules[Indicateur.ACCUEILS][a] += total
        calcules[Indicateur.ACCUEILS_QPV][a] += qpv
        calcules[Indicateur.PROJETS_PROFESSIONNELS][a] += projets_pro
    for a, total, economiques, emplois in (
        # The entry into création from the dossier's path cache (accompagnement.phases).
        Dossier.objects.filter(date_creation__lte=bornes_annee(annee)[1])
        .order_by()
        .values_list(ExtractYear("date_creation"))
        .annotate(
            total=Count("pk"),
            economiques=Count("pk", filter=Q(projet_economique=Dossier.OuiNon.OUI)),
            emplois=Sum("emplois_crees"),
        )
    ):
        calcules[Indicateur.ACCOMPAGNES][a] += total
        calcules[Indicateur.ACCOMPAGNES_ECONOMIQUES][a] += economiques
        calcules[Indicateur.EMPLOIS_CREES][a] += emplois or 0

    def cumul(indicateur: str) -> int:
        stocke = stockes.get(indicateur, {})
        total = sum(stocke.values(), Decimal(0))
        total += sum(n for a, n in calcules[indicateur].items() if a not in stocke)
        return int(total)

    return ChiffresDepuisLaCreation(
        annee=annee,
        accueils=cumul(Indicateur.ACCUEILS),
        accueils_qpv=cumul(Indicateur.ACCUEILS_QPV),
        accompagnes=cumul(Indicateur.ACCOMPAGNES),
        accompagnes_economiques=cumul(Indicateur.ACCOMPAGNES_ECONOMIQUES),
        emplois_crees=cumul(Indicateur.EMPLOIS_CREES),
        projets_professionnels=cumul(Indicateur.PROJETS_PROFESSIONNELS),
    )


# --- Association life (section 0.3) ---------------------------------------------------------


@dataclass(frozen=True)
class Salarie:
    nom: str
    fonction: str
    etp: Decimal | None


@dataclass(frozen=True)
class VieAssociative:
    annee: int
    adherents: int | None
    assemblee_generale: datetime.date | None  # the one whose board was in office on 31/12
    conseil: tuple[tuple[str, str, str], ...]  # (name, function, association represented)
    reunions_conseil: int
    salaries: tuple[Salarie, ...] = field(default_factory=tuple)

    @property
    def etp(self) -> Decimal:
        return sum((s.etp or Decimal(0) for s in self.salaries), Decimal(0))


def vie_associative(annee: int) -> VieAssociative:
    """Members, board in office at the end of the year, board meetings, staff. Five
    queries."""
    debut, fin = bornes_annee(annee)
    adherents = (
        AnneeAssociative.objects.filter(annee=annee)
        .values_list("nombre_adherents", flat=True)
        .first()
    )
    assemblee = AssembleeGenerale.objects.derniere_au(fin)
    # Read through a subquery rather than "if assemblee": the count of queries stays fixed.
    derniere = AssembleeGenerale.objects.filter(date__lte=fin).order_by("-date").values("pk")
    conseil = tuple(
        (f"{m.prenom} {m.nom}", m.get_fonction_display(), m.association_representee)
        for m in MembreConseil.objects.filter(assemblee=Subquery(derniere[:1]))
    )
    return VieAssociative(
        annee=annee,
        adherents=adherents,
        assemblee_generale=assemblee.date if assemblee else None,
        conseil=conseil,
        reunions_conseil=ReunionConseil.objects.de_l_annee(annee).count(),
        salaries=tuple(
            Salarie(nom=str(u), fonction=u.fonction, etp=u.etp)
            for u in Utilisateur.objects.salaries_de_l_annee(annee).order_by(
                "last_name", "first_name"
            )
        ),
    )


# --- The whole report as JSON-able data ---------------------------------------------------------

# Queries of rapport_annuel, whatever the data: funnel 1, receptions 9, accompaniments 1,
# appointments 1, gender table 2, since creation 3, association life 5, trainings 3.
QUERIES_RAPPORT_ANNUEL = 25


def _nombre(valeur):
    """A JSON number: Decimal as int when integral, else float; None stays None."""
    if isinstance(valeur, Decimal):
        return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
    return valeur


def _json_formations(f: StatistiquesFormations) -> dict:
    return {
        "sessions": f.sessions,
        "sessions_par_convention": f.sessions_par_convention,
        "jours": _nombre(f.jours),
        "stagiaires": f.stagiaires,
        "personnes": f.personnes,
        "fiches_renseignees": f.fiches_renseignees,
        "associations": f.associations,
        "associations_accueillies": f.associations_accueillies,
        "associations_en_maturation": f.associations_en_maturation,
        "associations_accompagnees": f.associations_accompagnees,
        "associations_concernees": f.associations_concernees,
        "profil": {
            question: {
                (NR if code == NR_MODELE else code): n
                for code, n in getattr(f, question).effectifs.items()
            }
            for question in ("genre", "tranche_age", "sphere_dirigeante", "emploi")
        },
    }


def _json_dispositif(
    a: Accueils, e: Entonnoir, acc: Accompagnements, rdv: RendezVousDeLAnnee
) -> dict:
    accueils_json: dict = {"total": a.total}
    accueils_json.update({cle: r.effectifs() for cle, r in a.repartitions.items()})
    accueils_json["par_situation_genre"] = a.par_situation_genre.en_dict()
    accueils_json["lille_quartier_situation"] = a.lille_quartier_situation.en_dict()
    accueils_json["par_territoire_lmcu"] = a.par_territoire_lmcu.en_dict()
    return {
        "libelle": Dossier.Dispositif(a.dispositif).label,
        "accueils": accueils_json,
        "entonnoir": {
            etape.phase: {
                "report": etape.report,
                "entrees": etape.entrees,
                "actifs": etape.actifs,
                "sorties": etape.sorties.total,
                "fin": etape.fin,
                "sorties_detail": {
                    "phase_suivante": etape.sorties.vers_phase_suivante,
                    "valorisable": etape.sorties.valorisables,
                    "non_valorisable": etape.sorties.non_valorisables,
                },
            }
            for etape in e.etapes
        },
        "accueillis_passes_en_maturation": e.accueillis_passes_en_maturation,
        "accueillis_passes_en_creation": e.accueillis_passes_en_creation,
        "sorties": {code: n for code, n in e.sorties_par_type.effectifs().items() if code != NR},
        "sorties_par_issue": {
            code: n for code, n in e.sorties_par_issue.effectifs().items() if code != NR
        },
        "accompagnements": {
            "total": acc.total,
            "par_epci": acc.par_epci.en_dict(),
            "par_territoire_lmcu": acc.par_territoire_lmcu.en_dict(),
            "par_quartier_lille": acc.par_quartier_lille.en_dict(),
        },
        "rendez_vous": {
            "realises": rdv.realises,
            "par_objet": rdv.par_objet.effectifs(),
            "par_modalite": rdv.par_modalite.effectifs(),
        },
    }


def _libelles(tous_accueils: Mapping[str, Accueils], tous_acc) -> dict[str, dict[str, str]]:
    """Every code of the JSON with its French label, per breakdown key (merged over the
    dispositifs), so that a reader of the JSON needs no other file."""
    libelles: dict[str, dict[str, str]] = defaultdict(dict)
    for a in tous_accueils.values():
        for cle, r in a.repartitions.items():
            libelles[cle].update(r.libelles())
        libelles["par_situation_genre"].update(a.par_situation_genre.colonnes)
    for acc in tous_acc.values():
        for r in acc.par_epci.repartitions:
            libelles["par_epci"].update(r.libelles())
    libelles["phases"] = {p: Phase(p).label for p in PHASES_ENTONNOIR}
    libelles["sorties"] = dict(ChangementPhase.TypeSortie.choices)
    libelles["sorties_par_issue"] = dict(ChangementPhase.Issue.choices)
    libelles["par_objet"] = dict(RendezVous.Objet.choices)
    return {cle: dict(valeurs) for cle, valeurs in libelles.items()}


def rapport_annuel(annee: int) -> dict:
    """Every figure of the year's report as plain JSON-able data (dicts, lists, str, int,
    float), with the definition of every indicator. QUERIES_RAPPORT_ANNUEL queries."""
    tous_accueils = accueils(annee)
    tous_entonnoirs = entonnoirs(annee)
    tous_acc = accompagnements(annee)
    tous_rdv = rendez_vous_de_l_annee(annee)
    formations = statistiques_formations(annee)
    depuis = chiffres_depuis_la_creation(annee)
    vie = vie_associative(annee)
    return {
        "annee": annee,
        "dispositifs": {
            d: _json_dispositif(tous_accueils[d], tous_entonnoirs[d], tous_acc[d], tous_rdv[d])
            for d in DISPOSITIFS
        },
        "rendez_vous": {
            "realises": tous_rdv[""].realises,
            "par_objet": tous_rdv[""].par_objet.effectifs(),
            "par_modalite": tous_rdv[""].par_modalite.effectifs(),
        },
        "formations": _json_formations(formations),
        "genre_depuis_2007": [
            {
                "annee": g.annee,
                "origine": g.origine,
                "F": g.femmes,
                "H": g.hommes,
                "NR": g.non_renseigne,
                "part_F": _nombre(g.part_femmes),
                "part_H": _nombre(g.part_hommes),
            }
            for g in genre_depuis_2007(annee)
        ],
        "depuis_la_creation": {
            "accueils": depuis.accueils,
            "accueils_qpv": depuis.accueils_qpv,
            "accompagnes": depuis.accompagnes,
            "accompagnes_economiques": depuis.accompagnes_economiques,
            "emplois_crees": depuis.emplois_crees,
            "projets_professionnels": depuis.projets_professionnels,
        },
        "vie_associative": {
            "adherents": vie.adherents,
            "assemblee_generale": vie.assemblee_generale.isoformat()
            if vie.assemblee_generale
            else None,
            "conseil": [
                {"nom": nom, "fonction": fonction, "association_representee": asso}
                for nom, fonction, asso in vie.conseil
            ],
            "reunions_conseil": vie.reunions_conseil,
            "salaries": [
                {"nom": s.nom, "fonction": s.fonction, "etp": _nombre(s.etp)} for s in vie.salaries
            ],
            "etp": _nombre(vie.etp),
        },
        "libelles": _libelles(tous_accueils, tous_acc),
        "definitions": {cle: d.texte for cle, d in DEFINITIONS.items()},
    }
