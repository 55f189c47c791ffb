"""The phase workflow: the only module that changes a dossier's phase.

Views, imports and the demo generator all call `changer_phase` (a change decided by a
person or read from a file) or, through `accompagnement.services`, `recalculer_automatiques`
(the changes made by the appointment rule). Both write the ChangementPhase rows and the
Dossier's cached `phase`, `date_accueil`, reception territory and path dates
(`resume_du_parcours`), in one transaction, with the dossier row locked.

The path is accueil → maturation → création → post-création, with a sortie from any phase,
never backwards, each change dated on or after the previous one, and nothing after a sortie.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accompagnement.models import ChangementPhase, RendezVous
from porteurs.models import Dossier, Phase

# The allowed next phases of each phase (None: a dossier not received yet).
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({Phase.ACCUEIL}),
    Phase.ACCUEIL: frozenset({Phase.MATURATION, Phase.SORTIE}),
    Phase.MATURATION: frozenset({Phase.CREATION, Phase.SORTIE}),
    Phase.CREATION: frozenset({Phase.POST_CREATION, Phase.SORTIE}),
    Phase.POST_CREATION: frozenset({Phase.SORTIE}),
    Phase.SORTIE: frozenset(),
}

# The order of the path; a dossier's current phase is the highest it has entered.
ORDRE: tuple[str, ...] = tuple(Phase.values)
RANG: dict[str, int] = {phase: rang for rang, phase in enumerate(ORDRE)}

# The phases the appointment rule opens by itself.
PHASES_AUTOMATIQUES: tuple[str, ...] = (Phase.ACCUEIL, Phase.MATURATION)


class TransitionInterdite(ValidationError):
    """A phase change that would make the dossier's history illegal. Nothing was written."""


def _libelle(phase: str | None) -> str:
    return Phase(phase).label if phase else "pas encore reçu"


def _jj_mm_aaaa(jour: datetime.date) -> str:
    return jour.strftime("%d/%m/%Y")


def phases_autorisees(dossier: Dossier) -> list[str]:
    """The phases the dossier may enter next, in path order (from its cached phase; no
    query). `changer_phase` checks again against the locked history."""
    return sorted(TRANSITIONS[dossier.phase or None], key=RANG.__getitem__)


def suggerer_type_sortie(dossier: Dossier) -> str:
    """ "valorisable" when the dossier's held appointments last at least
    SORTIE_VALORISABLE_HEURES hours in total, or number at least
    SORTIE_VALORISABLE_RENDEZ_VOUS; "non_valorisable" otherwise. One query."""
    totaux = (
        RendezVous.objects.filter(dossier=dossier)
        .realises()
        .aggregate(minutes=Sum("duree_minutes"), nombre=Count("pk"))
    )
    minutes, nombre = totaux["minutes"] or 0, totaux["nombre"]
    if (
        minutes >= settings.SORTIE_VALORISABLE_HEURES * 60
        or nombre >= settings.SORTIE_VALORISABLE_RENDEZ_VOUS
    ):
        return ChangementPhase.TypeSortie.VALORISABLE
    return ChangementPhase.TypeSortie.NON_VALORISABLE


def verrouiller_dossier(dossier: Dossier) -> Dossier:
    """Re-read the dossier with its row locked until the end of the transaction.

    PostgreSQL: SELECT ... FOR UPDATE OF the dossier row only (the porteur and territory
    rows joined for the snapshot are not locked). SQLite ignores it; its IMMEDIATE
    transactions already serialise writers (settings). The unique constraint on
    (dossier, phase) is the last guard.
    """
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("porteur__commune", "porteur__quartier")
        .get(pk=dossier.pk)
    )


def _historique(dossier: Dossier) -> list[ChangementPhase]:
    """The dossier's changes in path order (at most one per phase, so at most 5 rows)."""
    return sorted(dossier.changements_phase.all(), key=lambda c: RANG[c.phase])


