"""Import and export of the casework with django-import-export (issue 3).

Three resources share one contract, `ResourceMaillage`:
- all or nothing: a file with any bad row writes nothing, whoever calls the import (the
  browser, or the library's own command, which passes no option for it); every bad row is
  listed with its line as a spreadsheet shows it (header = line 1) and a French reason;
- idempotent: rows are matched on natural keys (a dossier's reference; an appointment's
  dossier + date + heure + chargé(e); a phase change's dossier + phase), and an identical
  row is "inchangé": nothing is saved;
- lookups (dossiers, users, communes, places, partners) are loaded once per file, by key,
  never row by row; the writes go through the domain functions (porteurs are plain saves,
  appointments go through accompagnement.services, phases through accompagnement.phases);
- a cell left empty takes the field's "non renseigné" value where the field has one, its
  default otherwise (for a row that creates) or keeps the stored value (for a row that
  updates); a column left out of the file changes nothing.

Command line (the library's own command):
    manage.py import porteurs.resources.DossierResource dossiers.csv --noinput
Comma CSV and XLSX work as they are. Add `--format porteurs.resources.FormatCSV` (or
`FormatXLSX`) for a semicolon CSV and for exact line numbers when the file has blank lines
(the library's own readers drop them before the resource sees the file).
"""

import codecs
import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats

from porteurs.models import NR, Dossier, Porteur
from porteurs.services import normaliser
from territoires.models import Commune, Quartier, StructurePartenaire

TAILLE_MAX = 5 * 1024 * 1024
COLONNE_LIGNE = "_ligne"


class FichierInvalide(Exception):
    """The file cannot be read at all (format, encoding, size, empty). French message."""


class ImportRefuse(Exception):
    """The file has bad rows (or columns): nothing was written. `erreurs` lists
    (line or None, French reason), sorted by line."""

    def __init__(self, erreurs: list[tuple[int | None, str]]):
        self.erreurs = erreurs
        super().__init__(str(self))

    def __str__(self) -> str:
        lignes = [f"ligne {n} : {m}" if n else m for n, m in self.erreurs]
        return "Fichier refusé, rien n'a été enregistré :\n" + "\n".join(lignes)

    # The library's command prints repr() of a file-level error: make it the French list.
    __repr__ = __str__


class _Inchange:
    """A sentinel compared with `is`: the library deep-copies each resource's fields and
    their widgets, so copying must give the same object back."""

    def __repr__(self) -> str:
        return "INCHANGE"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# Returned for an empty cell of a field without "non renseigné": keep the stored value (or
# the model default when the row creates).
INCHANGE = _Inchange()


# --- Reading files ---------------------------------------------------------------------


def lire_fichier(contenu: bytes, nom: str = "") -> tablib.Dataset:
    """Read an uploaded CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX into a
    Dataset whose last column, `_ligne`, is each row's line in a spreadsheet (header = 1).
    Blank lines are kept here (the resource drops them) so that line numbers stay right.
    Raises FichierInvalide with a French message, whatever the bytes (issue 8: fuzzed in
    tests/imports/test_fuzz_imports.py)."""
    if len(contenu) > TAILLE_MAX:
        raise FichierInvalide(MESSAGE_TROP_GROS)
    if not contenu.strip():
        raise FichierInvalide("Le fichier est vide.")
    extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if contenu.startswith(b"PK\x03\x04"):
        if extension == "ods" or b"opendocument" in contenu[:200]:
            raise FichierInvalide(
                "Les classeurs LibreOffice (.ods) ne sont pas acceptés : enregistrez le "
                "fichier au format .xlsx ou CSV."
            )
        return _lire_xlsx(contenu)
    if contenu.startswith(b"\xd0\xcf\x11\xe0") or extension == "xls":
        raise FichierInvalide(
            "Les fichiers Excel anciens (.xls) ne sont pas acceptés : enregistrez le fichier "
            "au format .xlsx ou CSV."
        )
    if _encodage_large(contenu):
        raise FichierInvalide(
            "Le fichier n'est pas encodé en UTF-8 (il l'est en UTF-16, le « Texte Unicode » "
            "des tableurs) : dans le tableur, enregistrez-le au format « CSV UTF-8 »."
        )
    autre = next((genre for debut, genre in SIGNATURES if contenu.startswith(debut)), None)
    if autre or extension not in ("", "csv", "txt") or b"\x00" in contenu:
        raise FichierInvalide(
            (f"Ce fichier est {autre}, " if autre else "Ce fichier n'est ")
            + (
                "ni un CSV ni un classeur XLSX : choisissez un fichier .csv ou .xlsx (par "
                "exemple un des modèles vierges)."
            )
        )
    return _lire_csv(contenu)


