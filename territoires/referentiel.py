"""Loading the reference data of `territoires`: official geography, then the association's
own lists (CSV files in `territoires/donnees/`, edited by the direction).

Shared invariants of every loader here:
- it is idempotent: run twice on the same files, the second run creates and changes nothing
  (rows are compared field by field and saved only when a value differs);
- it never deletes a row nor a link: the direction removes things in the admin, and past
  dossiers point at these rows;
- it runs in one transaction: a bad row stops the whole load and nothing is written.

The management commands `charger_geographie` and `charger_referentiel` are thin wrappers.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction

from territoires.models import (
    EPCI,
    Commune,
    Departement,
    PointAccueil,
    Quartier,
    ReferentTerritoire,
    StructurePartenaire,
    TerritoireGouvernance,
    TerritoirePLDE,
)

DOSSIER_DONNEES = Path(__file__).resolve().parent / "donnees"
FICHIER_GEOGRAPHIE = DOSSIER_DONNEES / "geographie_59_62.json"
DEPARTEMENTS_PAR_DEFAUT: tuple[str, ...] = ("59", "62")
PAQUET_ETALAB = "@etalab/decoupage-administratif"

# Big enough to keep the number of statements low, small enough for SQLite's limit on
# variables per statement (bulk_update writes a CASE per field).
TAILLE_LOT = 500


class DepartementInconnu(ValueError):
    """A département was asked for that the geographic source does not contain."""


class ErreurReferentiel(ValueError):
    """A bad row in a reference CSV file; names the file, the line and the reason."""

    def __init__(self, fichier: str, ligne: int, raison: str) -> None:
        self.fichier, self.ligne, self.raison = fichier, ligne, raison
        super().__init__(f"{fichier}, ligne {ligne} : {raison}")


@dataclass
class Bilan:
    """What one loader did: rows created, changed, and left as they were."""

    crees: int = 0
    modifies: int = 0
    inchanges: int = 0

    def __iadd__(self, autre: Bilan) -> Bilan:
        self.crees += autre.crees
        self.modifies += autre.modifies
        self.inchanges += autre.inchanges
        return self

    @property
    def total(self) -> int:
        return self.crees + self.modifies + self.inchanges


# --- Geography ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceGeographique:
    """Communes, EPCI and départements read from the etalab package or from the vendored
    subset, in one normalised shape: EPCI members are plain INSEE codes and only
    "commune-actuelle" communes are kept."""

    origine: str
    departements: list[dict[str, Any]]
    epci: list[dict[str, Any]]
    communes: list[dict[str, Any]]

    def codes_departements(self) -> list[str]:
        return sorted(d["code"] for d in self.departements)


@dataclass
class BilanGeographie:
    departements: Bilan = field(default_factory=Bilan)
    epci: Bilan = field(default_factory=Bilan)
    communes: Bilan = field(default_factory=Bilan)
    communes_par_departement: dict[str, int] = field(default_factory=dict)


def lire_source_etalab(dossier: Path) -> SourceGeographique:
    """Read the `data/` directory of an unpacked @etalab/decoupage-administratif package.

    Invariants: only communes of type "commune-actuelle" are returned (associated and
    delegated communes and municipal arrondissements are parts of a commune, not
    communes); EPCI members are reduced to their INSEE codes.
    """
    dossier = Path(dossier)
    try:
        communes = json.loads((dossier / "communes.json").read_text(encoding="utf-8"))
        epci = json.loads((dossier / "epci.json").read_text(encoding="utf-8"))
        departements = json.loads((dossier / "departements.json").read_text(encoding="utf-8"))
    except FileNotFoundError as erreur:
        raise FileNotFoundError(
            f"Fichier absent de la source géographique : {erreur.filename}"
        ) from erreur
    return SourceGeographique(
        origine=str(dossier),
        departements=[{"code": d["code"], "nom": d["nom"]} for d in departements],
        epci=[
            {
                "code": e["code"],
                "nom": e["nom"],
                "type": e.get("type", ""),
                "membres": [m["code"] for m in e.get("membres", [])],
            }
            for e in epci
        ],
        communes=[
            {
                "code": c["code"],
                "nom": c["nom"],
                "departement": c.get("departement", ""),
                "codesPostaux": c.get("codesPostaux", []),
                "population": c.get("population"),
            }
            for c in communes
            if c.get("type") == "commune-actuelle"
        ],
    )


def lire_sous_ensemble(fichier: Path = FICHIER_GEOGRAPHIE) -> SourceGeographique:
    """Read the subset vendored with the app (written by `extraire_sous_ensemble`)."""
    donnees = json.loads(Path(fichier).read_text(encoding="utf-8"))
    return SourceGeographique(
        origine=f"sous-ensemble fourni avec l'application, {Path(fichier).name}",
        departements=donnees["departements"],
        epci=donnees["epci"],
        communes=donnees["communes"],
    )


def _verifier_departements(source: SourceGeographique, departements: list[str]) -> None:
    connus = set(source.codes_departements())
    inconnus = [code for code in departements if code not in connus]
    if not inconnus:
        return
    message = (
        f"Département inconnu : {', '.join(inconnus)}. "
        f"La source ({source.origine}) ne contient pas ce code"
    )
    if len(connus) < 10:
        message += f" ; elle ne contient que : {', '.join(sorted(connus))}"
        message += (
            ". Pour un autre département, passez --source vers le dossier data/ du paquet "
            f"{PAQUET_ETALAB}"
        )
    raise DepartementInconnu(message + ".")


def extraire_sous_ensemble(
    source: SourceGeographique, departements: list[str], version: str, extrait_le: date
) -> dict[str, Any]:
    """The compact subset of `source` for `departements`, as written to the vendored file.

    Invariants: every commune of those départements is kept; an EPCI is kept when at least
    one member is one of those communes, and its members are cut down to those communes;
    the result is sorted by code so that a regenerated file diffs cleanly.
    """
    _verifier_departements(source, departements)
    voulus = set(departements)
    communes = sorted(
        (c for c in source.communes if c["departement"] in voulus), key=lambda c: c["code"]
    )
    codes = {c["code"] for c in communes}
    epci = []
    for e in source.epci:
        membres = sorted(m for m in e["membres"] if m in codes)
        if membres:
            epci.append({"code": e["code"], "nom": e["nom"], "type": e["type"], "membres": membres})
    return {
        "source": {
            "paquet": PAQUET_ETALAB,
            "version": version,
            "licence": "MIT",
            "extrait_le": extrait_le.isoformat(),
            "departements": sorted(voulus),
        },
        "departements": sorted(
            (
                {"code": d["code"], "nom": d["nom"]}
                for d in source.departements
                if d["code"] in voulus
            ),
            key=lambda d: d["code"],
        ),
        "epci": sorted(epci, key=lambda e: e["code"]),
        "communes": communes,
    }


def ecrire_sous_ensemble(donnees: dict[str, Any], fichier: Path = FICHIER_GEOGRAPHIE) -> None:
    """Write the subset with one record per line: small, and readable in a diff."""
    lignes = ["{", f'"source": {json.dumps(donnees["source"], ensure_ascii=False)},']
    for cle in ("departements", "epci", "communes"):
        enregistrements = [json.dumps(x, ensure_ascii=False) for x in donnees[cle]]
        fin = "]" if cle == "communes" else "],"
        lignes.append(f'"{cle}": [')
        lignes.append(",\n".join(enregistrements))
        lignes.append(fin)
    lignes.append("}")
    Path(fichier).write_text("\n".join(lignes) + "\n", encoding="utf-8")


def _synchroniser_en_masse(
    model: type[models.Model],
    cle: str,
    existants: dict[str, models.Model],
    voulus: dict[str, dict[str, Any]],
    champs: list[str],
) -> Bilan:
    """Create the missing rows and update the changed ones, in bulk.

    `existants` maps a natural key to its row (loaded in one query); `voulus` maps a
    natural key to the wanted values of `champs` (attnames, e.g. "epci_id").
    """
    bilan = Bilan()
    nouveaux, modifies = [], []
    for valeur_cle, valeurs in voulus.items():
        objet = existants.get(valeur_cle)
        if objet is None:
            nouveaux.append(model(**{cle: valeur_cle}, **valeurs))
            continue
        if any(getattr(objet, c) != valeurs[c] for c in champs):
            for c in champs:
                setattr(objet, c, valeurs[c])
            modifies.append(objet)
        else:
            bilan.inchanges += 1
    if nouveaux:
        model.objects.bulk_create(nouveaux, batch_size=TAILLE_LOT)
    if modifies:
        model.objects.bulk_update(modifies, champs, batch_size=TAILLE_LOT)
    bilan.crees, bilan.modifies = len(nouveaux), len(modifies)
    return bilan


def charger_geographie(
    departements: list[str] | tuple[str, ...] = DEPARTEMENTS_PAR_DEFAUT,
    source: SourceGeographique | None = None,
) -> BilanGeographie:
    """Create or update the Departement, EPCI and Commune rows of `departements`.

    `source` defaults to the vendored subset (59 and 62).

    Invariants:
    - every asked code must be in the source, else DepartementInconnu and nothing written;
    - an EPCI is loaded when at least one of its members is a loaded commune (siren = code,
      nature = type); its sigle is never touched (it is the association's, see
      epci_sigles.csv);
    - a commune's EPCI is the one whose members list it, or none;
    - coordinates and territoire de gouvernance of a commune are never touched (they come
      from the association's CSV files);
    - a commune absent from the source is kept as it is (dossiers may point at it);
    - one query reads each table, then at most a few bulk statements write it.
    """
    source = source or lire_sous_ensemble()
    departements = sorted(set(departements))
    _verifier_departements(source, departements)
    bilan = BilanGeographie()
    voulus = set(departements)
    communes = [c for c in source.communes if c["departement"] in voulus]
    codes_communes = {c["code"] for c in communes}
    epci_de_commune: dict[str, str] = {}
    epci_voulus: dict[str, dict[str, Any]] = {}
    for e in source.epci:
        membres = [m for m in e["membres"] if m in codes_communes]
        if membres:
            epci_voulus[e["code"]] = {"nom": e["nom"], "nature": e["type"] or ""}
            epci_de_commune.update(dict.fromkeys(membres, e["code"]))

    with transaction.atomic():
        bilan.departements = _synchroniser_en_masse(
            Departement,
            "code",
            {d.code: d for d in Departement.objects.filter(code__in=voulus)},
            {d["code"]: {"nom": d["nom"]} for d in source.departements if d["code"] in voulus},
            ["nom"],
        )
        bilan.epci = _synchroniser_en_masse(
            EPCI,
            "siren",
            {e.siren: e for e in EPCI.objects.filter(siren__in=epci_voulus)},
            epci_voulus,
            ["nom", "nature"],
        )
        # Ids are read back rather than taken from bulk_create: not every backend returns them.
        id_departement = dict(Departement.objects.filter(code__in=voulus).values_list("code", "id"))
        id_epci = dict(EPCI.objects.filter(siren__in=epci_voulus).values_list("siren", "id"))
        champs = ["nom", "departement_id", "epci_id", "codes_postaux", "population"]
        bilan.communes = _synchroniser_en_masse(
            Commune,
            "code_insee",
            {c.code_insee: c for c in Commune.objects.filter(code_insee__in=codes_communes)},
            {
                c["code"]: {
                    "nom": c["nom"],
                    "departement_id": id_departement[c["departement"]],
                    "epci_id": id_epci.get(epci_de_commune.get(c["code"], "")),
                    "codes_postaux": " ".join(c.get("codesPostaux") or []),
                    "population": c.get("population"),
                }
                for c in communes
            },
            champs,
        )
    bilan.communes_par_departement = dict(
        sorted(Counter(c["departement"] for c in communes).items())
    )
    return bilan


# --- CSV reference files -----------------------------------------------------------------


def _lire_csv(chemin: Path, colonnes: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with every value stripped; blank lines are skipped.

    The header must hold at least `colonnes`; line numbers are those an editor shows
    (the header is line 1).
    """
    with Path(chemin).open(encoding="utf-8-sig", newline="") as flux:
        lecteur = csv.DictReader(flux)
        manquantes = [c for c in colonnes if c not in (lecteur.fieldnames or [])]
        if manquantes:
            raise ErreurReferentiel(
                Path(chemin).name, 1, f"colonne(s) absente(s) : {', '.join(manquantes)}"
            )
        for ligne in lecteur:
            valeurs = {k: (v or "").strip() for k, v in ligne.items() if k is not None}
            if any(valeurs.values()):
                yield lecteur.line_num, valeurs


class _Lecture:
    """Helpers that turn a CSV cell into a value, or raise ErreurReferentiel naming the
    file and the line."""

    def __init__(self, chemin: Path) -> None:
        self.fichier = Path(chemin).name
        self.ligne = 0

    def erreur(self, raison: str) -> ErreurReferentiel:
        return ErreurReferentiel(self.fichier, self.ligne, raison)

    def requis(self, ligne: dict[str, str], colonne: str) -> str:
        if not ligne[colonne]:
            raise self.erreur(f"la colonne « {colonne} » est vide")
        return ligne[colonne]

    def date(self, texte: str, colonne: str) -> date | None:
        if not texte:
            return None
        try:
            return date.fromisoformat(texte)
        except ValueError:
            raise self.erreur(
                f"date invalide « {texte} » dans « {colonne} » (format attendu : AAAA-MM-JJ)"
            ) from None

    def coordonnee(self, texte: str, colonne: str, limite: int) -> Decimal | None:
        if not texte:
            return None
        try:
            valeur = Decimal(texte).quantize(Decimal("0.00001"))
        except InvalidOperation:
            raise self.erreur(f"nombre invalide « {texte} » dans « {colonne} »") from None
        if abs(valeur) > limite:
            raise self.erreur(f"{colonne} hors limites : {texte}")
        return valeur

    def booleen(self, texte: str, colonne: str) -> bool:
        if texte.lower() in {"oui", "o", "1", "vrai"}:
            return True
        if texte.lower() in {"non", "n", "0", "faux", ""}:
            return False
        raise self.erreur(f"valeur « {texte} » dans « {colonne} » : oui ou non attendu")

    def parmi(self, texte: str, colonne: str, valeurs: dict[str, Any], quoi: str) -> Any:
        try:
            return valeurs[texte]
        except KeyError:
            raise self.erreur(f"{quoi} inconnu(e) : « {texte} » (colonne « {colonne} »)") from None


def _enregistrer(
    lecture: _Lecture,
    existants: dict[Any, models.Model],
    cle: Any,
    fabrique: Callable[[], models.Model],
    valeurs: dict[str, Any],
    bilan: Bilan,
) -> models.Model:
    """update_or_create against rows loaded beforehand: save only when a value differs,
    and validate the row (lengths, choices) before writing it."""
    objet = existants.get(cle)
    if objet is None:
        objet = fabrique()
        changes = list(valeurs)
    else:
        changes = [c for c, v in valeurs.items() if getattr(objet, c) != v]
        if not changes:
            bilan.inchanges += 1
            return objet
    for champ, valeur in valeurs.items():
        setattr(objet, champ, valeur)
    # On an update, validate only what changed: checking every foreign key again would cost
    # a query each (about 300 on a first load of the communes).
    exclus = (
        []
        if objet.pk is None
        else [f.name for f in objet._meta.concrete_fields if f.attname not in changes]
    )
    try:
        objet.full_clean(exclude=exclus, validate_unique=False, validate_constraints=False)
    except ValidationError as erreur:
        details = "; ".join(
            f"{champ} : {' '.join(messages)}" for champ, messages in erreur.message_dict.items()
        )
        raise lecture.erreur(details) from None
    if objet.pk is None:
        objet.save()
        existants[cle] = objet
        bilan.crees += 1
    else:
        objet.save(update_fields=changes)
        bilan.modifies += 1
    return objet


def _communes_par_code(codes: set[str]) -> dict[str, Commune]:
    return {c.code_insee: c for c in Commune.objects.filter(code_insee__in=codes)}


def charger_epci_sigles(chemin: Path) -> Bilan:
    """Set the short name the reports use for each EPCI (siren, sigle).

    Invariant: the EPCI must already exist (loaded by charger_geographie); only its sigle
    changes.
    """
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, ("siren", "sigle")))
    existants = {e.siren: e for e in EPCI.objects.filter(siren__in=[r["siren"] for _, r in lignes])}
    for lecture.ligne, ligne in lignes:
        siren = lecture.requis(ligne, "siren")
        if siren not in existants:
            raise lecture.erreur(f"EPCI inconnu : SIREN {siren} (chargez d'abord la géographie)")
        _enregistrer(lecture, existants, siren, EPCI, {"sigle": ligne["sigle"]}, bilan)
    return bilan


