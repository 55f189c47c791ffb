"""Enrolments and trainees' paths: the only writers of Inscription.statut and rang_attente.

A session's capacity holds under concurrent enrolments because every function here that
changes who holds a seat first locks the session row (SELECT ... FOR UPDATE on PostgreSQL;
on SQLite the IMMEDIATE transactions set in settings serialise writers) and only then counts
the confirmed enrolments. The unique constraints on (session, stagiaire) and (session,
rang_attente) are the database's last guard.
"""

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from formations.models import (
    AssociationInscrivante,
    Inscription,
    JourSession,
    Module,
    Presence,
    Session,
    Stagiaire,
)
from porteurs.models import NR


@dataclass(frozen=True)
class Fiche:
    """The answers of a fiche de renseignement (each may be "nr")."""

    genre: str = NR
    tranche_age: str = NR
    sphere_dirigeante: str = NR
    emploi: str = NR


# --- Trainees ----------------------------------------------------------------------------


def normaliser_nom(texte: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: "Lemaître-Dupont " and
    "lemaitre dupont" are the same name."""
    decompose = unicodedata.normalize("NFKD", texte)
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    lettres = "".join(c if c.isalnum() else " " for c in sans_accents.casefold())
    return " ".join(lettres.split())


def trouver_stagiaire(
    nom: str,
    prenom: str,
    *,
    date_naissance: datetime.date | None = None,
    email: str = "",
) -> Stagiaire | None:
    """The existing trainee who is this person, or None.

    A person matches when the normalised first and last names are equal and either the
    birth dates are equal or the e-mail addresses are equal (case-insensitive). A known
    birth date that differs rules the match out even when the e-mail is equal: an
    association often enrols several volunteers with its own address.
    One query (candidates by birth date or e-mail, both indexed).
    """
    email = email.strip()
    criteres = Q()
    if date_naissance is not None:
        criteres |= Q(date_naissance=date_naissance)
    if email:
        criteres |= Q(email__iexact=email)
    if not criteres:
        return None
    cle = (normaliser_nom(nom), normaliser_nom(prenom))
    for candidat in Stagiaire.objects.filter(criteres).order_by("pk"):
        if (normaliser_nom(candidat.nom), normaliser_nom(candidat.prenom)) != cle:
            continue
        if (
            date_naissance is not None
            and candidat.date_naissance is not None
            and candidat.date_naissance != date_naissance
        ):
            continue
        return candidat
    return None


def trouver_ou_creer_stagiaire(
    nom: str,
    prenom: str,
    *,
    date_naissance: datetime.date | None = None,
    email: str = "",
    genre: str = NR,
    telephone: str = "",
) -> tuple[Stagiaire, bool]:
    """The existing trainee who is this person (see `trouver_stagiaire`), or a new one;
    and whether it was created. An existing trainee's missing birth date, e-mail, phone
    and gender are completed from what is given; nothing known is overwritten."""
    with transaction.atomic():
        stagiaire = trouver_stagiaire(nom, prenom, date_naissance=date_naissance, email=email)
        if stagiaire is None:
            stagiaire = Stagiaire.objects.create(
                nom=nom.strip(),
                prenom=prenom.strip(),
                date_naissance=date_naissance,
                email=email.strip(),
                genre=genre,
                telephone=telephone.strip(),
            )
            return stagiaire, True
        champs = []
        for nom_champ, valeur, vide in (
            ("date_naissance", date_naissance, None),
            ("email", email.strip(), ""),
            ("telephone", telephone.strip(), ""),
            ("genre", genre, NR),
        ):
            if valeur not in (None, "", NR) and getattr(stagiaire, nom_champ) == vide:
                setattr(stagiaire, nom_champ, valeur)
                champs.append(nom_champ)
        if champs:
            stagiaire.save(update_fields=champs)
        return stagiaire, False


# --- Enrolments --------------------------------------------------------------------------


class InscriptionImpossible(Exception):
    """An enrolment the rules refuse. Nothing was written."""


def _verrouiller(session: Session) -> Session:
    """Re-read the session with its row locked until the end of the transaction."""
    return Session.objects.select_for_update().get(pk=session.pk)


def _places_prises(session: Session) -> int:
    """Confirmed enrolments of the (locked) session."""
    return session.inscriptions.filter(statut=Inscription.Statut.INSCRIT).count()


def _rang_suivant(session: Session) -> int:
    dernier = session.inscriptions.aggregate(dernier=Max("rang_attente"))["dernier"]
    return (dernier or 0) + 1


def inscrire(
    session: Session,
    stagiaire: Stagiaire,
    association: AssociationInscrivante,
    *,
    fiche: Fiche | None = None,
) -> Inscription:
    """Enrol the trainee in the session for the association; return the enrolment.

    Invariants:
    - in one transaction, with the session row locked before the seats are counted, so
      that two enrolments arriving together never both take the last seat;
    - while confirmed enrolments are fewer than the capacity the enrolment is confirmed
      (statut "inscrit"); otherwise it joins the end of the waiting list (statut
      "liste_attente", rang_attente = last rank + 1);
    - one enrolment per trainee and session: enrolling again someone already enrolled or
      waiting returns their enrolment unchanged; a cancelled enrolment is reopened (seat
      or waiting list, as above) rather than duplicated;
    - the fiche, when given, is recorded on the enrolment; when None, an existing fiche is
      kept and a new enrolment has none (all answers NR).
    """
    with transaction.atomic():
        verrouillee = _verrouiller(session)
        existante = Inscription.objects.filter(session=verrouillee, stagiaire=stagiaire).first()
        if existante is not None and existante.statut != Inscription.Statut.ANNULE:
            return existante
        inscription = existante or Inscription(session=verrouillee, stagiaire=stagiaire)
        inscription.association = association
        inscription.inscrit_le = timezone.now()
        inscription.annule_le = None
        if _places_prises(verrouillee) < verrouillee.capacite:
            inscription.statut = Inscription.Statut.INSCRIT
            inscription.rang_attente = None
        else:
            inscription.statut = Inscription.Statut.LISTE_ATTENTE
            inscription.rang_attente = _rang_suivant(verrouillee)
        if fiche is not None:
            _copier_fiche(inscription, fiche)
        inscription.save()
        return inscription


def _copier_fiche(inscription: Inscription, fiche: Fiche) -> None:
    inscription.fiche_renseignee = True
    inscription.fiche_genre = fiche.genre
    inscription.fiche_tranche_age = fiche.tranche_age
    inscription.fiche_sphere_dirigeante = fiche.sphere_dirigeante
    inscription.fiche_emploi = fiche.emploi


def completer_depuis_liste_attente(session: Session) -> list[Inscription]:
    """Give the free seats of the session to the waiting list, first in line first; return
    the enrolments confirmed. Also used after the capacity was raised.

    Invariant: after it, either the session is full or its waiting list is empty.
    """
    with transaction.atomic():
        verrouillee = _verrouiller(session)
        libres = verrouillee.capacite - _places_prises(verrouillee)
        if libres <= 0:
            return []
        promues = list(verrouillee.inscriptions.en_attente()[:libres])
        for inscription in promues:
            inscription.statut = Inscription.Statut.INSCRIT
            inscription.rang_attente = None
            inscription.save(update_fields=["statut", "rang_attente", "modifie_le"])
        return promues


def annuler_inscription(inscription: Inscription) -> list[Inscription]:
    """Cancel the enrolment (confirmed or waiting) and give the freed seat to the first on
    the waiting list; return the enrolments so confirmed (none or one).

    The enrolment row is kept (statut "annule", annule_le set) so that the history of the
    session and of the trainee stays readable; its attendance rows are kept too.
    Cancelling an enrolment already cancelled changes nothing.
    """
    with transaction.atomic():
        _verrouiller(inscription.session)
        inscription.refresh_from_db()
        if inscription.statut == Inscription.Statut.ANNULE:
            return []
        inscription.statut = Inscription.Statut.ANNULE
        inscription.rang_attente = None
        inscription.annule_le = timezone.now()
        inscription.save(update_fields=["statut", "rang_attente", "annule_le", "modifie_le"])
        return completer_depuis_liste_attente(inscription.session)


def position_attente(inscription: Inscription) -> int | None:
    """The enrolment's place in the waiting line (1 = next), or None if not waiting."""
    if inscription.statut != Inscription.Statut.LISTE_ATTENTE:
        return None
    return (
        Inscription.objects.filter(
            session_id=inscription.session_id,
            statut=Inscription.Statut.LISTE_ATTENTE,
            rang_attente__lt=inscription.rang_attente,
        ).count()
        + 1
    )


# --- Attendance --------------------------------------------------------------------------


def creer_jours(session: Session, dates: Iterable[datetime.date]) -> list[JourSession]:
    """Create the session's dated days that do not exist yet; return all its days.

    Invariant: each date lies between the session's first and last day (ValueError
    otherwise, nothing written)."""
    dates = sorted(set(dates))
    hors = [d for d in dates if not session.date_debut <= d <= session.date_fin]
    if hors:
        raise ValueError(
            f"Le {hors[0]:%d/%m/%Y} n'est pas compris entre le premier et le dernier jour."
        )
    with transaction.atomic():
        existants = set(session.jours.values_list("date", flat=True))
        JourSession.objects.bulk_create(
            [JourSession(session=session, date=d) for d in dates if d not in existants]
        )
        return list(session.jours.order_by("date"))


def noter_presences(jour: JourSession, presents: Iterable[Inscription]) -> None:
    """Record the attendance sheet of one day: the confirmed enrolments of the session in
    `presents` attended, every other confirmed enrolment did not.

    Invariant: only confirmed enrolments of this day's session can be marked present
    (ValueError otherwise, nothing written). The rows of enrolments cancelled since are
    left as they were.
    """
    ids_presents = {i.pk for i in presents}
    with transaction.atomic():
        confirmees = set(
            Inscription.objects.filter(session_id=jour.session_id)
            .confirmees()
            .values_list("pk", flat=True)
        )
        intrus = ids_presents - confirmees
        if intrus:
            raise ValueError("Seul(e)s les inscrit(e)s de la session peuvent être présent(e)s.")
        Presence.objects.bulk_create(
            [Presence(inscription_id=i, jour=jour, present=i in ids_presents) for i in confirmees],
            update_conflicts=True,
            unique_fields=["inscription", "jour"],
            update_fields=["present"],
        )


# --- Paths through the five modules ---------------------------------------------------------


@dataclass(frozen=True)
class EtapeParcours:
    """One confirmed enrolment in a session of a module."""

    stagiaire: Stagiaire
    module: Module
    session: Session
    jours_presents: int | None  # None: attendance not recorded for this enrolment

    @property
    def date_debut(self) -> datetime.date:
        return self.session.date_debut

    @property
    def date_fin(self) -> datetime.date:
        return self.session.date_fin


@dataclass(frozen=True)
class Parcours:
    """Where a trainee (or an association's trainees) stands in the five modules on `au`.

    - `suivis`: enrolments in sessions finished on `au` and attended (at least one day
      present, or attendance not recorded), in module order then date;
    - `a_venir`: confirmed enrolments in sessions not finished on `au`;
    - `restants`: the modules not followed yet (they may be in `a_venir`), in order.
    An enrolment whose attendance was recorded with no day present is not a module followed.
    """

    au: datetime.date
    suivis: list[EtapeParcours] = field(default_factory=list)
    a_venir: list[EtapeParcours] = field(default_factory=list)
    restants: list[Module] = field(default_factory=list)

    @property
    def modules_suivis(self) -> list[Module]:
        vus: dict[int, Module] = {}
        for etape in self.suivis:
            vus.setdefault(etape.module.pk, etape.module)
        return list(vus.values())

    @property
    def complet(self) -> bool:
        return not self.restants


def _parcours(filtre: Q, au: datetime.date | None) -> Parcours:
    """Two queries: the modules, the confirmed enrolments with their attendance counts."""
    au = au or timezone.localdate()
    modules = list(Module.objects.order_by("ordre"))
    inscriptions = (
        Inscription.objects.filter(filtre)
        .confirmees()
        .select_related("stagiaire", "session__module")
        .annotate(
            jours_releves=Count("presences"),
            jours_presents=Count("presences", filter=Q(presences__present=True)),
        )
        .order_by("session__module__ordre", "session__date_debut", "pk")
    )
    suivis, a_venir = [], []
    for inscription in inscriptions:
        session = inscription.session
        etape = EtapeParcours(
            stagiaire=inscription.stagiaire,
            module=session.module,
            session=session,
            jours_presents=inscription.jours_presents if inscription.jours_releves else None,
        )
        if not session.est_terminee(au):
            a_venir.append(etape)
        elif etape.jours_presents is None or etape.jours_presents > 0:
            suivis.append(etape)
    faits = {etape.module.pk for etape in suivis}
    return Parcours(
        au=au,
        suivis=suivis,
        a_venir=a_venir,
        restants=[m for m in modules if m.pk not in faits],
    )


def parcours_stagiaire(stagiaire: Stagiaire, au: datetime.date | None = None) -> Parcours:
    """The trainee's path through the five modules on `au` (today by default), whatever
    the association that enrolled them. Two queries."""
    return _parcours(Q(stagiaire=stagiaire), au)


def parcours_association(
    association: AssociationInscrivante, au: datetime.date | None = None
) -> Parcours:
    """The modules the association's trainees followed (enrolled by this association),
    on `au` (today by default). Two queries."""
    return _parcours(Q(association=association), au)