MESSAGE_TROP_GROS = (
    f"Le fichier dépasse {TAILLE_MAX // (1024 * 1024)} Mo : découpez-le en plusieurs fichiers."
)

# Files of other kinds that people pick by mistake (or rename to .csv), by their first
# bytes: said by name rather than read as text and refused for odd columns.
SIGNATURES = [
    (b"%PDF", "un document PDF"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"{\\rtf", "un document RTF"),
    (b"\x1f\x8b", "une archive compressée"),
    (b"Rar!", "une archive compressée"),
    (b"7z\xbc\xaf", "une archive compressée"),
    (b"<?xml", "un fichier XML"),
    (b"<!DOCTYPE", "une page web"),
    (b"<html", "une page web"),
    (b"<HTML", "une page web"),
]


def _encodage_large(contenu: bytes) -> bool:
    """UTF-16 or UTF-32 (a spreadsheet's « Texte Unicode »): a byte order mark, or zero
    bytes in one position out of two, as ASCII text has in those encodings."""
    if contenu.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return True
    debut = contenu[:4096]
    return len(debut) >= 8 and any(
        debut[position::2].count(0) > 0.9 * len(debut[position::2]) for position in (0, 1)
    )


def _lire_csv(contenu: bytes) -> tablib.Dataset:
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FichierInvalide(
            "Le fichier n'est pas encodé en UTF-8 : dans le tableur, enregistrez-le au format "
            "« CSV UTF-8 »."
        ) from None
    if "\x00" in texte:
        # PostgreSQL refuses this character in text: say it here rather than fail later.
        raise FichierInvalide(
            "Ce fichier n'est ni un CSV ni un classeur XLSX : il contient des caractères nuls."
        )
    premiere = texte.split("\n", 1)[0]
    separateur = ";" if premiere.count(";") > premiere.count(",") else ","
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    try:
        lignes = list(lecteur)
    except csv.Error:
        # The reader's only error here (Python 3.11, newline=""): a cell longer than its
        # limit, which is almost always a quote left open.
        raise FichierInvalide(
            f"Ligne {lecteur.line_num} : une case dépasse {csv.field_size_limit()} caractères ; "
            "un guillemet n'a-t-il pas été refermé ?"
        ) from None
    return _tableau(lignes)


# A workbook is read within this many cells (rows padded to their last cell): a few
# kilobytes of XLSX can declare a million rows of 16 384 columns.
CELLULES_MAX = 3_000_000
COLONNES_MAX = 100
_LIGNE_VIDE: tuple = ()


def _lire_xlsx(contenu: bytes) -> tablib.Dataset:
    import openpyxl

    try:
        # data_only=False: a formula cell comes as its text ("=A1+1"), which the resource
        # refuses, rather than as a cached value that may be missing or stale.
        classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=False)
        try:
            feuille = classeur.worksheets[0]
            # Never pad rows to the size the file claims; read the cells it holds.
            feuille.reset_dimensions()
            lignes = _lignes_bornees(feuille.iter_rows(values_only=True))
        finally:
            classeur.close()
    except FichierInvalide:
        raise
    except Exception:
        # Whatever a damaged zip or sheet raises (zipfile, XML parser, openpyxl...).
        raise FichierInvalide(
            "Le classeur XLSX ne peut pas être lu (fichier abîmé ou protégé par un mot de passe ?)."
        ) from None
    return _tableau(lignes)


def _lignes_bornees(rangees: Iterable[tuple]) -> list:
    lignes: list = []
    cellules = 0
    for numero, rangee in enumerate(rangees, start=1):
        cellules += len(rangee)
        if cellules > CELLULES_MAX:
            raise FichierInvalide(
                "Le classeur est trop grand pour être lu (trop de cases remplies ou mises en "
                "forme) : copiez les seules cellules utiles dans un nouveau classeur."
            )
        if len(rangee) > COLONNES_MAX:
            if not _vide(rangee[COLONNES_MAX:]):
                raise FichierInvalide(
                    f"Ligne {numero} : le classeur a plus de {COLONNES_MAX} colonnes remplies."
                )
            rangee = rangee[:COLONNES_MAX]
        lignes.append(_LIGNE_VIDE if _vide(rangee) else list(rangee))
    return lignes