def charger_territoires_gouvernance(chemin: Path) -> Bilan:
    """Place communes in their territoire de gouvernance (code_insee, territoire).

    Invariants: a territoire belongs to the commune's EPCI and is created on first use; a
    commune without EPCI is an error; a commune not listed keeps its territoire.
    The bilan counts territoires created, and communes moved or left in place.
    """
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, ("code_insee", "territoire")))
    communes = _communes_par_code({r["code_insee"] for _, r in lignes})
    territoires = {(t.epci_id, t.nom): t for t in TerritoireGouvernance.objects.all()}
    for lecture.ligne, ligne in lignes:
        code = lecture.requis(ligne, "code_insee")
        nom = lecture.requis(ligne, "territoire")
        commune = lecture.parmi(code, "code_insee", communes, "code INSEE")
        if commune.epci_id is None:
            raise lecture.erreur(f"la commune {commune.nom} ({code}) n'appartient à aucun EPCI")
        territoire = territoires.get((commune.epci_id, nom))
        if territoire is None:
            territoire = TerritoireGouvernance.objects.create(epci_id=commune.epci_id, nom=nom)
            territoires[(commune.epci_id, nom)] = territoire
            bilan.crees += 1
        _enregistrer(
            lecture,
            communes,
            code,
            Commune,
            {"territoire_gouvernance_id": territoire.pk},
            bilan,
        )
    return bilan


