"""Writes of the casework that touch several models: appointments and receptions.

The appointment rule lives here: the first HELD appointment of a dossier (statut
"réalisé") opens accueil at its date, the second held one moves the dossier from accueil to
maturation at its date. Planned, cancelled and no-show appointments do not count. The rule
is applied after every write of an appointment, from the appointments as they are in the
database, so an edit (a held appointment cancelled, a date moved, a late entry) recomputes
the automatic changes; `phases.recalculer_automatiques` places them and refuses an edit
that a later manual change depends on. Each function runs in one transaction, with the
dossier row locked first so that two staff members writing the same dossier are serialised.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from accompagnement import phases
from accompagnement.models import RendezVous
from porteurs.models import Dossier, Phase, Porteur
from porteurs.services import detecter_doublons

# The fields an appointment edit may change (moving it to another dossier is a deletion and
# a new entry, so that both dossiers' phases are recomputed).
CHAMPS_MODIFIABLES = frozenset(
    {
        "date",
        "heure",
        "duree_minutes",
        "charge",
        "lieu",
        "point_accueil",
        "lieu_precision",
        "objet",
        "collectif",
        "statut",
        "notes",
    }
)


class DoublonBloquant(ValidationError):
    """The person to receive already exists (same name and birth date)."""


def _declencheurs(dossier: Dossier, *, sauf: int | None = None) -> dict[str, RendezVous | None]:
    """The appointment rule: the first and second held appointments open accueil and
    maturation. Same-day appointments are ordered by time (no time last), then by entry.
    `sauf`: an appointment about to be deleted."""
    realises = RendezVous.objects.filter(dossier=dossier).realises()
    if sauf is not None:
        realises = realises.exclude(pk=sauf)
    premiers = list(realises.order_by("date", F("heure").asc(nulls_last=True), "pk")[:2])
    return {
        Phase.ACCUEIL: premiers[0] if premiers else None,
        Phase.MATURATION: premiers[1] if len(premiers) > 1 else None,
    }


def _appliquer_regle(dossier: Dossier, *, sauf: int | None = None) -> None:
    phases.recalculer_automatiques(dossier, _declencheurs(dossier, sauf=sauf))


def _enregistrer(rendez_vous: RendezVous, auteur) -> RendezVous:
    rendez_vous.cree_par = auteur
    rendez_vous.clean()
    rendez_vous.save()
    _appliquer_regle(rendez_vous.dossier)
    return rendez_vous


def enregistrer_rendez_vous(
    dossier: Dossier,
    *,
    auteur,
    date: datetime.date,
    charge,
    heure: datetime.time | None = None,
    duree_minutes: int = 60,
    lieu: str = RendezVous.Lieu.LOCAUX,
    point_accueil=None,
    lieu_precision: str = "",
    objet: str = RendezVous.Objet.SUIVI,
    collectif: bool = False,
    statut: str = RendezVous.Statut.REALISE,
    notes: str = "",
) -> RendezVous:
    """Record an appointment of the dossier and apply the appointment rule.

    Invariants: one transaction; the dossier row is locked before anything is read; a held
    or no-show appointment is not dated after today and a point d'accueil is given exactly
    when the place is one (ValidationError otherwise); when the rule cannot place its
    changes (TransitionInterdite), the appointment is not written either. The arguments
    carry the model's field names, so a form's cleaned_data can be passed as is.
    """
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(dossier)
        rendez_vous = RendezVous(
            dossier=verrouille,
            date=date,
            heure=heure,
            duree_minutes=duree_minutes,
            charge=charge,
            lieu=lieu,
            point_accueil=point_accueil,
            lieu_precision=lieu_precision,
            objet=objet,
            collectif=collectif,
            statut=statut,
            notes=notes,
        )
        _enregistrer(rendez_vous, auteur)
    phases.recopier(verrouille, dossier)
    return rendez_vous


def modifier_rendez_vous(rendez_vous: RendezVous, **champs) -> RendezVous:
    """Change an appointment's fields (names from CHAMPS_MODIFIABLES) and apply the rule.

    Invariants: as enregistrer_rendez_vous. When the change alters which appointments are
    held, or their dates, the automatic accueil / maturation are recomputed; if a later
    manual change depends on them (a création after the maturation this appointment
    opened), TransitionInterdite is raised and neither the appointment nor the history
    changes. On refusal the instance passed keeps the new values (for the form to show).
    """
    inconnus = set(champs) - CHAMPS_MODIFIABLES
    if inconnus:
        raise TypeError(f"Champs non modifiables : {', '.join(sorted(inconnus))}")
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(rendez_vous.dossier)
        for nom, valeur in champs.items():
            setattr(rendez_vous, nom, valeur)
        rendez_vous.clean()
        rendez_vous.save()
        _appliquer_regle(verrouille)
    phases.recopier(verrouille, rendez_vous.dossier)
    return rendez_vous


def supprimer_rendez_vous(rendez_vous: RendezVous) -> None:
    """Delete an appointment entered by mistake and apply the rule without it.

    Invariants: as modifier_rendez_vous (the automatic changes it triggered are recomputed
    first, which may be refused); one transaction.
    """
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(rendez_vous.dossier)
        # Recompute as if it were already gone, so that no change points to it any more.
        _appliquer_regle(verrouille, sauf=rendez_vous.pk)
        rendez_vous.delete()
    phases.recopier(verrouille, rendez_vous.dossier)


def annuler_dernier_changement(dossier: Dossier) -> None:
    """Undo the dossier's last manual phase change (entered by mistake), then apply the
    appointment rule again (e.g. undoing a manual maturation of a dossier that has two held
    appointments lets the rule open maturation at the second one's date).

    Invariants: one transaction; only the last change, and only a manual one, can be undone
    (TransitionInterdite otherwise); the rest of the path stays legal.
    """
    with transaction.atomic():
        verrouille = phases.verrouiller_dossier(dossier)
        phases.retirer_dernier_changement(verrouille)
        _appliquer_regle(verrouille)
    phases.recopier(verrouille, dossier)


def ouvrir_dossier(
    dossier: Dossier,
    rendez_vous: RendezVous,
    *,
    auteur,
    co_porteurs=(),
) -> Dossier:
    """Save a new dossier of an existing porteur (`dossier.porteur` set) with its first
    appointment, and apply the rule (a held appointment opens accueil at once).

    Invariants: one transaction; the dossier gets a reference if it has none; the
    appointment is attached to the new dossier whatever it pointed to.
    """
    with transaction.atomic():
        dossier.clean()
        dossier.save()
        if co_porteurs:
            dossier.co_porteurs.set(co_porteurs)
        rendez_vous.dossier = dossier
        _enregistrer(rendez_vous, auteur)
    return dossier


def recevoir_nouvelle_personne(
    porteur: Porteur,
    dossier: Dossier,
    rendez_vous: RendezVous,
    *,
    auteur,
    co_porteurs=(),
) -> Dossier:
    """Receive someone new in one step: create the porteur, their dossier and the accueil
    appointment (unsaved instances, e.g. from three forms), return the dossier.

    Invariants: one transaction, all or nothing; refused with DoublonBloquant when a
    porteur with the same name and birth date exists (close names are only a warning, for
    the view to show before calling this); a held appointment opens accueil at its date and
    copies the porteur's territory onto the dossier.
    """
    with transaction.atomic():
        bloquants, _proches = detecter_doublons(
            porteur.nom, porteur.prenom, porteur.date_naissance, porteur.commune
        )
        if bloquants:
            existants = ", ".join(f"{p} (né(e) le {p.date_naissance:%d/%m/%Y})" for p in bloquants)
            raise DoublonBloquant(
                f"Cette personne existe déjà : {existants}. Ouvrez-lui un nouveau dossier "
                "plutôt que de la créer une seconde fois.",
                code="doublon",
            )
        porteur.clean()
        porteur.save()
        dossier.porteur = porteur
        return ouvrir_dossier(dossier, rendez_vous, auteur=auteur, co_porteurs=co_porteurs)