def _tableau(lignes: list[list]) -> tablib.Dataset:
    while lignes and _vide(lignes[-1]):
        lignes.pop()
    if not lignes:
        raise FichierInvalide("Le fichier est vide.")
    entetes = list(lignes[0])
    while entetes and _vide([entetes[-1]]):
        entetes.pop()
    largeur = len(entetes)
    if not largeur:
        raise FichierInvalide("La première ligne doit porter le nom des colonnes.")
    donnees = tablib.Dataset(headers=[*map(texte_cellule, entetes), COLONNE_LIGNE])
    for numero, ligne in enumerate(lignes[1:], start=2):
        cellules = list(ligne[:largeur]) + [None] * (largeur - len(ligne))
        if not _vide(ligne[largeur:]):
            raise FichierInvalide(
                f"Ligne {numero} : des valeurs dépassent la dernière colonne nommée ; "
                "nommez chaque colonne sur la première ligne."
            )
        donnees.append([*cellules, numero])
    return donnees


class FormatCSV(base_formats.CSV):
    """The CSV reader of the browser import, for `manage.py import --format`: semicolon or
    comma, BOM, exact line numbers."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return _lire_csv(in_stream)


class FormatXLSX(base_formats.XLSX):
    """The XLSX reader of the browser import, for `manage.py import --format`."""

    def create_dataset(self, in_stream):
        return _lire_xlsx(in_stream)


# --- Cells and widgets -----------------------------------------------------------------


def texte_cellule(valeur) -> str:
    """A cell as text: numbers typed in a spreadsheet lose their ".0"."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur).replace("\ufeff", "").strip()


def _vide(valeurs: Iterable) -> bool:
    return all(texte_cellule(v) == "" for v in valeurs)


class TexteWidget(widgets.Widget):
    """Text, stripped; `longueur` the model's max_length."""

    def __init__(self, longueur: int | None = None):
        super().__init__()
        self.longueur = longueur

    def clean(self, value, row=None, **kwargs):
        texte = texte_cellule(value)
        if self.longueur and len(texte) > self.longueur:
            raise ValueError(f"{self.longueur} caractères au plus ({len(texte)} ici).")
        return texte

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ObjetWidget(TexteWidget):
    """A related record named by one of its attributes: cleaning gives the text (the
    resource resolves it against what it preloaded), rendering gives the attribute."""

    def __init__(self, attribut: str):
        super().__init__()
        self.attribut = attribut

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.attribut))