def charger_coordonnees(chemin: Path) -> Bilan:
    """Set the approximate coordinates (WGS84) of communes (code_insee, latitude, longitude).

    Invariant: only latitude and longitude of existing communes change.
    """
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, ("code_insee", "latitude", "longitude")))
    communes = _communes_par_code({r["code_insee"] for _, r in lignes})
    for lecture.ligne, ligne in lignes:
        code = lecture.requis(ligne, "code_insee")
        lecture.parmi(code, "code_insee", communes, "code INSEE")
        valeurs = {
            "latitude": lecture.coordonnee(lecture.requis(ligne, "latitude"), "latitude", 90),
            "longitude": lecture.coordonnee(lecture.requis(ligne, "longitude"), "longitude", 180),
        }
        _enregistrer(lecture, communes, code, Commune, valeurs, bilan)
    return bilan


def charger_territoires_plde(chemin: Path) -> Bilan:
    """Create the Région's PLDE territories and link them to their EPCI (one row per link:
    territoire, siren_epci; the epci_nom column is a reminder for the reader).

    Invariant: links are added, never removed.
    """
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, ("territoire", "siren_epci")))
    epcis = {
        e.siren: e for e in EPCI.objects.filter(siren__in=[r["siren_epci"] for _, r in lignes])
    }
    territoires = {t.nom: t for t in TerritoirePLDE.objects.all()}
    bilan.inchanges = len({r["territoire"] for _, r in lignes} & set(territoires))
    liens = set(TerritoirePLDE.epcis.through.objects.values_list("territoireplde_id", "epci_id"))
    for lecture.ligne, ligne in lignes:
        nom = lecture.requis(ligne, "territoire")
        epci = lecture.parmi(lecture.requis(ligne, "siren_epci"), "siren_epci", epcis, "EPCI")
        territoire = territoires.get(nom) or _enregistrer(
            lecture, territoires, nom, lambda n=nom: TerritoirePLDE(nom=n), {}, bilan
        )
        if (territoire.pk, epci.pk) not in liens:
            territoire.epcis.add(epci)
            liens.add((territoire.pk, epci.pk))
    return bilan


