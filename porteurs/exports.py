"""Export of the dossier list for a funder's spreadsheet: one row per person (the lead
porteur and each co-porteur), so that a spreadsheet can count people.

Follows the exporters' contract of the house style: (filename, content_type, bytes).
"""

import re
from collections.abc import Iterable

import tablib
from django.utils import timezone

from porteurs.models import Dossier, Porteur

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

COLONNES = [
    "référence",
    "rôle",
    "type",
    "nom",
    "prénom",
    "genre",
    "âge à l'accueil",
    "commune à l'accueil",
    "code INSEE",
    "EPCI à l'accueil",
    "quartier à l'accueil",
    "quartier prioritaire",
    "situation professionnelle",
    "revenu",
    "niveau de qualification",
    "dispositif",
    "phase",
    "date d'accueil",
    "référent(e)",
    "prescripteur",
    "secteur",
    "projet collectif",
    "emplois créés",
]

# A cell that starts with one of these is read as a formula by spreadsheets (CSV injection).
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
# Control characters that an XLSX file cannot hold (openpyxl refuses the whole export):
# they come in with text pasted from other software (a vertical tab from Word...).
CARACTERES_DE_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cellule_sure(valeur):
    """The value as a spreadsheet may safely receive it: text never starts a formula (an
    apostrophe before = + - @ tab and carriage return makes it text) and holds no control
    character; other values are unchanged."""
    if not isinstance(valeur, str):
        return valeur
    valeur = CARACTERES_DE_CONTROLE.sub(" ", valeur)
    # Leading spaces too: some spreadsheets trim them before reading the cell.
    if valeur.lstrip(" \n").startswith(DEBUTS_DE_FORMULE):
        return "'" + valeur
    return valeur


def _oui_non_nr(valeur: bool | None) -> str:
    return "non renseigné" if valeur is None else ("oui" if valeur else "non")


def _ligne(dossier: Dossier, porteur: Porteur, role: str) -> list:
    age = porteur.age_au(dossier.date_accueil) if dossier.date_accueil else None
    commune = dossier.commune_accueil if role == "porteur principal" else porteur.commune
    return [
        dossier.reference,
        role,
        porteur.get_type_porteur_display(),
        porteur.nom,
        porteur.prenom,
        porteur.get_genre_display(),
        "" if age is None else age,
        commune.nom if commune else "non renseigné",
        commune.code_insee if commune else "",
        str(dossier.epci_accueil) if dossier.epci_accueil else "non renseigné",
        dossier.quartier_accueil.nom if dossier.quartier_accueil else "non renseigné",
        _oui_non_nr(dossier.qpv_accueil),
        porteur.get_situation_professionnelle_display(),
        porteur.get_revenu_display(),
        porteur.get_niveau_qualification_display(),
        dossier.get_dispositif_display(),
        dossier.get_phase_display() or "pas encore reçu",
        dossier.date_accueil.strftime("%d/%m/%Y") if dossier.date_accueil else "",
        str(dossier.referent) if dossier.referent else "",
        str(dossier.prescripteur) if dossier.prescripteur else "non renseigné",
        dossier.get_secteur_display(),
        dossier.get_projet_collectif_display(),
        dossier.emplois_crees,
    ]


def lignes(dossiers: Iterable[Dossier]) -> Iterable[list]:
    for dossier in dossiers:
        yield _ligne(dossier, dossier.porteur, "porteur principal")
        for co in dossier.co_porteurs.all():
            yield _ligne(dossier, co, "co-porteur")


def exporter_dossiers(dossiers: Iterable[Dossier], format: str) -> tuple[str, str, bytes]:
    if format not in FORMATS:
        raise ValueError(f"Format d'export inconnu : {format}")
    donnees = tablib.Dataset(headers=COLONNES)
    for ligne in lignes(dossiers):
        donnees.append([cellule_sure(v) for v in ligne])
    horodatage = timezone.localtime().strftime("%Y-%m-%d_%H%M")
    nom = f"dossiers_{horodatage}.{format}"
    if format == "csv":
        # Semicolons and a BOM: what a French spreadsheet opens without asking.
        contenu = ("\ufeff" + donnees.export("csv", delimiter=";")).encode("utf-8")
    else:
        contenu = donnees.export("xlsx")
    return nom, FORMATS[format], contenu
