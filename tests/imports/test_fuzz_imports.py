"""Hostile files sent to the browser import (issue 8): whatever the file, the answer is a
page with a French message, never a 500, and nothing is written unless the whole file is
valid and confirmed.

The hypothesis runs are bounded and deterministic by default (profile "ci": the same
examples on every run, no example database written in the checkout). For a longer,
random search: `MAILLAGE_FUZZ=fouille .venv/bin/python -m pytest tests -k fuzz`.
"""

import csv
import datetime
import io
import os
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accompagnement.models import ChangementPhase, RendezVous
from porteurs.exports import exporter_dossiers
from porteurs.imports import GENRES, ImportForm
from porteurs.models import Dossier, Porteur
from porteurs.resources import TAILLE_MAX, FichierInvalide, lire_fichier

# --- Bounded, reproducible runs --------------------------------------------------------

_COMMUN = {
    "deadline": None,
    "database": None,
    # The Django test client and the fixtures are shared by the examples of one test: each
    # example runs in its own savepoint, rolled back (see `un_exemple`).
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
settings.register_profile("ci", max_examples=25, derandomize=True, **_COMMUN)
settings.register_profile("fouille", max_examples=400, derandomize=False, **_COMMUN)
settings.load_profile(os.environ.get("MAILLAGE_FUZZ", "ci"))

URL = reverse("imports:importer")

# --- What the answer must be -----------------------------------------------------------

# Words of a Python or database message leaking through (the quoted cell values, between
# « », are left out: a user may well type English).
_ANGLAIS = re.compile(
    r"\b(the|is|not|field|line|error|expected|object|invalid|character|string|has|no|"
    r"value|must|cannot|traceback|exception|none|null|type)\b",
    re.IGNORECASE,
)


def en_francais(message: str) -> bool:
    sans_citations = re.sub(r"«[^»]*»", "", str(message), flags=re.DOTALL)
    return not _ANGLAIS.search(sans_citations) and "erreur inattendue" not in sans_citations


def empreinte() -> tuple[int, ...]:
    return (
        Porteur.objects.count(),
        Dossier.objects.count(),
        RendezVous.objects.count(),
        ChangementPhase.objects.count(),
    )


def envoyer(client, genre: str, contenu: bytes, nom: str):
    return client.post(URL, {"genre": genre, "fichier": SimpleUploadedFile(nom, contenu)})


def verifier_reponse(client, genre: str, contenu: bytes, nom: str) -> str:
    """Send the file, check the contract, confirm it when the preview accepts it.
    Returns what happened, for the statistics (`--hypothesis-show-statistics`)."""
    avant = empreinte()
    reponse = envoyer(client, genre, contenu, nom)
    resultat = _verifier(client, reponse, avant)
    event(resultat)
    return resultat


def _verifier(client, reponse, avant) -> str:
    assert reponse.status_code == 200
    assert empreinte() == avant, "l'aperçu a écrit quelque chose"
    if "form" in reponse.context and reponse.context["form"].errors:
        messages = [m for liste in reponse.context["form"].errors.values() for m in liste]
        assert messages
        assert all(en_francais(m) for m in messages), messages
        for m in messages:
            assert str(m).replace("'", "&#x27;") in reponse.text or str(m) in reponse.text
        return "refusé : fichier illisible"
    erreurs = reponse.context["erreurs"]
    if erreurs:
        assert all(en_francais(m) for _ligne, m in erreurs), erreurs
        assert all(ligne is None or ligne >= 2 for ligne, _m in erreurs)
        assert "rien n'a été enregistré" in reponse.text
        assert "jeton" not in reponse.context
        return "refusé : " + ("colonnes" if erreurs[0][0] is None else "lignes")
    # A valid file: the confirmation writes it all, or nothing with a French reason.
    confirmation = client.post(reverse("imports:confirmer"), {"jeton": reponse.context["jeton"]})
    assert confirmation.status_code in (200, 302)
    if confirmation.status_code == 200:
        assert empreinte() == avant
        assert all(en_francais(m) for _ligne, m in confirmation.context["erreurs"])
        return "refusé à la confirmation"
    return "importé"


def un_exemple(fonction):
    """Run one example in a savepoint rolled back at the end, so that the next example
    starts from the same data."""
    with transaction.atomic():
        resultat = fonction()
        transaction.set_rollback(True)
    return resultat


# --- Strategies: hostile cells and files ------------------------------------------------

DATES_IMPOSSIBLES = [
    "31/02/2013",
    "30/02/2012",
    "2013-13-01",
    "2013-02-29",
    "00/00/0000",
    "0000-01-01",
    "32/01/2013",
    "31/04/2013",
    "2013-00-10",
    "99/99/9999",
]
DATES_EXTREMES = ["0001-01-01", "01/01/0001", "9999-12-31", "31/12/9999", "1900-01-01"]
VALEURS_PLAUSIBLES = [
    "2013-0001",
    "2013-0002",
    "2013-0101",
    "59350",
    "Wazemmes",
    "PE",
    "F",
    "H",
    "personne",
    "association",
    "realise",
    "prevu",
    "annule",
    "suivi",
    "claire",
    "marc",
    "locaux",
    "Centre social Marcel Pagnol",
    "accueil",
    "maturation",
    "creation",
    "sortie",
    "valorisable",
    "abandon",
    "10:00",
    "25:61",
    "9h30",
    "60",
    "0",
    "-5",
    "1e9",
    "05/03/2013",
    "2013-03-19",
    "Dupont",
    "Aïcha",
    "oui",
    "non",
]
formules = st.builds(
    lambda debut, reste: debut + reste,
    st.sampled_from(["=", "+", "-", "@", " =", "=cmd|'/C calc'!A0", "=HYPERLINK("]),
    st.text(max_size=20),
)
cellule = st.one_of(
    st.sampled_from(VALEURS_PLAUSIBLES),
    st.sampled_from(VALEURS_PLAUSIBLES),
    st.sampled_from(DATES_IMPOSSIBLES + DATES_EXTREMES),
    formules,
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.just(""),
)
grande_cellule = st.integers(min_value=1, max_value=300_000).map(lambda n: "x" * n)


def entetes(genre: str) -> st.SearchStrategy[list[str]]:
    colonnes = GENRES[genre][1]().colonnes()
    return st.one_of(
        # Real columns, so that the rows reach the resource...
        st.lists(st.sampled_from(colonnes), unique=True, min_size=1),
        # ...or headers in disorder.
        st.lists(
            st.one_of(st.sampled_from(colonnes), st.sampled_from(colonnes).map(str.upper), cellule),
            max_size=len(colonnes) + 2,
        ),
    )


# A valid row of each kind, naming what the `referentiel` fixture creates.
LIGNES_VALIDES = {
    "dossiers": {
        "reference": "2013-0101",
        "type_porteur": "personne",
        "nom": "Dupont",
        "prenom": "Aïcha",
        "genre": "F",
        "date_naissance": "03/04/1985",
        "commune_insee": "59350",
        "quartier": "Wazemmes",
        "situation_professionnelle": "demandeur_emploi",
        "revenu": "rsa",
        "niveau_qualification": "bac",
        "dispositif": "citeslab",
        "prescripteur": "PE",
        "secteur": "commerce",
        "projet_collectif": "non",
    },
    "rendez-vous": {
        "dossier": "2013-0001",
        "date": "05/03/2013",
        "heure": "10:00",
        "duree_minutes": "60",
        "charge": "claire",
        "lieu": "Centre social Marcel Pagnol",
        "objet": "accueil_orientation",
        "statut": "realise",
    },
    "changements-de-phase": {
        "dossier": "2013-0001",
        "phase": "accueil",
        "date": "2013-03-05",
        "type_sortie": "",
        "issue": "",
        "commentaire": "Premier accueil",
        "date_convention": "",
    },
}


@st.composite
def tableau_presque_valide(draw, genre: str) -> list[list[str]]:
    """Valid rows (some with the key of a stored record) with a few cells replaced by
    hostile ones: these reach the resource's checks and, sometimes, the writes."""
    modele = LIGNES_VALIDES[genre]
    colonnes = list(modele)
    lignes = []
    for _ in range(draw(st.integers(1, 4))):
        ligne = dict(modele)
        cle = "reference" if genre == "dossiers" else "dossier"
        ligne[cle] = draw(st.sampled_from(["2013-0001", "2013-0002", "2013-0003", "2013-0101"]))
        for colonne in draw(st.lists(st.sampled_from(colonnes), max_size=2, unique=True)):
            ligne[colonne] = draw(cellule)
        lignes.append([ligne[c] for c in colonnes])
    return [colonnes, *lignes]


@st.composite
def tableau_hostile(draw, genre: str) -> list[list[str]]:
    """A header (mostly real column names) and a few rows of hostile cells, sometimes
    ragged, sometimes with one enormous cell."""
    entete = draw(entetes(genre))
    largeur = max(1, len(entete))
    lignes = draw(
        st.lists(st.lists(cellule, min_size=0, max_size=largeur + 1), min_size=0, max_size=6)
    )
    if lignes and draw(st.integers(0, 9)) == 0:
        lignes[0] = [*lignes[0], draw(grande_cellule)]
    return [entete, *lignes]


def tableau(genre: str) -> st.SearchStrategy[list[list[str]]]:
    return st.one_of(tableau_hostile(genre), tableau_presque_valide(genre))


def ecrire_csv(lignes: list[list[str]], separateur: str) -> str:
    sortie = io.StringIO()
    csv.writer(sortie, delimiter=separateur, lineterminator="\r\n").writerows(lignes)
    return sortie.getvalue()


ENCODAGES = ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32"]


@st.composite
def fichier_csv(draw, genre: str) -> tuple[bytes, str]:
    texte = ecrire_csv(draw(tableau(genre)), draw(st.sampled_from([",", ";", "\t"])))
    encodage = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-8", "utf-8-sig", *ENCODAGES]))
    nom = draw(st.sampled_from(["fichier.csv", "FICHIER.CSV", "fichier.txt", "fichier"]))
    return texte.encode(encodage, errors="replace"), nom


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@st.composite
def fichier_xlsx(draw, genre: str) -> tuple[bytes, str]:
    """A workbook whose cells mix text, numbers, dates, times, booleans and formulas."""
    valeur_xlsx = st.one_of(
        cellule.map(lambda t: _ILLEGAL_XLSX.sub("", t)),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.dates(min_value=datetime.date(1900, 3, 1)),
        st.times(),
        st.booleans(),
        st.none(),
    )
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    if draw(st.booleans()):
        entete, *lignes = draw(tableau_presque_valide(genre))
        lignes = [[_ILLEGAL_XLSX.sub("", c) for c in ligne] for ligne in lignes]
    else:
        entete = draw(entetes(genre))
        largeur = max(1, len(entete)) + 1
        lignes = draw(st.lists(st.lists(valeur_xlsx, max_size=largeur), max_size=5))
    feuille.append([_ILLEGAL_XLSX.sub("", h) for h in entete])
    for ligne in lignes:
        feuille.append(ligne)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue(), draw(st.sampled_from(["classeur.xlsx", "classeur.csv"]))


octets_quelconques = st.tuples(
    st.one_of(
        st.binary(max_size=2000),
        # Magic numbers of other formats, then noise.
        st.builds(
            lambda debut, reste: debut + reste,
            st.sampled_from(
                [b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n"]
                + [b"\xef\xbb\xbf", b"\xff\xfe"]
            ),
            st.binary(max_size=500),
        ),
    ),
    st.sampled_from(["f.csv", "f.xlsx", "f.xls", "f.png", "f.pdf", "f", "f.txt", ".csv"]),
)

GENRES_CODES = list(GENRES)


# --- The fuzz tests ---------------------------------------------------------------------


@pytest.fixture
def referentiel(wazemmes, pole_emploi, centre_social, dossiers, charge, directeur):
    """What the plausible values name: Lille and Wazemmes, a partner, a place, three
    dossiers, Claire and Marc."""


@given(genre=st.sampled_from(GENRES_CODES), donnees=st.data())
def test_un_csv_hostile_n_ecrit_rien_et_s_explique_en_francais(
    client_directeur, referentiel, genre, donnees
):
    contenu, nom = donnees.draw(fichier_csv(genre))
    un_exemple(lambda: verifier_reponse(client_directeur, genre, contenu, nom))


@given(genre=st.sampled_from(GENRES_CODES), donnees=st.data())
def test_un_classeur_hostile_n_ecrit_rien_et_s_explique_en_francais(
    client_directeur, referentiel, genre, donnees
):
    contenu, nom = donnees.draw(fichier_xlsx(genre))
    un_exemple(lambda: verifier_reponse(client_directeur, genre, contenu, nom))


@given(genre=st.sampled_from(GENRES_CODES), fichier=octets_quelconques)
def test_des_octets_quelconques_sont_refuses_en_francais(
    client_directeur, referentiel, genre, fichier
):
    contenu, nom = fichier
    resultat = un_exemple(lambda: verifier_reponse(client_directeur, genre, contenu, nom))
    assert resultat.startswith("refusé")


@settings(max_examples=200)
@given(
    fichier=st.one_of(
        octets_quelconques,
        st.tuples(st.text(max_size=300).map(str.encode), st.sampled_from(["f.csv", "f.txt"])),
    )
)
def test_la_lecture_d_un_fichier_ne_leve_que_des_refus_en_francais(fichier):
    """The reader alone, without a database: many more examples in the same time."""
    contenu, nom = fichier
    try:
        donnees = lire_fichier(contenu, nom)
    except FichierInvalide as refus:
        assert en_francais(str(refus)), str(refus)
    else:
        assert donnees.headers[-1] == "_ligne"


@settings(max_examples=5)
@given(contenu=st.binary(max_size=300), genre=st.sampled_from(GENRES_CODES))
def test_les_roles_sans_droit_d_import_sont_refuses_quel_que_soit_le_fichier(
    client, charge, administrateur, contenu, genre
):
    for utilisateur in (charge, administrateur):
        client.force_login(utilisateur)
        avant = empreinte()
        assert envoyer(client, genre, contenu, "f.csv").status_code == 403
        assert empreinte() == avant


# --- Explicit hostile files -------------------------------------------------------------

DOSSIERS = [
    ["reference", "nom", "prenom", "date_naissance", "commune_insee"],
    ["2013-0101", "Dupont", "Aïcha", "03/04/1985", "59350"],
]


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (_png(), "photo.csv", "ni un CSV ni un classeur XLSX"),
        (_pdf(), "releve.csv", "ni un CSV ni un classeur XLSX"),
        (b"PK\x03\x04pas vraiment un zip", "faux.xlsx", "Le classeur XLSX ne peut pas être lu"),
        (b"", "vide.csv", "Le fichier soumis est vide."),
        (b"\xef\xbb\xbf\r\n\r\n", "bom.csv", "Le fichier est vide."),
    ],
    ids=["png-renomme", "pdf-renomme", "faux-xlsx", "vide", "bom-seul"],
)
def test_un_fichier_qui_n_est_pas_un_tableur_est_refuse(
    client_directeur, lille, contenu, nom, message
):
    reponse = envoyer(client_directeur, "dossiers", contenu, nom)

    assert reponse.status_code == 200
    assert message in " ".join(reponse.context["form"].errors["fichier"])
    assert Dossier.objects.count() == 0


