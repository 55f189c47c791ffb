"""Statistics of the ADVA training programme (report section 3.2): queries only, plain data
out, a constant number of queries whatever the size of the year. The HTML report, the PDF
and the screens call these same functions.

Which year a session belongs to: the calendar year of its **last day** (a session is
counted when it is realised, i.e. finished). A session from 25/11/2013 to 14/01/2014 is one
of 2014's sessions, with all its days and trainees. This is how the seed counts "the
sessions realised in 2013": 8 of convention 2012-2013 and 1 of 2013-2014, 9 in all.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from accompagnement.phases import DATES_DU_PARCOURS
from formations.models import (
    AssociationInscrivante,
    Convention,
    Emploi,
    Genre,
    Inscription,
    Module,
    ModulePrevu,
    OuiNon,
    Session,
    TrancheAge,
)
from porteurs.models import NR, Phase


@dataclass(frozen=True)
class Repartition:
    """The answers to one question of the fiche over all confirmed enrolments of the year.

    `effectifs` has every code of the question, NR included (no fiche, or the question left
    blank); shares are computed on those who answered (`repondu` of `total`).
    """

    libelles: dict[str, str]
    effectifs: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.effectifs.values())

    @property
    def non_renseigne(self) -> int:
        return self.effectifs.get(NR, 0)

    @property
    def repondu(self) -> int:
        return self.total - self.non_renseigne

    def part(self, code: str) -> Decimal | None:
        """Share of `code` among those who answered (0 to 1), None when nobody answered."""
        if not self.repondu or code == NR:
            return None
        return Decimal(self.effectifs.get(code, 0)) / Decimal(self.repondu)


# How an enrolling association stood in the casework during the year (see _situation).
ACCUEILLIE, EN_MATURATION, ACCOMPAGNEE = "accueillie", "maturation", "accompagnee"
_SITUATION_DE_LA_PHASE = {
    Phase.ACCUEIL: ACCUEILLIE,
    Phase.MATURATION: EN_MATURATION,
    Phase.CREATION: ACCOMPAGNEE,
    Phase.POST_CREATION: ACCOMPAGNEE,
}
_RANG = {phase: rang for rang, phase in enumerate(Phase.values)}


@dataclass(frozen=True)
class StatistiquesFormations:
    """The figures of report section 3.2 for one calendar year.

    `stagiaires` counts confirmed enrolments, as the seed does (a person in three sessions
    counts three times); `personnes` counts distinct people. The profile shares are on
    enrolments too (the seed's fiche is filled at each enrolment).
    """

    annee: int
    sessions: int
    sessions_par_convention: dict[str, int]
    jours: Decimal
    stagiaires: int
    personnes: int
    fiches_renseignees: int
    associations: int
    associations_accueillies: int
    associations_en_maturation: int
    associations_accompagnees: int
    genre: Repartition
    tranche_age: Repartition
    sphere_dirigeante: Repartition
    emploi: Repartition

    @property
    def associations_accueillies_ou_en_maturation(self) -> int:
        return self.associations_accueillies + self.associations_en_maturation

    @property
    def associations_concernees(self) -> int:
        """Enrolling associations the casework received, matured or supported that year."""
        return self.associations_accueillies_ou_en_maturation + self.associations_accompagnees

    @property
    def associations_hors_accompagnement(self) -> int:
        return self.associations - self.associations_concernees


_QUESTIONS = {
    "genre": ("fiche_genre", Genre),
    "tranche_age": ("fiche_tranche_age", TrancheAge),
    "sphere_dirigeante": ("fiche_sphere_dirigeante", OuiNon),
    "emploi": ("fiche_emploi", Emploi),
}


def _situation(
    changements: list[tuple[str, datetime.date]], debut: datetime.date, fin: datetime.date
) -> str | None:
    """The furthest phase a dossier was in at some time between `debut` and `fin`:
    accueillie, en maturation or accompagnée (création or post-création); None when it was
    in none of them during the period (received later, or left before).

    `changements` is the dossier's history up to `fin`, in path order. A phase counts when
    it was entered during the period, or entered before and not yet left when the period
    began (the next change is dated after `debut`).
    """
    retenue = None
    for index, (phase, date) in enumerate(changements):
        suivante = changements[index + 1][1] if index + 1 < len(changements) else None
        en_vigueur = date >= debut or suivante is None or suivante > debut
        plus_loin = retenue is None or _RANG[phase] > _RANG[retenue]
        if phase in _SITUATION_DE_LA_PHASE and en_vigueur and plus_loin:
            retenue = phase
    return _SITUATION_DE_LA_PHASE.get(retenue) if retenue else None


def statistiques_formations(annee: int) -> StatistiquesFormations:
    """The training figures of calendar year `annee` (sessions counted in the year of their
    last day, see the module docstring).

    Only confirmed enrolments ("inscrit") count: waiting and cancelled ones never do.
    Enrolling associations are linked to the casework through their dossier; their
    situation comes from the dossier's phase history (the date of each phase the dossier
    keeps, in step with accompagnement.ChangementPhase), never from its current phase, so
    that a past year does not change when a dossier moves on. Three queries, whatever the
    number of sessions and enrolments.
    """
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    # Counted per convention in SQL rather than by loading every session (a network
    # holds thousands a year), in the order of the conventions, then of their sessions.
    par_convention: dict[str, int] = {}
    jours = Decimal(0)
    for libelle, n, jours_convention in (
        Session.objects.de_l_annee(annee)
        .values("convention_id", "convention__libelle", "convention__date_debut")
        .annotate(n=Count("pk"), jours=Sum("nombre_jours"), premiere=Min("date_fin"))
        .order_by("convention__date_debut", "premiere")
        .values_list("convention__libelle", "n", "jours")
    ):
        par_convention[libelle] = par_convention.get(libelle, 0) + n
        jours += jours_convention

    inscriptions = Inscription.objects.confirmees().filter(session__date_fin__year=annee)
    comptes = {
        f"{question}__{code}": Count("pk", filter=Q(**{champ: code}))
        for question, (champ, choix) in _QUESTIONS.items()
        for code in choix.values
    }
    totaux = inscriptions.aggregate(
        stagiaires=Count("pk"),
        personnes=Count("stagiaire", distinct=True),
        associations=Count("association", distinct=True),
        fiches=Count("pk", filter=Q(fiche_renseignee=True)),
        **comptes,
    )
    repartitions = {
        question: Repartition(
            libelles=dict(choix.choices),
            effectifs={code: totaux[f"{question}__{code}"] for code in choix.values},
        )
        for question, (_, choix) in _QUESTIONS.items()
    }

    # The enrolling associations of the year's confirmed enrolments that have a dossier,
    # counted per dossier (several may share one: count associations, not dossiers), with
    # the dossier's path as its cached phase dates (porteurs.Dossier, one per phase).
    situations: dict[str, int] = defaultdict(int)
    for _dossier, *dates, n in (
        AssociationInscrivante.objects.filter(dossier__isnull=False, inscriptions__in=inscriptions)
        .order_by()
        .values_list("dossier_id", *(f"dossier__{champ}" for _, champ in DATES_DU_PARCOURS))
        .annotate(n=Count("pk", distinct=True))
    ):
        historique = [
            (phase, date)
            for (phase, _), date in zip(DATES_DU_PARCOURS, dates, strict=True)
            if date is not None and date <= fin
        ]
        situation = _situation(historique, debut, fin)
        if situation:
            situations[situation] += n

    return StatistiquesFormations(
        annee=annee,
        sessions=sum(par_convention.values()),
        sessions_par_convention=par_convention,
        jours=jours,
        stagiaires=totaux["stagiaires"],
        personnes=totaux["personnes"],
        fiches_renseignees=totaux["fiches"],
        associations=totaux["associations"],
        associations_accueillies=situations[ACCUEILLIE],
        associations_en_maturation=situations[EN_MATURATION],
        associations_accompagnees=situations[ACCOMPAGNEE],
        **repartitions,
    )


# --- Planned vs done, per convention ---------------------------------------------------------


@dataclass(frozen=True)
class SessionProgramme:
    session_id: int
    date_debut: datetime.date
    date_fin: datetime.date
    lieu: str
    nombre_jours: Decimal
    effectif: int  # confirmed enrolments
    realisee: bool  # finished on the programme's date


@dataclass(frozen=True)
class LigneProgramme:
    module: str
    prevues: int
    sessions: list[SessionProgramme] = field(default_factory=list)

    @property
    def realisees(self) -> int:
        return sum(1 for s in self.sessions if s.realisee)

    @property
    def programmees(self) -> int:
        """Sessions scheduled but not finished yet."""
        return len(self.sessions) - self.realisees

    @property
    def reste_a_realiser(self) -> int:
        return max(self.prevues - self.realisees, 0)


@dataclass(frozen=True)
class ProgrammeConvention:
    """The two tables of report section 3.2 for one convention: sessions planned per
    module, and the sessions held (date, place, number of trainees)."""

    convention: str
    au: datetime.date
    lignes: list[LigneProgramme]

    @property
    def prevues(self) -> int:
        return sum(ligne.prevues for ligne in self.lignes)

    @property
    def realisees(self) -> int:
        return sum(ligne.realisees for ligne in self.lignes)

    @property
    def effectif(self) -> int:
        return sum(s.effectif for ligne in self.lignes for s in ligne.sessions if s.realisee)


def programme_convention(
    convention: Convention, au: datetime.date | None = None
) -> ProgrammeConvention:
    """Planned vs done per module for the convention, on `au` (today by default): every
    module, in order, even when nothing was planned or held for it. A session is done when
    its last day is on or before `au`. Three queries."""
    au = au or timezone.localdate()
    modules = list(Module.objects.order_by("ordre"))
    prevues = dict(
        ModulePrevu.objects.filter(convention=convention).values_list(
            "module_id", "sessions_prevues"
        )
    )
    sessions_par_module: dict[int, list[SessionProgramme]] = defaultdict(list)
    for session in (
        Session.objects.filter(convention=convention).avec_effectifs().order_by("date_debut", "pk")
    ):
        sessions_par_module[session.module_id].append(
            SessionProgramme(
                session_id=session.pk,
                date_debut=session.date_debut,
                date_fin=session.date_fin,
                lieu=session.lieu,
                nombre_jours=session.nombre_jours,
                effectif=session.inscrits,
                realisee=session.date_fin <= au,
            )
        )
    return ProgrammeConvention(
        convention=convention.libelle,
        au=au,
        lignes=[
            LigneProgramme(
                module=module.nom,
                prevues=prevues.get(module.pk, 0),
                sessions=sessions_par_module.get(module.pk, []),
            )
            for module in modules
        ],
    )