def verifier_changement(
    reference: str,
    derniere: ChangementPhase | None,
    phase: str,
    jour: datetime.date,
    *,
    type_sortie: str | None = None,
    issue: str | None = None,
    orientation_vers=None,
    date_convention: datetime.date | None = None,
    rendez_vous: RendezVous | None = None,
    automatique: bool = False,
    aujourd_hui: datetime.date | None = None,
) -> None:
    """Refuse, with TransitionInterdite and a French message, a change that would make the
    dossier's path illegal; return None when it is allowed. No query, no write.

    The rules `changer_phase` applies, on data the caller holds: `reference` names the
    dossier in the messages; `derniere` is its last change on the path (or None when it was
    never received), of which only `phase` and `date` are read (an unsaved instance does);
    `orientation_vers` and `rendez_vous` are only checked for presence. `aujourd_hui`
    defaults to today's date in Europe/Paris.
    - the change follows TRANSITIONS from `derniere` (no skip, no going back, nothing after
      a sortie) and is dated on or after it, and not after today;
    - création carries its convention date (not in the future); a sortie its type and
      issue; no change carries fields of another phase; an automatic change has its
      appointment.
    Bulk writers (maillage.demo) call it for every change they write, so that they follow
    the same rules as the screens.
    """
    _verifier_transition(reference, derniere, phase, jour)
    _verifier_details(
        phase,
        jour,
        type_sortie=type_sortie,
        issue=issue,
        orientation_vers=orientation_vers,
        date_convention=date_convention,
        rendez_vous=rendez_vous,
        automatique=automatique,
        aujourd_hui=aujourd_hui or timezone.localdate(),
    )


def _verifier_details(
    phase: str,
    jour: datetime.date,
    *,
    type_sortie: str | None,
    issue: str | None,
    orientation_vers,
    date_convention: datetime.date | None,
    rendez_vous: RendezVous | None,
    automatique: bool,
    aujourd_hui: datetime.date,
) -> None:
    """The fields each kind of change must (and must not) carry."""
    if jour > aujourd_hui:
        raise TransitionInterdite(
            f"La date du changement ({_jj_mm_aaaa(jour)}) est dans le futur : une phase "
            "s'enregistre le jour où elle commence, ou après.",
            code="date_future",
        )
    if phase == Phase.CREATION:
        if date_convention is None:
            raise TransitionInterdite(
                "L'entrée en création demande la date de signature de la convention "
                "d'accompagnement.",
                code="date_convention_manquante",
            )
        if date_convention > aujourd_hui:
            raise TransitionInterdite(
                f"La date de la convention ({_jj_mm_aaaa(date_convention)}) est dans le futur.",
                code="date_future",
            )
    elif date_convention is not None:
        raise TransitionInterdite(
            "Seule l'entrée en création porte une date de convention.", code="champ_en_trop"
        )
    if phase == Phase.SORTIE:
        if type_sortie not in ChangementPhase.TypeSortie.values:
            raise TransitionInterdite(
                "Une sortie demande son type : valorisable ou non valorisable.",
                code="type_sortie_manquant",
            )
        if issue not in ChangementPhase.Issue.values:
            raise TransitionInterdite(
                "Une sortie demande son issue : activité créée, abandon, emploi salarié, "
                "formation, orientation ou autre.",
                code="issue_manquante",
            )
        if orientation_vers is not None and issue != ChangementPhase.Issue.ORIENTATION:
            raise TransitionInterdite(
                "La structure vers laquelle la personne est orientée ne s'indique que pour "
                "une sortie par orientation.",
                code="champ_en_trop",
            )
    elif type_sortie or issue or orientation_vers is not None:
        raise TransitionInterdite(
            "Le type, l'issue et l'orientation ne s'indiquent que pour une sortie.",
            code="champ_en_trop",
        )
    if automatique and rendez_vous is None:
        raise TransitionInterdite(
            "Un changement automatique est toujours déclenché par un rendez-vous.",
            code="rendez_vous_manquant",
        )