def charger_referents(chemin: Path) -> Bilan:
    """Create the dated référent assignments (territoire, username, prenom, nom, debut,
    fin).

    Invariants: the territoire must exist; the user is found by username, or created with
    that first and last name and an unusable password (the direction gives access later);
    an existing user is never modified (neither name nor password); an assignment is
    identified by (territoire, user, debut) and only its end date can change; fin, when
    given, is on or after debut.
    """
    Utilisateur = get_user_model()
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, ("territoire", "username", "prenom", "nom", "debut", "fin")))
    territoires = {t.nom: t for t in TerritoirePLDE.objects.all()}
    utilisateurs = {
        u.username: u
        for u in Utilisateur.objects.filter(username__in=[r["username"] for _, r in lignes])
    }
    existants = {
        (a.territoire_id, a.salarie_id, a.debut): a for a in ReferentTerritoire.objects.all()
    }
    for lecture.ligne, ligne in lignes:
        territoire = lecture.parmi(
            lecture.requis(ligne, "territoire"), "territoire", territoires, "territoire PLDE"
        )
        username = lecture.requis(ligne, "username")
        debut = lecture.date(lecture.requis(ligne, "debut"), "debut")
        fin = lecture.date(ligne["fin"], "fin")
        if fin is not None and fin < debut:
            raise lecture.erreur("la date de fin précède la date de début")
        salarie = utilisateurs.get(username)
        if salarie is None:
            salarie = Utilisateur(
                username=username,
                first_name=lecture.requis(ligne, "prenom"),
                last_name=lecture.requis(ligne, "nom"),
            )
            salarie.set_unusable_password()
            salarie.save()
            utilisateurs[username] = salarie
        _enregistrer(
            lecture,
            existants,
            (territoire.pk, salarie.pk, debut),
            lambda t=territoire, s=salarie, d=debut: ReferentTerritoire(
                territoire=t, salarie=s, debut=d
            ),
            {"fin": fin},
            bilan,
        )
    return bilan


