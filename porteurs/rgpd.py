"""A person's rights over their data (RGPD): access (export), erasure (anonymisation) and the
retention period (anonymising people with no contact for N years).

Anonymising keeps every row and every answer the statistics count (gender, generalised
birth date, situation, income, qualification, the dossier's reception snapshot, the phase
history, the appointments' dates and durations), so that the annual report of every year is
the same before and after; it replaces everything that identifies the person or was written
about them in free text, in the live tables and in django-simple-history's tables.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accompagnement.models import ChangementPhase, RendezVous
from formations.models import AssociationInscrivante, Inscription, Presence
from porteurs.historique import Evenement, _evenements, historique_dossier
from porteurs.models import Dossier, Porteur

NOM_PERSONNE_ANONYME = "Personne anonymisée"
NOM_ASSOCIATION_ANONYME = "Association anonymisée"

# How far a generalised birth date may move from the real one: the dates giving the same
# age at a set of days all lie within a year of it.
_FENETRE = datetime.timedelta(days=366)


class DejaAnonymise(ValidationError):
    """The porteur was anonymised already: there is nothing left to erase."""


def _age(naissance: datetime.date, jour: datetime.date) -> int:
    # The same formula as Porteur.age_au and rapports.stats.avec_age (SQL): keep them equal.
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def naissance_generalisee(
    naissance: datetime.date, jours: Iterable[datetime.date]
) -> datetime.date:
    """The least precise birth date that gives the same age as `naissance` on each of `jours`
    (the porteur's reception dates), so that every age bracket of every report stays put.

    Tried in order: 1 January of a year, then the 1st of a month, then any day; within a
    level, the candidates closest to the real date first. `naissance` itself always
    qualifies, so there is always an answer; with no reception date, 1 January of the birth
    year.
    """
    jours = list(jours)
    ages = [(jour, _age(naissance, jour)) for jour in jours]

    def convient(candidat: datetime.date) -> bool:
        return all(_age(candidat, jour) == age for jour, age in ages)

    debut, fin = naissance - _FENETRE, naissance + _FENETRE
    annees = sorted(range(debut.year, fin.year + 1), key=lambda a: abs(a - naissance.year))
    premiers_janvier = [datetime.date(a, 1, 1) for a in annees]
    premiers_du_mois = sorted(
        (datetime.date(a, m, 1) for a in annees for m in range(1, 13)),
        key=lambda d: abs((d - naissance).days),
    )
    tous_les_jours = sorted(
        (debut + datetime.timedelta(days=n) for n in range((fin - debut).days + 1)),
        key=lambda d: abs((d - naissance).days),
    )
    for niveau in (premiers_janvier, premiers_du_mois, tous_les_jours):
        for candidat in niveau:
            if debut <= candidat <= fin and convient(candidat):
                return candidat
    return naissance  # unreachable: naissance is among tous_les_jours


def _dossiers_de(porteur: Porteur):
    return Dossier.objects.filter(Q(porteur=porteur) | Q(co_porteurs=porteur)).distinct()


def anonymiser_porteur(porteur: Porteur, auteur) -> Porteur:
    """Erase the identity of `porteur` and what was written about them; keep the statistics.

    Invariants:
    - one transaction, rows locked (the porteur, then the dossiers it leads);
    - Porteur: name replaced, first name, phone, e-mail, address, quartier, RNA and SIRET
      emptied, birth date generalised (`naissance_generalisee`: same age on every reception
      day of every dossier it leads or co-leads), structure creation date cut to 1 January;
      gender, situation, income, qualification, type and commune kept;
    - the dossiers it leads: title emptied; their appointments' notes and place details and
      their phase changes' comments emptied; the associations enrolling trainees that are
      linked to them lose their name, RNA and SIRET; dates, durations, phases, exits and the
      reception snapshot are untouched (the report reads them);
    - the history tables (django-simple-history) of those rows get the same values, so no
      past version keeps the identity; the admin log's labels too;
    - `anonymise_le` is set on the porteur and on the dossiers it leads; a second call
      raises DejaAnonymise and writes nothing.
    Dossiers it only co-leads belong to someone else: only its own row changes for them.
    """
    maintenant = timezone.now()
    with transaction.atomic():
        porteur = Porteur.objects.select_for_update().get(pk=porteur.pk)
        if porteur.anonymise_le is not None:
            raise DejaAnonymise(
                "Ces données ont déjà été anonymisées le "
                f"{timezone.localtime(porteur.anonymise_le):%d/%m/%Y}.",
                code="deja_anonymise",
            )
        diriges = list(Dossier.objects.select_for_update().filter(porteur=porteur).order_by("pk"))
        ids_diriges = [d.pk for d in diriges]
        jours_accueil = [
            d for d in _dossiers_de(porteur).values_list("date_accueil", flat=True) if d
        ]

        nom = NOM_ASSOCIATION_ANONYME if porteur.est_association else NOM_PERSONNE_ANONYME
        identite = {
            "nom": nom,
            "prenom": "",
            "telephone": "",
            "email": "",
            "adresse": "",
            "quartier": None,
            "rna": "",
            "siret": "",
            "date_naissance": (
                naissance_generalisee(porteur.date_naissance, jours_accueil)
                if porteur.date_naissance
                else None
            ),
            "date_creation_structure": (
                porteur.date_creation_structure.replace(month=1, day=1)
                if porteur.date_creation_structure
                else None
            ),
        }
        for champ, valeur in identite.items():
            setattr(porteur, champ, valeur)
        porteur.anonymise_le = maintenant
        # The new history row says who anonymised, and when (the history keeps the act,
        # not what was erased).
        porteur._history_user = auteur
        porteur.save()
        historique_identite = {k: v for k, v in identite.items() if k != "quartier"}
        Porteur.historique.filter(id=porteur.pk).update(
            **historique_identite, quartier_id=None, history_change_reason=None
        )

        for dossier in diriges:
            dossier.intitule = ""
            dossier.anonymise_le = maintenant
            dossier._history_user = auteur
            dossier.save(update_fields=["intitule", "anonymise_le", "modifie_le"])
        Dossier.historique.filter(id__in=ids_diriges).update(
            intitule="", history_change_reason=None
        )

        # Free text about the person: emptied without a new version (the porteur's row
        # carries the trace of the anonymisation), and in every past version.
        for modele, champs in (
            (RendezVous, {"notes": "", "lieu_precision": ""}),
            (ChangementPhase, {"commentaire": ""}),
        ):
            modele.objects.filter(dossier_id__in=ids_diriges).update(**champs)
            modele.historique.filter(dossier_id__in=ids_diriges).update(
                **champs, history_change_reason=None
            )
        AssociationInscrivante.objects.filter(dossier_id__in=ids_diriges).update(
            nom=NOM_ASSOCIATION_ANONYME, rna="", siret=""
        )

        # The admin's log keeps each object's label as it was ("Nadia Durand").
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Porteur), object_id=str(porteur.pk)
        ).update(object_repr=nom)
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Dossier),
            object_id__in=[str(pk) for pk in ids_diriges],
        ).update(object_repr="dossier anonymisé")
    return porteur


# --- Retention -----------------------------------------------------------------------------


def derniers_contacts() -> dict[int, datetime.date]:
    """The day of each porteur's last contact: the latest of its dossiers' receptions,
    appointments (planned ones included: a meeting is on the way) and phase changes, and
    the training days attended by trainees of an association linked to one of its
    dossiers; a dossier counts for its lead and its co-porteurs. A porteur with none of
    these counts from the day it was entered. Seven queries, whatever the volume."""
    par_dossier: dict[int, datetime.date] = {}

    def garder(dossier_id: int | None, jour: datetime.date | None) -> None:
        if dossier_id is not None and jour is not None:
            par_dossier[dossier_id] = max(jour, par_dossier.get(dossier_id, jour))

    for dossier_id, jour in Dossier.objects.values_list("pk", "date_accueil"):
        garder(dossier_id, jour)
    for modele, champ_date in ((RendezVous, "date"), (ChangementPhase, "date")):
        for ligne in modele.objects.values("dossier_id").annotate(m=Max(champ_date)).order_by():
            garder(ligne["dossier_id"], ligne["m"])
    for ligne in (
        Presence.objects.filter(present=True, inscription__association__dossier__isnull=False)
        .values("inscription__association__dossier_id")
        .annotate(m=Max("jour__date"))
        .order_by()
    ):
        garder(ligne["inscription__association__dossier_id"], ligne["m"])

    contacts: dict[int, datetime.date] = {}

    def etendre(porteur_id: int, dossier_id: int) -> None:
        jour = par_dossier.get(dossier_id)
        if jour is not None:
            contacts[porteur_id] = max(jour, contacts.get(porteur_id, jour))

    for dossier_id, porteur_id in Dossier.objects.values_list("pk", "porteur_id"):
        etendre(porteur_id, dossier_id)
    for dossier_id, porteur_id in Dossier.co_porteurs.through.objects.values_list(
        "dossier_id", "porteur_id"
    ):
        etendre(porteur_id, dossier_id)
    # A porteur with no dated activity at all counts from its entry in the database. Only
    # then: an import of past years must not restart everyone's retention period.
    for pk, cree_le in Porteur.objects.values_list("pk", "cree_le"):
        contacts.setdefault(pk, timezone.localdate(cree_le))
    return contacts


def date_limite(annees: int, aujourd_hui: datetime.date | None = None) -> datetime.date:
    """The day `annees` years before today (28 February for a 29 February)."""
    jour = aujourd_hui or timezone.localdate()
    try:
        return jour.replace(year=jour.year - annees)
    except ValueError:
        return jour.replace(year=jour.year - annees, day=28)


@dataclass(frozen=True)
class Inactif:
    porteur_id: int
    dernier_contact: datetime.date
    references: tuple[str, ...]


def porteurs_inactifs(
    annees: int | None = None, aujourd_hui: datetime.date | None = None
) -> list[Inactif]:
    """Porteurs not anonymised yet whose last contact (`derniers_contacts`) is before the
    day `annees` years ago (default: settings.RGPD_CONSERVATION_ANNEES), oldest contact
    first, with the references of the dossiers they lead. Reads only."""
    if annees is None:
        annees = settings.RGPD_CONSERVATION_ANNEES
    limite = date_limite(annees, aujourd_hui)
    contacts = derniers_contacts()
    ids = set(Porteur.objects.filter(anonymise_le__isnull=True).values_list("pk", flat=True))
    candidats = {pk: jour for pk, jour in contacts.items() if pk in ids and jour < limite}
    references: dict[int, list[str]] = defaultdict(list)
    for porteur_id, reference in (
        Dossier.objects.filter(porteur_id__in=candidats)
        .order_by("reference")
        .values_list("porteur_id", "reference")
    ):
        references[porteur_id].append(reference)
    return [
        Inactif(pk, jour, tuple(references[pk]))
        for pk, jour in sorted(candidats.items(), key=lambda c: (c[1], c[0]))
    ]


# --- Right of access ---------------------------------------------------------------------


def _valeur(objet, champ) -> object:
    valeur = getattr(objet, champ.attname)
    if champ.choices and valeur not in (None, ""):
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if champ.is_relation:
        lie = getattr(objet, champ.name)
        return str(lie) if lie is not None else None
    if isinstance(valeur, datetime.datetime):
        return timezone.localtime(valeur).isoformat(timespec="minutes")
    if isinstance(valeur, datetime.date | datetime.time):
        return valeur.isoformat()
    return valeur


def _fiche(objet, exclus: Iterable[str] = ()) -> dict:
    """Every stored field of `objet`, by its French label, values as read by staff."""
    exclus = {"id", *exclus}
    return {
        str(champ.verbose_name): _valeur(objet, champ)
        for champ in objet._meta.concrete_fields
        if champ.name not in exclus
    }


def donnees_personne(porteur: Porteur) -> dict:
    """Everything the association holds about `porteur`, for a right-of-access request
    (article 15): the porteur, each dossier it leads or co-leads with its appointments
    (confidential notes included: they are about the person), phase changes, trainings of
    an association linked to the dossier (the trainees are other people: counted, not
    named) and the history of changes (who, when, what). JSON-able."""
    dossiers = []
    for dossier in (
        _dossiers_de(porteur)
        .select_related(
            "porteur",
            "referent",
            "prescripteur",
            "commune_accueil",
            "epci_accueil",
            "territoire_gouvernance_accueil",
            "quartier_accueil",
        )
        .order_by("reference")
    ):
        rendez_vous = dossier.rendez_vous.select_related("charge", "point_accueil", "cree_par")
        changements = dossier.changements_phase.select_related(
            "auteur", "orientation_vers", "rendez_vous"
        )
        formations = []
        for inscription in (
            Inscription.objects.filter(association__dossier=dossier)
            .select_related("session__module", "association")
            .order_by("session__date_debut", "pk")
        ):
            formations.append(
                {
                    "association": inscription.association.nom,
                    "module": inscription.session.module.nom,
                    "du": inscription.session.date_debut.isoformat(),
                    "au": inscription.session.date_fin.isoformat(),
                    "statut": inscription.get_statut_display(),
                    "jours de présence": inscription.presences.filter(present=True).count(),
                }
            )
        dossiers.append(
            {
                "référence": dossier.reference,
                "rôle": "porteur principal" if dossier.porteur_id == porteur.pk else "co-porteur",
                "dossier": _fiche(dossier, exclus=["porteur"]),
                "co-porteurs": [str(p) for p in dossier.co_porteurs.all()],
                "rendez-vous": [_fiche(r, exclus=["dossier"]) for r in rendez_vous],
                "changements de phase": [_fiche(c, exclus=["dossier"]) for c in changements],
                "formations": formations,
                # The porteur's own versions are given once, below; the lead porteur's
                # versions of a co-led dossier are another person's data.
                "historique des modifications": [
                    _evenement(e) for e in historique_dossier(dossier) if e.objet != "porteur"
                ],
            }
        )
    versions = Porteur.historique.filter(id=porteur.pk).select_related("history_user")
    return {
        "responsable du traitement": "Maillage",
        "exporté le": timezone.localtime().isoformat(timespec="minutes"),
        "porteur": _fiche(porteur),
        "historique des modifications du porteur": [
            _evenement(e)
            for e in sorted(
                _evenements(Porteur, versions, lambda v: "porteur"),
                key=lambda e: e.quand,
                reverse=True,
            )
        ],
        "dossiers": dossiers,
    }


def _evenement(e: Evenement) -> dict:
    return {
        "quand": timezone.localtime(e.quand).isoformat(timespec="minutes"),
        "qui": e.qui,
        "action": e.action,
        "objet": e.objet,
        "modifications": [
            {"champ": m.champ, "avant": m.avant, "après": m.apres} for m in e.modifications
        ],
    }


def html_donnees_personne(porteur: Porteur, donnees: dict | None = None) -> str:
    """The same data as `donnees_personne`, as a document to print (rapports.pdf)."""
    donnees = donnees or donnees_personne(porteur)

    def historique(evenements: list[dict]) -> list[dict]:
        return [
            {
                **e,
                "modifications": [(m["champ"], m["avant"], m["après"]) for m in e["modifications"]],
            }
            for e in evenements
        ]

    dossiers = [
        {
            "reference": d["référence"],
            "role": d["rôle"],
            "fiche": list(d["dossier"].items()),
            "co_porteurs": d["co-porteurs"],
            "rendez_vous": [list(r.items()) for r in d["rendez-vous"]],
            "changements": [list(c.items()) for c in d["changements de phase"]],
            "formations": [list(f.items()) for f in d["formations"]],
            "historique": historique(d["historique des modifications"]),
        }
        for d in donnees["dossiers"]
    ]
    return render_to_string(
        "porteurs/rgpd/donnees_pdf.html",
        {
            "porteur": porteur,
            "exporte_le": donnees["exporté le"],
            "fiche": list(donnees["porteur"].items()),
            "historique": historique(donnees["historique des modifications du porteur"]),
            "dossiers": dossiers,
        },
    )