def _verifier_transition(
    reference: str, derniere: ChangementPhase | None, phase: str, jour: datetime.date
) -> None:
    """Refuse a change that does not follow the dossier's last change on the path."""
    if phase not in RANG:
        raise TransitionInterdite(f"Phase inconnue : « {phase} ».", code="phase_inconnue")
    actuelle = derniere.phase if derniere else None
    if actuelle == Phase.SORTIE:
        raise TransitionInterdite(
            f"Le dossier {reference} est sorti de l'accompagnement le "
            f"{_jj_mm_aaaa(derniere.date)} : aucune phase ne peut suivre une sortie.",
            code="apres_sortie",
        )
    if actuelle is not None and RANG[phase] <= RANG[actuelle]:
        deja = "est déjà en" if phase == actuelle else "a déjà dépassé la phase"
        raise TransitionInterdite(
            f"Le dossier {reference} {deja} « {_libelle(phase)} » (il est en "
            f"« {_libelle(actuelle)} ») : un parcours ne revient jamais en arrière.",
            code="retour_arriere",
        )
    if phase not in TRANSITIONS[actuelle]:
        possibles = ", ".join(
            f"« {_libelle(p)} »" for p in sorted(TRANSITIONS[actuelle], key=RANG.get)
        )
        if actuelle is None:
            message = (
                f"Le dossier {reference} n'a pas encore été accueilli : son parcours "
                "commence par l'accueil."
            )
        else:
            message = (
                f"Le dossier {reference} est en « {_libelle(actuelle)} » : il ne peut "
                f"pas passer directement en « {_libelle(phase)} » (possible : {possibles})."
            )
        raise TransitionInterdite(message, code="saut_de_phase")
    if derniere is not None and jour < derniere.date:
        raise TransitionInterdite(
            f"La date du changement ({_jj_mm_aaaa(jour)}) précède celle de la phase "
            f"« {_libelle(actuelle)} » ({_jj_mm_aaaa(derniere.date)}) : les phases se "
            "suivent dans l'ordre des dates.",
            code="date_anterieure",
        )


def prendre_territoire(dossier: Dossier) -> list[str]:
    """Copy the porteur's territory as it is today onto the dossier; return the fields."""
    porteur = dossier.porteur
    commune, quartier = porteur.commune, porteur.quartier
    dossier.commune_accueil = commune
    dossier.epci_accueil_id = commune.epci_id if commune else None
    dossier.territoire_gouvernance_accueil_id = (
        commune.territoire_gouvernance_id if commune else None
    )
    dossier.quartier_accueil = quartier
    dossier.qpv_accueil = quartier.qpv if quartier else None
    return [
        "commune_accueil",
        "epci_accueil",
        "territoire_gouvernance_accueil",
        "quartier_accueil",
        "qpv_accueil",
    ]


# The dossier's cache of its path (porteurs.models.Dossier): the date each phase was
# entered, and the sortie's type and issue.
CHAMPS_PARCOURS: tuple[str, ...] = (
    "date_maturation",
    "date_creation",
    "date_post_creation",
    "date_sortie",
    "type_sortie",
    "issue_sortie",
)
# The dossier's date of each phase of the path, in path order: what the report, the
# dashboards and the training figures read. date_accueil is written apart (with the
# reception territory), the others with CHAMPS_PARCOURS.
DATES_DU_PARCOURS: tuple[tuple[str, str], ...] = (
    (Phase.ACCUEIL, "date_accueil"),
    (Phase.MATURATION, "date_maturation"),
    (Phase.CREATION, "date_creation"),
    (Phase.POST_CREATION, "date_post_creation"),
    (Phase.SORTIE, "date_sortie"),
)
_CHAMP_DATE: dict[str, str] = {
    phase: champ for phase, champ in DATES_DU_PARCOURS if phase != Phase.ACCUEIL
}