def charger_quartiers(chemin: Path) -> Bilan:
    """Create or update quartiers (code_insee, nom, qpv oui/non, code_qpv), identified by
    (commune, nom)."""
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, ("code_insee", "nom", "qpv", "code_qpv")))
    communes = _communes_par_code({r["code_insee"] for _, r in lignes})
    existants = {(q.commune_id, q.nom): q for q in Quartier.objects.all()}
    for lecture.ligne, ligne in lignes:
        commune = lecture.parmi(
            lecture.requis(ligne, "code_insee"), "code_insee", communes, "code INSEE"
        )
        nom = lecture.requis(ligne, "nom")
        _enregistrer(
            lecture,
            existants,
            (commune.pk, nom),
            lambda c=commune, n=nom: Quartier(commune=c, nom=n),
            {"qpv": lecture.booleen(ligne["qpv"], "qpv"), "code_qpv": ligne["code_qpv"]},
            bilan,
        )
    return bilan


def charger_structures(chemin: Path) -> Bilan:
    """Create or update partner structures (nom, sigle, categorie, commune_insee),
    identified by nom.

    Invariants: categorie is one of StructurePartenaire.Categorie; commune_insee, when
    given, is a loaded commune; the `actif` flag is the direction's and is never touched.
    """
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, ("nom", "sigle", "categorie", "commune_insee")))
    communes = _communes_par_code({r["commune_insee"] for _, r in lignes if r["commune_insee"]})
    categories = {c.value: c.value for c in StructurePartenaire.Categorie}
    existants = {s.nom: s for s in StructurePartenaire.objects.all()}
    for lecture.ligne, ligne in lignes:
        nom = lecture.requis(ligne, "nom")
        categorie = ligne["categorie"]
        if categorie not in categories:
            raise lecture.erreur(
                f"catégorie inconnue : « {categorie} » (valeurs possibles : "
                f"{', '.join(categories)})"
            )
        commune = (
            lecture.parmi(ligne["commune_insee"], "commune_insee", communes, "code INSEE")
            if ligne["commune_insee"]
            else None
        )
        _enregistrer(
            lecture,
            existants,
            nom,
            lambda n=nom: StructurePartenaire(nom=n),
            {
                "sigle": ligne["sigle"],
                "categorie": categorie,
                "commune_id": commune.pk if commune else None,
            },
            bilan,
        )
    return bilan


