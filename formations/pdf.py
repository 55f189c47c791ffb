"""The training documents as PDF: the attendance certificate of a trainee for a session, and
the attendance sheet of a session to be signed.

Both follow the exporters' small contract `Document(nom, type_mime, contenu)`; the HTML is
rendered from templates/formations/pdf/ and turned into a PDF by rapports.pdf.rendre_pdf
(the report's print stylesheet, plus each document's own page rules, which win because
they are more specific).
"""

import datetime
import math
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from formations.models import Inscription, JourSession, Session
from rapports.pdf import rendre_pdf

TYPE_PDF = "application/pdf"


@dataclass(frozen=True)
class Organisme:
    """The training body that signs, as printed on the cover of the annual report."""

    nom: str
    adresse: str
    code_postal_ville: str
    siret: str
    numero_of: str


# From the cover of the 2013 report. A change of address would be a code change: rare
# enough that a settings screen is not worth it yet.
MAILLAGE = Organisme(
    nom="Maillage",
    adresse="72/1 rue d'Arcole",
    code_postal_ville="59000 LILLE",
    siret="433 115 813 00050",
    numero_of="31 59 07457 59",
)


@dataclass(frozen=True)
class Document:
    nom: str
    type_mime: str
    contenu: bytes


class AttestationImpossible(Exception):
    """No certificate for this enrolment; the message says why, in French."""


@dataclass(frozen=True)
class Signataire:
    nom: str
    fonction: str


def signataire(au: datetime.date) -> Signataire | None:
    """The staff member who signs for the association on `au`: the one whose job title says
    "direct..." (directeur, directrice) and who was on the staff that day; None when there
    is none (the document then keeps a blank line for a handwritten name). One query."""
    candidats = (
        get_user_model()
        .objects.filter(fonction__icontains="direct", is_active=True)
        .filter(Q(date_entree__isnull=True) | Q(date_entree__lte=au))
        .filter(Q(date_sortie__isnull=True) | Q(date_sortie__gte=au))
        .order_by("-date_entree", "pk")
    )
    directeur = candidats.first()
    if directeur is None:
        return None
    return Signataire(nom=str(directeur), fonction=directeur.fonction)


# --- Attendance certificate ---------------------------------------------------------------


def verifier_attestation(inscription: Inscription) -> list[JourSession]:
    """The days the trainee attended; AttestationImpossible when the enrolment is not
    confirmed or no day of attendance is recorded. One query."""
    if inscription.statut != Inscription.Statut.INSCRIT:
        raise AttestationImpossible(
            f"L'inscription de {inscription.stagiaire} est "
            f"« {inscription.get_statut_display()} » : une attestation de présence n'est "
            "délivrée que pour une inscription confirmée."
        )
    presents = list(
        JourSession.objects.filter(
            presences__inscription=inscription, presences__present=True
        ).order_by("date")
    )
    if not presents:
        raise AttestationImpossible(
            f"Aucune journée de présence n'est relevée pour {inscription.stagiaire} : "
            "relevez les présences de la session avant d'éditer l'attestation."
        )
    return presents


def html_attestation(inscription: Inscription, *, le: datetime.date | None = None) -> str:
    presents = verifier_attestation(inscription)
    session = inscription.session
    le = le or timezone.localdate()
    return render_to_string(
        "formations/pdf/attestation.html",
        {
            "organisme": MAILLAGE,
            "inscription": inscription,
            "stagiaire": inscription.stagiaire,
            "session": session,
            "jours_presents": presents,
            "jours_session": session.jours.count(),
            "signataire": signataire(le),
            "le": le,
        },
    )


def attestation(inscription: Inscription, *, le: datetime.date | None = None) -> Document:
    """The attendance certificate of a confirmed enrolment with at least one day present
    (AttestationImpossible otherwise), signed on `le` (today by default)."""
    session = inscription.session
    nom = slugify(f"{inscription.stagiaire.nom} {inscription.stagiaire.prenom}") or "stagiaire"
    fichier = f"attestation-presence-{nom}-{session.module.code}-{session.date_debut:%Y%m%d}.pdf"
    return Document(fichier, TYPE_PDF, rendre_pdf(html_attestation(inscription, le=le)))


# --- Attendance sheet ---------------------------------------------------------------------

# Blank rows at the bottom of the sheet, for a trainee enrolled at the last minute.
LIGNES_VIERGES = 2


@dataclass(frozen=True)
class Colonne:
    numero: int
    date: datetime.date | None  # None: the session's days are not dated yet


def contexte_emargement(session: Session) -> dict:
    """What the sheet shows, for the HTML page and the PDF alike: one row per confirmed
    trainee (by name), one column per day of the session. Three queries."""
    jours = list(session.jours.order_by("date"))
    if jours:
        colonnes = [Colonne(n, j.date) for n, j in enumerate(jours, start=1)]
    else:
        # Undated days: as many columns as started days, dates written by hand.
        colonnes = [Colonne(n, None) for n in range(1, math.ceil(session.nombre_jours) + 1)]
    inscrits = list(
        session.inscriptions.confirmees()
        .select_related("stagiaire", "association")
        .order_by("stagiaire__nom", "stagiaire__prenom", "pk")
    )
    return {
        "organisme": MAILLAGE,
        "session": session,
        "formateurs": list(session.formateurs.all()),
        "colonnes": colonnes,
        "inscrits": inscrits,
        "lignes_vierges": range(LIGNES_VIERGES),
    }


def feuille_emargement(session: Session) -> Document:
    """The attendance sheet to print and sign, A4 landscape."""
    html = render_to_string("formations/pdf/emargement.html", contexte_emargement(session))
    fichier = f"emargement-{session.module.code}-{session.date_debut:%Y%m%d}.pdf"
    return Document(fichier, TYPE_PDF, rendre_pdf(html))