def resume_du_parcours(parcours: Iterable[ChangementPhase]) -> dict[str, object]:
    """The CHAMPS_PARCOURS values of a dossier whose history is `parcours` (every change it
    has, in any order). No query. date_accueil and the reception territory are written
    apart (they are written once, when accueil first opens)."""
    valeurs: dict[str, object] = {
        "date_maturation": None,
        "date_creation": None,
        "date_post_creation": None,
        "date_sortie": None,
        "type_sortie": "",
        "issue_sortie": "",
    }
    for changement in parcours:
        champ = _CHAMP_DATE.get(changement.phase)
        if champ:
            valeurs[champ] = changement.date
        if changement.phase == Phase.SORTIE:
            valeurs["type_sortie"] = changement.type_sortie
            valeurs["issue_sortie"] = changement.issue
    return valeurs


def _ecrire_parcours(dossier: Dossier, parcours: Iterable[ChangementPhase]) -> list[str]:
    """Set the dossier's path cache from `parcours`; return the fields to save."""
    for champ, valeur in resume_du_parcours(parcours).items():
        setattr(dossier, champ, valeur)
    return list(CHAMPS_PARCOURS)


CHAMPS_SUIVIS = (
    *CHAMPS_PARCOURS,
    "phase",
    "date_accueil",
    "commune_accueil_id",
    "epci_accueil_id",
    "territoire_gouvernance_accueil_id",
    "quartier_accueil_id",
    "qpv_accueil",
)


def recopier(source: Dossier, cible: Dossier) -> None:
    """Keep the caller's instance in step with what was written."""
    for champ in CHAMPS_SUIVIS:
        setattr(cible, champ, getattr(source, champ))


def changer_phase(
    dossier: Dossier,
    phase: str,
    jour: datetime.date,
    *,
    auteur,
    type_sortie: str | None = None,
    issue: str | None = None,
    orientation_vers=None,
    date_convention: datetime.date | None = None,
    commentaire: str = "",
    rendez_vous: RendezVous | None = None,
    automatique: bool = False,
) -> ChangementPhase:
    """Move the dossier into `phase` on `jour` and record who did it.

    Invariants, checked against the history re-read under the dossier's row lock:
    - the change follows TRANSITIONS from the last change (no skip, no going back, nothing
      after a sortie) and is dated on or after it, and not after today;
    - création carries its convention date; a sortie its type and issue; no change carries
      fields that belong to another phase;
    - on refusal a TransitionInterdite (French message) is raised and nothing is written;
    - on success one ChangementPhase row is added and Dossier.phase updated; opening accueil
      also sets date_accueil and copies the porteur's territory of today (written once).
    Queries: lock, history, insert, update (plus the savepoint when nested).
    """
    with transaction.atomic():
        verrouille = verrouiller_dossier(dossier)
        historique = _historique(verrouille)
        derniere = historique[-1] if historique else None
        verifier_changement(
            verrouille.reference,
            derniere,
            phase,
            jour,
            type_sortie=type_sortie,
            issue=issue,
            orientation_vers=orientation_vers,
            date_convention=date_convention,
            rendez_vous=rendez_vous,
            automatique=automatique,
        )
        changement = ChangementPhase.objects.create(
            dossier=verrouille,
            phase=phase,
            date=jour,
            type_sortie=type_sortie or "",
            issue=issue or "",
            orientation_vers=orientation_vers,
            date_convention=date_convention,
            rendez_vous=rendez_vous,
            automatique=automatique,
            commentaire=commentaire,
            auteur=auteur,
        )
        champs = ["phase", "modifie_le", *_ecrire_parcours(verrouille, [*historique, changement])]
        verrouille.phase = phase
        if phase == Phase.ACCUEIL:
            verrouille.date_accueil = jour
            champs += ["date_accueil", *prendre_territoire(verrouille)]
        verrouille.save(update_fields=champs)
    recopier(verrouille, dossier)
    return changement