def charger_points_accueil(chemin: Path) -> Bilan:
    """Create or update the points d'accueil de proximité, identified by (commune, nom).

    Invariants: structure (by nom), quartier (by nom, in that commune) and territoire PLDE
    (by nom) must exist when given; nature is one of PointAccueil.Nature; the closing date
    (actif_jusqu_au) is the direction's and is never touched.
    """
    colonnes = (
        "nom", "structure", "nature", "commune_insee", "quartier", "territoire_plde",
        "adresse", "contact", "date_convention", "actif_depuis", "latitude", "longitude",
    )  # fmt: skip
    lecture, bilan = _Lecture(chemin), Bilan()
    lignes = list(_lire_csv(chemin, colonnes))
    communes = _communes_par_code({r["commune_insee"] for _, r in lignes})
    structures = {s.nom: s for s in StructurePartenaire.objects.all()}
    quartiers = {(q.commune_id, q.nom): q for q in Quartier.objects.all()}
    territoires = {t.nom: t for t in TerritoirePLDE.objects.all()}
    natures = {n.value: n.value for n in PointAccueil.Nature}
    existants = {(p.commune_id, p.nom): p for p in PointAccueil.objects.all()}
    for lecture.ligne, ligne in lignes:
        nom = lecture.requis(ligne, "nom")
        commune = lecture.parmi(
            lecture.requis(ligne, "commune_insee"), "commune_insee", communes, "code INSEE"
        )
        nature = ligne["nature"]
        if nature not in natures:
            raise lecture.erreur(
                f"nature inconnue : « {nature} » (valeurs possibles : {', '.join(natures)})"
            )
        structure = (
            lecture.parmi(ligne["structure"], "structure", structures, "structure")
            if ligne["structure"]
            else None
        )
        quartier = quartiers.get((commune.pk, ligne["quartier"]))
        if ligne["quartier"] and quartier is None:
            raise lecture.erreur(
                f"quartier inconnu : « {ligne['quartier']} » à {commune.nom} "
                "(ajoutez-le d'abord à quartiers.csv)"
            )
        territoire = (
            lecture.parmi(ligne["territoire_plde"], "territoire_plde", territoires, "territoire")
            if ligne["territoire_plde"]
            else None
        )
        _enregistrer(
            lecture,
            existants,
            (commune.pk, nom),
            lambda c=commune, n=nom: PointAccueil(commune=c, nom=n),
            {
                "structure_id": structure.pk if structure else None,
                "nature": nature,
                "quartier_id": quartier.pk if quartier else None,
                "territoire_plde_id": territoire.pk if territoire else None,
                "adresse": ligne["adresse"],
                "contact": ligne["contact"],
                "date_convention": lecture.date(ligne["date_convention"], "date_convention"),
                "actif_depuis": lecture.date(ligne["actif_depuis"], "actif_depuis"),
                "latitude": lecture.coordonnee(ligne["latitude"], "latitude", 90),
                "longitude": lecture.coordonnee(ligne["longitude"], "longitude", 180),
            },
            bilan,
        )
    return bilan