def test_un_fichier_d_entete_seule_est_refuse(client_directeur, lille):
    contenu = ecrire_csv([DOSSIERS[0]], ",").encode()

    reponse = envoyer(client_directeur, "dossiers", contenu, "e.csv")

    assert reponse.context["erreurs"] == [(None, "Le fichier ne contient aucune ligne de données.")]
    assert Dossier.objects.count() == 0


def test_un_fichier_de_50_mo_est_refuse_sur_sa_taille(client_directeur, lille):
    contenu = ecrire_csv(DOSSIERS, ",").encode() + b"x" * (50 * 1024 * 1024)

    reponse = envoyer(client_directeur, "dossiers", contenu, "gros.csv")

    assert reponse.status_code == 200
    assert reponse.context["form"].errors["fichier"] == [
        "Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers."
    ]
    assert Dossier.objects.count() == 0


def test_un_gros_fichier_est_refuse_sans_etre_lu_en_memoire(tmp_path, settings):
    """Django streams a large upload to a temporary file; the form refuses it on its size
    alone, without reading it: the memory it takes stays far below the file's size."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    fichier = TemporaryUploadedFile("gros.csv", "text/csv", 0, "utf-8")
    bloc = b"x" * (1024 * 1024)
    for _ in range(50):
        fichier.write(bloc)
    fichier.flush()
    fichier.size = 50 * 1024 * 1024
    del bloc

    tracemalloc.start()
    try:
        form = ImportForm({"genre": "dossiers"}, {"fichier": fichier})
        valide = form.is_valid()
        _courant, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        fichier.close()

    assert not valide
    assert "dépasse 5 Mo" in form.errors["fichier"][0]
    assert pic < TAILLE_MAX // 5


def test_une_date_impossible_est_signalee_avec_sa_ligne(client_directeur, lille):
    lignes = [
        *DOSSIERS,
        ["2013-0102", "Martin", "Paul", "31/02/1990", "59350"],
        ["2013-0103", "Petit", "Léa", "2013-13-01", "59350"],
    ]
    reponse = envoyer(client_directeur, "dossiers", ecrire_csv(lignes, ";").encode(), "d.csv")

    assert reponse.context["erreurs"] == [
        (3, "date_naissance : date impossible « 31/02/1990 »."),
        (4, "date_naissance : date impossible « 2013-13-01 »."),
    ]
    assert "<td>3</td>" in reponse.text
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("encodage", ["latin-1", "cp1252"])
def test_un_csv_latin_1_est_refuse_avec_la_marche_a_suivre(client_directeur, lille, encodage):
    """Decision: a file that is not UTF-8 is refused rather than guessed. Latin-1 and
    Windows-1252 decode almost any bytes, so a guess would silently store wrong letters
    (« Ã© » for « é ») in people's names; the message says how to save the file right."""
    contenu = ecrire_csv(DOSSIERS, ";").encode(encodage)

    reponse = envoyer(client_directeur, "dossiers", contenu, "latin.csv")

    assert reponse.context["form"].errors["fichier"] == [
        "Le fichier n'est pas encodé en UTF-8 : dans le tableur, enregistrez-le au format "
        "« CSV UTF-8 »."
    ]
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("encodage", ["utf-16", "utf-32"])
def test_un_csv_utf_16_est_refuse_comme_un_probleme_d_encodage(client_directeur, lille, encodage):
    """Excel's « Texte Unicode » is UTF-16: its many zero bytes must not make it look like
    a file of another kind."""
    contenu = ecrire_csv(DOSSIERS, ";").encode(encodage)

    reponse = envoyer(client_directeur, "dossiers", contenu, "unicode.csv")

    assert "n'est pas encodé en UTF-8" in reponse.context["form"].errors["fichier"][0]