def retirer_dernier_changement(dossier: Dossier) -> ChangementPhase:
    """Delete the dossier's last phase change, entered by mistake; return it (unsaved).

    Invariants: only the last change of the path can go, so the rest stays legal; an
    automatic change cannot (it follows the appointments: change the appointment instead);
    removing accueil clears date_accueil and the territory snapshot. The appointment rule
    must be applied again afterwards: call accompagnement.services.annuler_dernier_changement,
    not this function.
    """
    with transaction.atomic():
        verrouille = verrouiller_dossier(dossier)
        historique = _historique(verrouille)
        if not historique:
            raise TransitionInterdite(
                f"Le dossier {verrouille.reference} n'a aucun changement de phase à annuler.",
                code="rien_a_annuler",
            )
        dernier = historique[-1]
        if dernier.automatique:
            raise TransitionInterdite(
                f"La phase « {_libelle(dernier.phase)} » a été ouverte automatiquement par un "
                "rendez-vous réalisé : modifiez ou annulez ce rendez-vous plutôt.",
                code="changement_automatique",
            )
        dernier.delete()
        verrouille.phase = historique[-2].phase if len(historique) > 1 else ""
        champs = ["phase", "modifie_le", *_ecrire_parcours(verrouille, historique[:-1])]
        if dernier.phase == Phase.ACCUEIL:
            champs += _effacer_accueil(verrouille)
        verrouille.save(update_fields=champs)
    recopier(verrouille, dossier)
    return dernier


def _effacer_accueil(dossier: Dossier) -> list[str]:
    """Forget the reception date and territory (the dossier is no longer received)."""
    dossier.date_accueil = None
    dossier.commune_accueil = dossier.epci_accueil = None
    dossier.territoire_gouvernance_accueil = dossier.quartier_accueil = None
    dossier.qpv_accueil = None
    return [
        "date_accueil",
        "commune_accueil",
        "epci_accueil",
        "territoire_gouvernance_accueil",
        "quartier_accueil",
        "qpv_accueil",
    ]


def _verifier_parcours(dossier: Dossier, parcours: list[ChangementPhase]) -> str | None:
    """The first reason the whole path is illegal, or None. `parcours` is in path order."""
    precedente = None
    for changement in parcours:
        phase_precedente = precedente.phase if precedente else None
        if changement.phase not in TRANSITIONS[phase_precedente]:
            return (
                f"la phase « {_libelle(changement.phase)} » du "
                f"{_jj_mm_aaaa(changement.date)} ne pourrait plus suivre "
                f"« {_libelle(phase_precedente)} »"
            )
        if precedente is not None and changement.date < precedente.date:
            return (
                f"la phase « {_libelle(changement.phase)} » du "
                f"{_jj_mm_aaaa(changement.date)} précéderait la phase "
                f"« {_libelle(precedente.phase)} » du {_jj_mm_aaaa(precedente.date)}"
            )
        precedente = changement
    return None


def ordre_de_la_regle(rendez_vous: RendezVous) -> tuple:
    """The order in which the appointment rule reads held appointments: by date, then by
    time with no time last. Sort a list in entry order with it (the sort is stable, so
    same-day appointments with the same time stay in entry order)."""
    heure = rendez_vous.heure
    return (rendez_vous.date, heure is None, heure or datetime.time.min)


def declencheurs(rendez_vous: Iterable[RendezVous]) -> dict[str, RendezVous | None]:
    """The appointment rule, on appointments already read (no query): among the held ones
    (statut "réalisé"), the first opens accueil and the second maturation, in
    `ordre_de_la_regle`; `rendez_vous` must come in entry order (by pk). Planned,
    cancelled and no-show appointments open nothing. Any object with `date`, `heure` and
    `statut` will do (maillage.demo passes its plan's appointments)."""
    realises = sorted(
        (r for r in rendez_vous if r.statut == RendezVous.Statut.REALISE), key=ordre_de_la_regle
    )
    return {
        phase: realises[rang] if rang < len(realises) else None
        for rang, phase in enumerate(PHASES_AUTOMATIQUES)
    }