class CodeWidget(widgets.Widget):
    """A code of a list of choices, case-insensitive. An empty cell gives `vide` (the NR
    code, or INCHANGE); "non renseigné" is written as an empty cell on export."""

    def __init__(self, choix, vide=INCHANGE, exclus: Iterable[str] = ()):
        super().__init__()
        self.codes = [c for c in choix.values if c != NR and c not in exclus]
        self.vide = vide
        self.index = {c.casefold(): c for c in self.codes}
        if vide == NR:
            self.index[NR] = NR

    def clean(self, value, row=None, **kwargs):
        texte = texte_cellule(value)
        if not texte:
            return self.vide
        code = self.index.get(texte.casefold())
        if code is None:
            possibles = ", ".join(self.codes)
            vide = " ou vide (non renseigné)" if self.vide == NR else ""
            raise ValueError(f"valeur inconnue « {texte} » (possibles : {possibles}{vide}).")
        return code

    def render(self, value, obj=None, **kwargs):
        return "" if value in (None, NR) else str(value)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_FRANCAIS = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class DateWidget(widgets.Widget):
    """AAAA-MM-JJ or JJ/MM/AAAA (day first, always), or a spreadsheet date cell."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        texte = texte_cellule(value)
        if not texte:
            return None
        if m := _ISO.fullmatch(texte):
            annee, mois, jour = m.groups()
        elif m := _FRANCAIS.fullmatch(texte):
            jour, mois, annee = m.groups()
        else:
            raise ValueError(f"date illisible « {texte} » : écrivez AAAA-MM-JJ ou JJ/MM/AAAA.")
        try:
            return datetime.date(int(annee), int(mois), int(jour))
        except ValueError:
            raise ValueError(f"date impossible « {texte} ».") from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


def date_lisible(valeur) -> datetime.date | None:
    """The date of a cell, or None when it is empty or unreadable (for preloading and
    sorting; the row's own check reports the error)."""
    try:
        return DateWidget().clean(valeur)
    except ValueError:
        return None


_HEURE = re.compile(r"(\d{1,2})[:hH](\d{2})(?::(\d{2}))?")


class HeureWidget(widgets.Widget):
    """HH:MM (also 9h30, or a spreadsheet time cell)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.time().replace(second=0, microsecond=0)
        if isinstance(value, datetime.time):
            return value.replace(second=0, microsecond=0)
        texte = texte_cellule(value)
        if not texte:
            return None
        m = _HEURE.fullmatch(texte)
        try:
            return datetime.time(int(m.group(1)), int(m.group(2))) if m else None
        except ValueError:
            pass
        raise ValueError(f"heure illisible « {texte} » : écrivez HH:MM, par exemple 09:30.")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%H:%M") if value else ""


class EntierWidget(widgets.Widget):
    """A whole number from `minimum` to `maximum`; empty gives INCHANGE."""

    def __init__(self, minimum: int, maximum: int):
        super().__init__()
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value, row=None, **kwargs):
        texte = texte_cellule(value)
        if not texte:
            return INCHANGE
        if not re.fullmatch(r"\d+", texte) or not self.minimum <= int(texte) <= self.maximum:
            raise ValueError(
                f"nombre entier de {self.minimum} à {self.maximum} attendu (« {texte} »)."
            )
        return int(texte)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def index_par_nom(objets: Iterable, *attributs: str) -> dict[str, list]:
    """Records by normalised value of each attribute (name, sigle...), for lookups that
    ignore case, accents and punctuation."""
    index: dict[str, list] = {}
    for objet in objets:
        for attribut in attributs:
            cle = normaliser(getattr(objet, attribut) or "")
            if cle and objet not in index.setdefault(cle, []):
                index[cle].append(objet)
    return index


# --- The shared contract ---------------------------------------------------------------


@dataclass
class LigneImport:
    """One row of the preview: its line, what it does, its key, and what it changes."""

    ligne: int
    action: str
    cle: str
    changements: list[str] = field(default_factory=list)


ACTIONS = {"new": "nouveau", "update": "modifié", "skip": "inchangé"}


class ResourceMaillage(resources.ModelResource):
    """All or nothing, natural keys, preloaded lookups, French errors with line numbers.

    A subclass declares its fields (column names = the file's) and implements:
    `precharger(dataset)` (load the records the file names, in a few queries), `trouver(row)`
    (the stored record of the row's natural key, or None), `appliquer(instance, valeurs,
    row)` (set the cleaned values, raise ValidationError({colonne: message}) for what the
    widgets cannot check alone), `enregistrer(instance, nouveau)` (write through the domain
    functions) and `cle(row)` (the natural key as shown in messages).
    """

    colonnes_obligatoires: tuple[str, ...] = ()
    # Optional key columns: added empty when the file leaves them out.
    colonnes_cle_facultatives: tuple[str, ...] = ()

    def __init__(self, auteur=None, **kwargs):
        super().__init__(**kwargs)
        # Who imports: recorded on appointments and phase changes (None from the command).
        self.auteur = auteur
        self.erreurs_fichier: list[str] = []
        self.lignes: list[LigneImport] = []
        self.erreurs: list[tuple[int | None, str]] = []
        self._cles_vues: dict[tuple, int] = {}
        self._avant: dict | None = None
        self._changements: list[str] = []

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        # All or nothing whoever calls: the library's command passes neither option, and
        # by default it saves the valid rows of a file with invalid ones (shared/NOTES.md).
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    # --- before the rows ---

    def colonnes(self) -> list[str]:
        return [f.column_name for f in self.get_import_fields()]

    def before_import(self, dataset, **kwargs):
        self.erreurs_fichier, self.lignes, self.erreurs = [], [], []
        self._cles_vues = {}
        _normaliser_tableau(dataset)
        entetes = [h for h in dataset.headers if h != COLONNE_LIGNE]
        attendues = self.colonnes()
        inconnues = [h for h in entetes if h not in attendues]
        doubles = sorted({h for h in entetes if entetes.count(h) > 1})
        manquantes = [c for c in self.colonnes_obligatoires if c not in entetes]
        if len(entetes) == 1 and ";" in entetes[0]:
            # The library's own CSV reader only splits on commas (command line).
            self.erreurs_fichier.append(
                "Ce fichier est séparé par des points-virgules : en ligne de commande, "
                "ajoutez --format porteurs.resources.FormatCSV."
            )
        elif inconnues:
            self.erreurs_fichier.append(
                "Colonne(s) inconnue(s) : "
                + ", ".join(f"« {h} »" if h else "(sans nom)" for h in inconnues)
                + f". Colonnes possibles : {', '.join(attendues)}."
            )
        if doubles:
            self.erreurs_fichier.append(f"Colonne(s) en double : {', '.join(doubles)}.")
        if manquantes:
            self.erreurs_fichier.append(
                f"Colonne(s) obligatoire(s) absente(s) : {', '.join(manquantes)}."
            )
        if not self.erreurs_fichier and not len(dataset):
            self.erreurs_fichier.append("Le fichier ne contient aucune ligne de données.")
        # Key columns the library checks by itself: always present, possibly empty.
        for colonne in (*self.colonnes_cle_facultatives, *self.colonnes_obligatoires):
            if colonne not in dataset.headers:
                _ajouter_colonne(dataset, colonne)
        if self.erreurs_fichier:
            _garder_entetes(dataset)
            return
        self.ordonner(dataset)
        self.precharger(dataset)

    def ordonner(self, dataset) -> None:
        """Reorder the rows before import when the order matters (lines are kept)."""

    def precharger(self, dataset) -> None:
        raise NotImplementedError

    # --- each row ---

    def before_import_row(self, row, **kwargs):
        self._avant = None
        self._changements = []

    def get_instance(self, instance_loader, row):
        return self.trouver(row)

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            self._avant = self.etat(instance)

    def etat(self, instance) -> dict[str, str]:
        """The record as the file would write it: compared before and after the row."""
        return {f.column_name: self.export_field(f, instance) for f in self.get_import_fields()}

    def import_instance(self, instance, row, **kwargs):
        erreurs: dict[str, list[str]] = {}
        valeurs = {}
        for colonne, valeur in row.items():
            if isinstance(valeur, str) and valeur.lstrip().startswith("="):
                erreurs.setdefault(colonne, []).append(
                    "formule de tableur refusée : remplacez-la par sa valeur."
                )
        for f in self.get_import_fields():
            if f.column_name not in row:
                continue
            if f.column_name in self.colonnes_obligatoires and not texte_cellule(
                row[f.column_name]
            ):
                erreurs.setdefault(f.column_name, []).append("valeur obligatoire.")
                continue
            try:
                valeurs[f.column_name] = f.clean(row)
            except ValueError as erreur:
                erreurs.setdefault(f.column_name, []).append(str(erreur))
        if erreurs:
            # Still look the other values up, so that the row's every error is listed at
            # once (the columns already in error are left out of that check).
            try:
                self.appliquer(instance, valeurs, row)
            except ValidationError as autres:
                for colonne, messages in autres.message_dict.items():
                    if colonne not in erreurs:
                        erreurs[colonne] = messages
            except (KeyError, TypeError, AttributeError):
                pass
            raise ValidationError(erreurs)
        cle = self.cle_brute(row)
        if cle in self._cles_vues:
            raise ValidationError(
                f"{self.cle(row)} figure déjà à la ligne {self._cles_vues[cle]} du fichier."
            )
        self._cles_vues[cle] = _ligne(row)
        self.appliquer(instance, valeurs, row)
        if self._avant is not None:
            apres = self.etat(instance)
            self._changements = [
                f"{colonne} : {_cite(avant)} → {_cite(apres[colonne])}"
                for colonne, avant in self._avant.items()
                if apres[colonne] != avant
            ]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Unchanged: an existing record that the row leaves as it was (skip_diff is on, so
        # the library's own comparison is not made; import_instance compared).
        if import_validation_errors or self._avant is None:
            return False
        return not self._changements

    def save_instance(self, instance, is_create, row, **kwargs):
        # One savepoint per row, so that a refused row leaves nothing behind that the next
        # rows would see (and PostgreSQL's transaction stays usable).
        with transaction.atomic():
            self.enregistrer(instance, is_create)

    def after_import_row(self, row, row_result, **kwargs):
        self.lignes.append(
            LigneImport(
                ligne=_ligne(row),
                action=ACTIONS.get(row_result.import_type, row_result.import_type),
                cle=self.cle(row),
                changements=self._changements,
            )
        )

    # --- after the rows ---

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        self.lignes.sort(key=lambda ligne: ligne.ligne)
        self.erreurs = self.lister_erreurs(dataset, result)
        if self.erreurs:
            # A file-level error: the library rolls everything back and its command prints
            # it (it does not print validation errors by itself).
            raise ImportRefuse(self.erreurs)

    def lister_erreurs(self, dataset, result) -> list[tuple[int | None, str]]:
        erreurs: list[tuple[int | None, str]] = [(None, m) for m in self.erreurs_fichier]
        position = dataset.headers.index(COLONNE_LIGNE)
        for invalide in result.invalid_rows:
            ligne = int(dataset[invalide.number - 1][position])
            for colonne, messages in invalide.error_dict.items():
                for message in messages:
                    texte = message if colonne == NON_FIELD_ERRORS else f"{colonne} : {message}"
                    erreurs.append((ligne, texte))
        for rangee in result.error_rows:
            ligne = int(dataset[rangee.number - 1][position])
            for erreur in rangee.errors:
                erreurs.append((ligne, f"erreur inattendue : {erreur.error}"))
        return sorted(erreurs, key=lambda e: e[0] or 0)

    def totaux(self) -> dict[str, int]:
        """Rows by action, for the preview and the final message."""
        actions = [ligne.action for ligne in self.lignes]
        return {
            "nouveaux": actions.count("nouveau"),
            "modifies": actions.count("modifié"),
            "inchanges": actions.count("inchangé"),
        }

    # --- to implement ---

    def trouver(self, row):
        raise NotImplementedError

    def appliquer(self, instance, valeurs: dict, row) -> None:
        raise NotImplementedError

    def enregistrer(self, instance, nouveau: bool) -> None:
        raise NotImplementedError

    def cle_brute(self, row) -> tuple:
        raise NotImplementedError

    def cle(self, row) -> str:
        raise NotImplementedError


def _cite(valeur: str) -> str:
    return f"« {valeur} »" if valeur else "(vide)"


def _ligne(row) -> int:
    return int(row[COLONNE_LIGNE])


def _normaliser_tableau(dataset: tablib.Dataset) -> None:
    """In place: header names trimmed and in lower case (BOM removed), a `_ligne` column
    (from lire_fichier, or computed when the library's reader built the dataset), blank
    rows and unnamed empty columns dropped."""
    entetes = [texte_cellule(h).lower() for h in dataset.headers or []]
    lignes = [list(r) for r in dataset]
    if COLONNE_LIGNE in entetes:
        position = entetes.index(COLONNE_LIGNE)
        numeros = [int(r[position]) for r in lignes]
        for r in lignes:
            del r[position]
        del entetes[position]
    else:
        numeros = list(range(2, len(lignes) + 2))
    gardees = [
        i
        for i, h in enumerate(entetes)
        if h or any(texte_cellule(r[i]) for r in lignes if i < len(r))
    ]
    dataset.wipe()
    dataset.headers = [entetes[i] for i in gardees] + [COLONNE_LIGNE]
    for numero, r in zip(numeros, lignes, strict=True):
        cellules = [r[i] if i < len(r) else None for i in gardees]
        if not _vide(cellules):
            dataset.append([*cellules, numero])


def _ajouter_colonne(dataset: tablib.Dataset, colonne: str) -> None:
    lignes = [list(r) for r in dataset]
    entetes = list(dataset.headers)
    position = entetes.index(COLONNE_LIGNE)
    dataset.wipe()
    dataset.headers = [*entetes[:position], colonne, *entetes[position:]]
    for r in lignes:
        dataset.append([*r[:position], None, *r[position:]])


def _garder_entetes(dataset: tablib.Dataset) -> None:
    entetes = list(dataset.headers)
    dataset.wipe()
    dataset.headers = entetes


# --- Dossiers --------------------------------------------------------------------------


class DossierResource(ResourceMaillage):
    """One row per dossier with its lead porteur; key: `reference`.

    A new reference creates the porteur and the dossier (no phase: the reception is
    recorded by the appointments or the phase changes imported next). A known reference
    updates both. A new dossier whose person already exists (same name and birth date, as
    on the reception form) is refused: open the new dossier from the person's page.
    Empty `type_porteur` / `dispositif`: personne / ESCALE for a new dossier, unchanged
    otherwise.
    """

    reference = Field(attribute="reference", column_name="reference", widget=TexteWidget(30))
    type_porteur = Field(
        attribute="porteur__type_porteur",
        column_name="type_porteur",
        widget=CodeWidget(Porteur.TypePorteur),
    )
    nom = Field(attribute="porteur__nom", column_name="nom", widget=TexteWidget(200))
    prenom = Field(attribute="porteur__prenom", column_name="prenom", widget=TexteWidget(100))
    genre = Field(
        attribute="porteur__genre", column_name="genre", widget=CodeWidget(Porteur.Genre, NR)
    )
    date_naissance = Field(
        attribute="porteur__date_naissance", column_name="date_naissance", widget=DateWidget()
    )
    commune_insee = Field(
        attribute="porteur__commune",
        column_name="commune_insee",
        widget=ObjetWidget("code_insee"),
    )
    quartier = Field(
        attribute="porteur__quartier", column_name="quartier", widget=ObjetWidget("nom")
    )
    situation_professionnelle = Field(
        attribute="porteur__situation_professionnelle",
        column_name="situation_professionnelle",
        widget=CodeWidget(Porteur.SituationProfessionnelle, NR),
    )
    revenu = Field(
        attribute="porteur__revenu", column_name="revenu", widget=CodeWidget(Porteur.Revenu, NR)
    )
    niveau_qualification = Field(
        attribute="porteur__niveau_qualification",
        column_name="niveau_qualification",
        widget=CodeWidget(Porteur.NiveauQualification, NR),
    )
    dispositif = Field(
        attribute="dispositif", column_name="dispositif", widget=CodeWidget(Dossier.Dispositif)
    )
    prescripteur = Field(
        attribute="prescripteur", column_name="prescripteur", widget=ObjetWidget("nom")
    )
    secteur = Field(
        attribute="secteur", column_name="secteur", widget=CodeWidget(Dossier.Secteur, NR)
    )
    projet_collectif = Field(
        attribute="projet_collectif",
        column_name="projet_collectif",
        widget=CodeWidget(Dossier.OuiNon, NR),
    )

    colonnes_obligatoires = ("reference",)

    class Meta:
        model = Dossier
        fields = (
            "reference",
            "type_porteur",
            "nom",
            "prenom",
            "genre",
            "date_naissance",
            "commune_insee",
            "quartier",
            "situation_professionnelle",
            "revenu",
            "niveau_qualification",
            "dispositif",
            "prescripteur",
            "secteur",
            "projet_collectif",
        )
        import_order = export_order = fields
        import_id_fields = ("reference",)
        skip_diff = True
        report_skipped = True

    def get_queryset(self):
        return Dossier.objects.select_related(
            "porteur__commune", "porteur__quartier", "prescripteur"
        ).order_by("reference")

    def precharger(self, dataset) -> None:
        """Five queries whatever the number of rows."""
        colonne = dataset.headers.index

        def valeurs(nom: str) -> set[str]:
            if nom not in dataset.headers:
                return set()
            return {texte_cellule(r[colonne(nom)]) for r in dataset} - {""}

        self.dossiers = {
            d.reference: d for d in self.get_queryset().filter(reference__in=valeurs("reference"))
        }
        codes = {c.zfill(5) if c.isdigit() else c.upper() for c in valeurs("commune_insee")}
        self.communes = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=codes)}
        communes = set(self.communes.values()) | {
            d.porteur.commune for d in self.dossiers.values() if d.porteur.commune_id
        }
        self.quartiers = {
            (q.commune_id, normaliser(q.nom)): q
            for q in Quartier.objects.filter(commune__in=communes)
        }
        self.structures = index_par_nom(StructurePartenaire.objects.all(), "nom", "sigle")
        dates = set()
        if "date_naissance" in dataset.headers:
            dates = {date_lisible(r[colonne("date_naissance")]) for r in dataset} - {None}
        self.personnes: dict[tuple, Porteur | str] = {}
        for p in Porteur.objects.filter(date_naissance__in=dates).prefetch_related("dossiers"):
            self.personnes[(normaliser(f"{p.nom} {p.prenom}"), p.date_naissance)] = p

    def cle_brute(self, row) -> tuple:
        return (texte_cellule(row.get("reference")),)

    def cle(self, row) -> str:
        return f"Dossier {texte_cellule(row.get('reference'))}"

    def trouver(self, row):
        return self.dossiers.get(texte_cellule(row.get("reference")))

    def init_instance(self, row=None):
        return Dossier(porteur=Porteur())

    def appliquer(self, dossier: Dossier, valeurs: dict, row) -> None:
        porteur = dossier.porteur
        nouveau = dossier.pk is None
        erreurs: dict[str, str] = {}
        if "reference" in valeurs:
            dossier.reference = valeurs["reference"]
        for colonne in (
            "type_porteur",
            "nom",
            "prenom",
            "genre",
            "date_naissance",
            "situation_professionnelle",
            "revenu",
            "niveau_qualification",
        ):
            if colonne in valeurs and valeurs[colonne] is not INCHANGE:
                setattr(porteur, colonne, valeurs[colonne])
        for colonne in ("dispositif", "secteur", "projet_collectif"):
            if colonne in valeurs and valeurs[colonne] is not INCHANGE:
                setattr(dossier, colonne, valeurs[colonne])
        if not porteur.nom:
            erreurs["nom"] = (
                "valeur obligatoire pour un nouveau dossier."
                if nouveau and "nom" not in valeurs
                else "valeur obligatoire."
            )

        if "commune_insee" in valeurs:
            code = valeurs["commune_insee"]
            code = code.zfill(5) if code.isdigit() else code.upper()
            porteur.commune = self.communes.get(code) if code else None
            if code and porteur.commune is None:
                erreurs["commune_insee"] = f"code INSEE inconnu « {valeurs['commune_insee']} »."
            elif (
                "quartier" not in valeurs
                and porteur.quartier_id
                and (porteur.quartier.commune_id != getattr(porteur.commune, "pk", None))
            ):
                # Moving to another commune: the old quartier cannot stay.
                porteur.quartier = None
        if "quartier" in valeurs and "commune_insee" not in erreurs:
            nom = valeurs["quartier"]
            if not nom:
                porteur.quartier = None
            elif porteur.commune is None:
                erreurs["quartier"] = "un quartier s'indique avec la commune (commune_insee)."
            else:
                porteur.quartier = self.quartiers.get((porteur.commune.pk, normaliser(nom)))
                if porteur.quartier is None:
                    erreurs["quartier"] = (
                        f"quartier « {nom} » inconnu à {porteur.commune.nom} "
                        f"({porteur.commune.code_insee})."
                    )
        if "prescripteur" in valeurs:
            nom = valeurs["prescripteur"]
            trouves = self.structures.get(normaliser(nom), []) if nom else []
            if nom and len(trouves) != 1:
                erreurs["prescripteur"] = (
                    f"structure partenaire « {nom} » inconnue (nom ou sigle)."
                    if not trouves
                    else f"« {nom} » désigne plusieurs structures : "
                    + ", ".join(s.nom for s in trouves)
                    + " ; écrivez le nom complet."
                )
            else:
                dossier.prescripteur = trouves[0] if trouves else None
        if nouveau and not erreurs and porteur.date_naissance:
            cle = (normaliser(f"{porteur.nom} {porteur.prenom}"), porteur.date_naissance)
            existant = self.personnes.get(cle)
            if isinstance(existant, Porteur):
                references = ", ".join(d.reference for d in existant.dossiers.all())
                erreurs[NON_FIELD_ERRORS] = (
                    f"{existant} (né(e) le {existant.date_naissance:%d/%m/%Y}) existe déjà "
                    f"(dossier {references or 'sans dossier'}) : ouvrez le nouveau dossier "
                    "depuis sa fiche plutôt que de créer la personne une seconde fois."
                )
            elif existant:
                erreurs[NON_FIELD_ERRORS] = f"même personne qu'à la {existant} du fichier."
            else:
                self.personnes[cle] = f"ligne {_ligne(row)}"
        if erreurs:
            raise ValidationError(erreurs)

    def enregistrer(self, dossier: Dossier, nouveau: bool) -> None:
        porteur = dossier.porteur
        porteur.save()
        dossier.porteur = porteur
        dossier.save()
        self.dossiers[dossier.reference] = dossier