def test_une_cellule_trop_longue_pour_le_lecteur_csv_est_expliquee(client_directeur, lille):
    lignes = [DOSSIERS[0], ["2013-0101", "x" * 200_000, "", "", ""]]

    reponse = envoyer(client_directeur, "dossiers", ecrire_csv(lignes, ",").encode(), "long.csv")

    (message,) = reponse.context["form"].errors["fichier"]
    assert en_francais(message), message
    assert "Ligne 2" in message
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("debut", ["+", "-", "@"])
def test_une_formule_importee_comme_texte_est_neutralisee_a_l_export(
    client_directeur, lille, debut
):
    """A cell starting with = is refused; one starting with + - @ is ordinary text for
    the import (« -Dupont », « @asso »), stored as typed, and the export prefixes it so
    that no spreadsheet runs it."""
    nom = f'{debut}HYPERLINK("http://example.org")'
    lignes = [DOSSIERS[0], ["2013-0101", nom, "Aïcha", "", "59350"]]
    reponse = envoyer(client_directeur, "dossiers", ecrire_csv(lignes, ",").encode(), "f.csv")
    client_directeur.post(reverse("imports:confirmer"), {"jeton": reponse.context["jeton"]})

    assert Porteur.objects.get().nom == nom
    _nom, _type, contenu = exporter_dossiers(Dossier.objects.all(), "csv")
    cellules = [
        c
        for ligne in csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";")
        for c in ligne
    ]
    assert "'" + nom in cellules
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cellules)
    _nom, _type, classeur = exporter_dossiers(Dossier.objects.all(), "xlsx")
    feuille = openpyxl.load_workbook(io.BytesIO(classeur)).active
    valeurs = [c.value for ligne in feuille.iter_rows() for c in ligne]
    assert "'" + nom in valeurs
    assert not any(c.data_type == "f" for ligne in feuille.iter_rows() for c in ligne)