def parcours_de_la_regle(
    dossier: Dossier,
    manuels: list[ChangementPhase],
    declencheurs: Mapping[str, RendezVous | None],
) -> list[ChangementPhase]:
    """The path the appointment rule wants for the dossier, in path order: its manual
    changes `manuels` (path order) and the automatic changes it places, unsaved. No query.

    An automatic phase is placed at its appointment's date only when no manual change
    holds that phase and the dossier was in the previous phase that day: not before the
    previous change, not after the next manual one. The one builder of automatic changes:
    recalculer_automatiques compares it with the stored path, and the batch import
    (accompagnement.services) writes it as is for dossiers that have no change yet.
    """
    phases_manuelles = {c.phase for c in manuels}
    parcours = list(manuels)
    for phase in PHASES_AUTOMATIQUES:
        rdv = declencheurs.get(phase)
        if rdv is None or phase in phases_manuelles:
            continue
        precedents = [c for c in parcours if RANG[c.phase] < RANG[phase]]
        suivants = [c for c in manuels if RANG[c.phase] > RANG[phase]]
        if phase != Phase.ACCUEIL and (not precedents or rdv.date < precedents[-1].date):
            continue
        if suivants and rdv.date > suivants[0].date:
            continue
        parcours.append(
            ChangementPhase(
                dossier=dossier,
                phase=phase,
                date=rdv.date,
                rendez_vous=rdv,
                automatique=True,
                auteur=None,
            )
        )
        parcours.sort(key=lambda c: RANG[c.phase])
    return parcours


def recalculer_automatiques(
    dossier: Dossier, declencheurs: Mapping[str, RendezVous | None]
) -> list[ChangementPhase]:
    """Align the changes made by the appointment rule with the appointments that trigger
    them now; return the changes written.

    `declencheurs` maps each automatic phase (accueil, maturation) to the held appointment
    that should open it, or None (the rule itself lives in accompagnement.services).

    Invariants:
    - a change entered by a person or a file (automatique=False) is never rewritten; the
      rule does not open a phase that already has one;
    - an automatic change is placed at its appointment's date only if the dossier was in
      the previous phase that day: not before the previous change, not after the next
      manual one (an appointment after a sortie opens nothing);
    - an automatic change whose appointment or date no longer matches is deleted and
      written again; removing accueil clears date_accueil and the territory snapshot;
    - the resulting path must be legal: when a manual change depends on an automatic one
      that would go or move too late (e.g. a création after a maturation whose second
      appointment was cancelled), TransitionInterdite is raised and nothing is written.
    """
    with transaction.atomic():
        verrouille = verrouiller_dossier(dossier)
        existants = _historique(verrouille)
        manuels = [c for c in existants if not c.automatique]
        parcours = parcours_de_la_regle(verrouille, manuels, declencheurs)

        gardes, a_supprimer = _comparer(existants, parcours)
        if not a_supprimer and len(gardes) == len(parcours):
            return []
        raison = _verifier_parcours(verrouille, parcours)
        if raison:
            raise TransitionInterdite(
                _message_dependance(verrouille, existants, parcours, raison),
                code="dependance_manuelle",
            )
        if a_supprimer:
            ChangementPhase.objects.filter(pk__in=[c.pk for c in a_supprimer]).delete()
        nouveaux = [c for c in parcours if c.pk is None]
        for changement in nouveaux:
            # One by one, not bulk_create: enregistre_le (auto_now_add) and the pk are set
            # the same way on every database; there are at most two.
            changement.save()

        champs = ["phase", "modifie_le", *_ecrire_parcours(verrouille, parcours)]
        verrouille.phase = parcours[-1].phase if parcours else Dossier.PAS_ENCORE_RECU
        accueil = next((c for c in parcours if c.phase == Phase.ACCUEIL), None)
        if accueil is None:
            champs += _effacer_accueil(verrouille)
        elif verrouille.date_accueil is None:
            verrouille.date_accueil = accueil.date
            champs += ["date_accueil", *prendre_territoire(verrouille)]
        else:
            # Accueil moved to another appointment: the reception territory stays the one
            # copied when it first opened.
            verrouille.date_accueil = accueil.date
            champs.append("date_accueil")
        verrouille.save(update_fields=champs)
    recopier(verrouille, dossier)
    return nouveaux


