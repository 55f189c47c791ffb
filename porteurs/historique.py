"""The history of a dossier as staff read it: who changed what, and when, on the dossier,
its porteur, its appointments and its phase changes (django-simple-history's tables)."""

from collections import defaultdict
from dataclasses import dataclass, field

from accompagnement.models import ChangementPhase, RendezVous
from porteurs.models import Dossier, Porteur

PHASES = dict(ChangementPhase._meta.get_field("phase").flatchoices)
ACTIONS = {"+": "création", "~": "modification", "-": "suppression"}
# Bookkeeping fields that say nothing to a reader.
IGNORES = {"id", "cree_le", "modifie_le", "enregistre_le", "cree_par"}


@dataclass(frozen=True)
class Modification:
    champ: str
    avant: str
    apres: str


@dataclass(frozen=True)
class Evenement:
    quand: object
    qui: str
    objet: str
    action: str
    modifications: list[Modification] = field(default_factory=list)


def _valeur(modele, nom: str, enregistrement) -> str:
    champ = modele._meta.get_field(nom)
    valeur = getattr(enregistrement, champ.attname)
    if valeur in (None, ""):
        return "—"
    if champ.choices:
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if hasattr(valeur, "strftime"):
        return valeur.strftime("%d/%m/%Y %H:%M" if hasattr(valeur, "hour") else "%d/%m/%Y")
    return str(valeur)


def _champs(modele) -> list[str]:
    return [
        f.name
        for f in modele._meta.concrete_fields
        if f.name not in IGNORES and f.name != "notes" and not f.primary_key
    ]


def _evenements(modele, enregistrements, libelle) -> list[Evenement]:
    par_objet = defaultdict(list)
    for e in enregistrements:
        par_objet[e.id].append(e)
    evenements = []
    for versions in par_objet.values():
        versions.sort(key=lambda v: (v.history_date, v.history_id))
        precedente = None
        for version in versions:
            modifications = []
            if precedente is not None and version.history_type == "~":
                for nom in _champs(modele):
                    avant = _valeur(modele, nom, precedente)
                    apres = _valeur(modele, nom, version)
                    if avant != apres:
                        verbose = str(modele._meta.get_field(nom).verbose_name)
                        modifications.append(Modification(verbose, avant, apres))
                # Confidential notes: say they changed, never show them in the history.
                if getattr(precedente, "notes", None) != getattr(version, "notes", None):
                    modifications.append(Modification("notes (confidentielles)", "…", "…"))
            if version.history_type != "~" or modifications:
                evenements.append(
                    Evenement(
                        quand=version.history_date,
                        qui=str(version.history_user) if version.history_user else "système",
                        objet=libelle(version),
                        action=ACTIONS[version.history_type],
                        modifications=modifications,
                    )
                )
            precedente = version
    return evenements


def historique_dossier(dossier: Dossier) -> list[Evenement]:
    """Newest first. Four queries, whatever the number of versions."""
    sources = [
        (
            Dossier,
            Dossier.historique.filter(id=dossier.pk),
            lambda v: f"dossier {v.reference}",
        ),
        (
            Porteur,
            Porteur.historique.filter(id=dossier.porteur_id),
            lambda v: "porteur",
        ),
        (
            RendezVous,
            RendezVous.historique.filter(dossier_id=dossier.pk),
            lambda v: f"rendez-vous du {v.date:%d/%m/%Y}",
        ),
        (
            ChangementPhase,
            ChangementPhase.historique.filter(dossier_id=dossier.pk),
            lambda v: f"phase {PHASES.get(v.phase, v.phase)}",
        ),
    ]
    evenements: list[Evenement] = []
    for modele, qs, libelle in sources:
        evenements += _evenements(modele, qs.select_related("history_user"), libelle)
    return sorted(evenements, key=lambda e: e.quand, reverse=True)