def test_une_formule_en_csv_est_refusee(client_directeur, lille):
    lignes = [DOSSIERS[0], ["2013-0101", "=1+1", "Aïcha", "", "59350"]]

    reponse = envoyer(client_directeur, "dossiers", ecrire_csv(lignes, ",").encode(), "f.csv")

    assert reponse.context["erreurs"] == [
        (2, "nom : formule de tableur refusée : remplacez-la par sa valeur.")
    ]
    assert Dossier.objects.count() == 0


def test_un_classeur_corrompu_dans_sa_feuille_est_refuse_en_francais(client_directeur, lille):
    """A valid zip whose sheet is not well-formed XML: it opens, then fails on reading."""
    sortie = io.BytesIO()
    classeur = openpyxl.Workbook()
    classeur.active.append(["reference", "nom"])
    classeur.save(sortie)
    abime = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sortie.getvalue())) as zin, zipfile.ZipFile(abime, "w") as zout:
        for element in zin.infolist():
            donnees = zin.read(element.filename)
            if element.filename == "xl/worksheets/sheet1.xml":
                donnees = donnees[: len(donnees) // 2]
            zout.writestr(element, donnees)

    reponse = envoyer(client_directeur, "dossiers", abime.getvalue(), "abime.xlsx")

    assert reponse.status_code == 200
    assert "Le classeur XLSX ne peut pas être lu" in reponse.context["form"].errors["fichier"][0]


# --- Exports ----------------------------------------------------------------------------

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


@given(nom=st.text(min_size=1, max_size=40).map(lambda t: t.replace("\x00", "")))
def test_aucune_cellule_exportee_ne_commence_une_formule(db, nom):
    """Whatever a name holds (it may come from a form, an import or pasted text), the
    export opens as data: no cell starts a formula, and the XLSX is written."""
    from tests.factories import DossierFactory

    with transaction.atomic():
        DossierFactory(porteur__nom=nom, porteur__prenom=nom)
        _n, _t, contenu = exporter_dossiers(Dossier.objects.all(), "csv")
        _n, _t, classeur = exporter_dossiers(Dossier.objects.all(), "xlsx")
        transaction.set_rollback(True)

    lecteur = csv.reader(io.StringIO(contenu.decode("utf-8-sig"), newline=""), delimiter=";")
    cellules = [c for ligne in lecteur for c in ligne]
    feuille = openpyxl.load_workbook(io.BytesIO(classeur)).active
    cellules += [str(c.value) for ligne in feuille.iter_rows() for c in ligne if c.value]
    assert not any(c.lstrip(" \n").startswith(DEBUTS_DE_FORMULE) for c in cellules)
    assert not any(c.data_type == "f" for ligne in feuille.iter_rows() for c in ligne)


def test_un_caractere_de_controle_colle_dans_un_nom_n_empeche_pas_l_export_xlsx(
    client_directeur, lille
):
    """Regression: a vertical tab (pasted from a word processor) in a name made the XLSX
    export fail with a 500 (openpyxl refuses control characters)."""
    lignes = [DOSSIERS[0], ["2013-0101", "Du\x0bpont", "Aïcha", "", "59350"]]
    reponse = envoyer(client_directeur, "dossiers", ecrire_csv(lignes, ",").encode(), "f.csv")
    client_directeur.post(reverse("imports:confirmer"), {"jeton": reponse.context["jeton"]})
    assert Porteur.objects.get().nom == "Du\x0bpont"

    reponse = client_directeur.get(reverse("porteurs:exporter", args=["xlsx"]))

    assert reponse.status_code == 200
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    assert feuille["D2"].value == "Du pont"


def _classeur_etendu(valeur_lointaine) -> bytes:
    """A few kilobytes declaring a sheet of 500 000 rows by 16 384 columns: two real rows,
    a cell in the last column (styled only, or with a value) and a styled cell far down."""
    from openpyxl.styles import Font

    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(["reference", "nom"])
    feuille.append(["2013-0101", "Dupont"])
    feuille["XFD1"].font = Font(bold=True)
    feuille["XFD1"].value = valeur_lointaine
    feuille["A500000"].font = Font(bold=True)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def test_un_classeur_qui_s_etend_jusqu_au_bout_de_la_feuille_est_lu_sans_s_y_perdre(
    client_directeur, lille
):
    """Regression: rows were padded to the sheet's declared size, so that a small file
    made the server build billions of empty cells (the request never ended)."""
    import time

    debut = time.monotonic()
    reponse = envoyer(client_directeur, "dossiers", _classeur_etendu(None), "etendu.xlsx")

    assert time.monotonic() - debut < 20
    assert reponse.status_code == 200
    assert reponse.context["totaux"]["nouveaux"] == 1


def test_un_classeur_rempli_au_dela_de_100_colonnes_est_refuse(client_directeur, lille):
    reponse = envoyer(client_directeur, "dossiers", _classeur_etendu("x"), "large.xlsx")

    assert reponse.context["form"].errors["fichier"] == [
        "Ligne 1 : le classeur a plus de 100 colonnes remplies."
    ]