# Ordered: each file may name rows loaded by the files before it.
CHARGEURS_CSV: dict[str, Callable[[Path], Bilan]] = {
    "epci_sigles.csv": charger_epci_sigles,
    "territoires_gouvernance.csv": charger_territoires_gouvernance,
    "coordonnees.csv": charger_coordonnees,
    "territoires_plde.csv": charger_territoires_plde,
    "referents.csv": charger_referents,
    "quartiers.csv": charger_quartiers,
    "structures.csv": charger_structures,
    "points_accueil.csv": charger_points_accueil,
}
FICHIERS_CSV = tuple(CHARGEURS_CSV)


@dataclass
class BilanReferentiel:
    geographie: BilanGeographie
    fichiers: dict[str, Bilan]

    @property
    def crees(self) -> int:
        geo = self.geographie
        return sum(b.crees for b in (geo.departements, geo.epci, geo.communes)) + sum(
            b.crees for b in self.fichiers.values()
        )

    @property
    def modifies(self) -> int:
        geo = self.geographie
        return sum(b.modifies for b in (geo.departements, geo.epci, geo.communes)) + sum(
            b.modifies for b in self.fichiers.values()
        )


def charger_referentiel(dossier: Path = DOSSIER_DONNEES) -> BilanReferentiel:
    """Load the geography of 59 and 62 (vendored subset), then every CSV file of
    `dossier`, in the order of CHARGEURS_CSV.

    Invariants: one transaction (an ErreurReferentiel or DepartementInconnu leaves the
    database as it was); idempotent; deletes nothing.
    """
    dossier = Path(dossier)
    with transaction.atomic():
        geographie = charger_geographie(DEPARTEMENTS_PAR_DEFAUT)
        fichiers = {nom: charger(dossier / nom) for nom, charger in CHARGEURS_CSV.items()}
    return BilanReferentiel(geographie=geographie, fichiers=fichiers)