def _comparer(
    existants: Iterable[ChangementPhase], parcours: list[ChangementPhase]
) -> tuple[list[ChangementPhase], list[ChangementPhase]]:
    """Match the wanted path with the stored one: the stored automatic changes kept as they
    are (their wanted copy is replaced by the stored row) and those to delete."""
    stockes = {c.phase: c for c in existants if c.automatique}
    gardes, a_supprimer = [], []
    for index, voulu in enumerate(parcours):
        if not voulu.automatique or voulu.pk is not None:
            continue
        stocke = stockes.pop(voulu.phase, None)
        if stocke is None:
            continue
        if stocke.date == voulu.date and stocke.rendez_vous_id == voulu.rendez_vous_id:
            parcours[index] = stocke
            gardes.append(stocke)
        else:
            a_supprimer.append(stocke)
    a_supprimer.extend(stockes.values())
    gardes.extend(c for c in parcours if not c.automatique)
    return gardes, a_supprimer


def _message_dependance(
    dossier: Dossier,
    existants: list[ChangementPhase],
    parcours: list[ChangementPhase],
    raison: str,
) -> str:
    voulus = {c.phase: c for c in parcours}
    touches = []
    for ancien in existants:
        if not ancien.automatique:
            continue
        nouveau = voulus.get(ancien.phase)
        if nouveau is None:
            effet = "disparaîtrait"
        elif nouveau.date != ancien.date:
            effet = f"passerait du {_jj_mm_aaaa(ancien.date)} au {_jj_mm_aaaa(nouveau.date)}"
        else:
            continue
        touches.append(
            f"la phase « {_libelle(ancien.phase)} », ouverte automatiquement par un "
            f"rendez-vous réalisé, {effet}"
        )
    effet = " et ".join(touches) or "les phases ouvertes par les rendez-vous changeraient"
    return (
        f"Modification refusée pour le dossier {dossier.reference} : {effet}, alors que "
        f"{raison}. Rien n'a été enregistré : annulez d'abord les phases qui en dépendent."
    )


def dossiers_au_parcours_incoherent():
    """The dossiers whose cached path (date_accueil and CHAMPS_PARCOURS) disagrees with
    their phase history: none, when every writer goes through this module. One query; the
    test suite runs it after every test (tests/conftest.py)."""

    def colonne(phase: str, champ: str = "date"):
        return Subquery(
            ChangementPhase.objects.filter(dossier=OuterRef("pk"), phase=phase).values(champ)[:1]
        )

    attendus = {champ: colonne(phase) for phase, champ in DATES_DU_PARCOURS}
    attendus["type_sortie"] = Coalesce(colonne(Phase.SORTIE, "type_sortie"), Value(""))
    attendus["issue_sortie"] = Coalesce(colonne(Phase.SORTIE, "issue"), Value(""))
    # Equal, or both empty, on every column (a negated Q would leave the NULLs out).
    egaux = Q()
    for champ in attendus:
        egaux &= Q(**{champ: F(f"_{champ}")}) | Q(
            **{f"{champ}__isnull": True, f"_{champ}__isnull": True}
        )
    return (
        Dossier.objects.annotate(**{f"_{champ}": valeur for champ, valeur in attendus.items()})
        .annotate(_coherent=Case(When(egaux, then=Value(True)), default=Value(False)))
        .filter(_coherent=False)
        .order_by("pk")
    )