def nombre_fr(n: int) -> str:
    """1534 → "1 534" (French thousands separator)."""
    return f"{n:,}".replace(",", " ")


def resume_referentiel(bilan: BilanReferentiel) -> str:
    """A short French summary of what the database now holds."""
    par_dep = ", ".join(
        f"{code} : {nombre_fr(n)}" for code, n in bilan.geographie.communes_par_departement.items()
    )
    nb_communes = nombre_fr(sum(bilan.geographie.communes_par_departement.values()))
    return (
        f"{nb_communes} communes ({par_dep}), "
        f"{EPCI.objects.count()} EPCI dont {EPCI.objects.exclude(sigle='').count()} nommés, "
        f"{TerritoireGouvernance.objects.count()} territoires de gouvernance, "
        f"{TerritoirePLDE.objects.count()} territoires PLDE, "
        f"{ReferentTerritoire.objects.count()} affectations de référents, "
        f"{Quartier.objects.count()} quartiers dont {Quartier.objects.filter(qpv=True).count()}"
        f" QPV, {StructurePartenaire.objects.count()} structures partenaires, "
        f"{PointAccueil.objects.count()} points d'accueil, "
        f"{Commune.objects.filter(latitude__isnull=False).count()} communes situées. "
        f"Créés : {nombre_fr(bilan.crees)}, modifiés : {nombre_fr(bilan.modifies)}."
    )
