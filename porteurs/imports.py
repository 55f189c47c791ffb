"""Browser import for the direction: choose the kind, upload, preview, confirm (issue 3).

The preview is a real import run in a transaction that is rolled back (the library's dry
run), so it shows exactly what the confirmation will do, workflow refusals included. The
uploaded file waits between the two steps in a private temporary folder, named by a random
token kept in the user's session with the file's SHA-256; the confirmation reads that
file again, checks the digest, validates every row again and imports in one transaction.
Nothing the browser sends back is trusted but the token.
"""

import hashlib
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accompagnement.resources import ChangementPhaseResource, RendezVousResource
from maillage.formulaires import FormulaireBootstrap
from porteurs.resources import (
    MESSAGE_TROP_GROS,
    TAILLE_MAX,
    DossierResource,
    FichierInvalide,
    ImportRefuse,
    lire_fichier,
)

PERMISSION = "maillage.importer_donnees"

# The kinds of file, in the order they are usually imported.
GENRES = {
    "dossiers": ("Dossiers et porteurs", DossierResource),
    "rendez-vous": ("Rendez-vous", RendezVousResource),
    "changements-de-phase": ("Changements de phase", ChangementPhaseResource),
}

# A file waiting for its confirmation is forgotten after this long.
DUREE_ATTENTE = 3600
LIGNES_AFFICHEES = 500
CLE_SESSION = "import_en_attente"


def _dossier_attente() -> Path:
    dossier = Path(tempfile.gettempdir()) / "maillage-imports"
    dossier.mkdir(mode=0o700, exist_ok=True)
    return dossier


def _purger() -> None:
    """Delete the files of abandoned imports (never confirmed)."""
    limite = time.time() - DUREE_ATTENTE
    for fichier in _dossier_attente().glob("*.bin"):
        if fichier.stat().st_mtime < limite:
            fichier.unlink(missing_ok=True)


class ImportForm(FormulaireBootstrap, forms.Form):
    genre = forms.ChoiceField(
        label="Que contient le fichier ?",
        choices=[(code, libelle) for code, (libelle, _r) in GENRES.items()],
        widget=forms.RadioSelect,
    )
    fichier = forms.FileField(
        label="Fichier",
        help_text=(
            "CSV (séparé par des virgules ou des points-virgules, encodé en UTF-8) ou "
            f"classeur XLSX, {TAILLE_MAX // (1024 * 1024)} Mo au plus. La première ligne "
            "porte le nom des colonnes."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_fichier(self) -> tuple[str, bytes]:
        fichier = self.cleaned_data["fichier"]
        # On its size alone, before reading: Django has streamed a large upload to a
        # temporary file in chunks, so a 50 MB file never sits in memory.
        if fichier.size > TAILLE_MAX:
            raise forms.ValidationError(MESSAGE_TROP_GROS)
        contenu = fichier.read(TAILLE_MAX + 1)
        try:
            lire_fichier(contenu, fichier.name)
        except FichierInvalide as erreur:
            raise forms.ValidationError(str(erreur)) from None
        return fichier.name, contenu


def _importer(genre: str, contenu: bytes, nom: str, *, auteur, essai: bool):
    """Run the import (a dry run when `essai`); return (resource, erreurs). Nothing is
    written when there is any error."""
    resource = GENRES[genre][1](auteur=auteur)
    try:
        donnees = lire_fichier(contenu, nom)
    except FichierInvalide as erreur:
        return resource, [(None, str(erreur))]
    resultat = resource.import_data(donnees, dry_run=essai)
    erreurs = list(resource.erreurs)
    connues = {str(ImportRefuse(resource.erreurs))}
    for erreur in resultat.base_errors:
        if str(erreur.error) not in connues:
            erreurs.append((None, f"erreur inattendue : {erreur.error}"))
    return resource, erreurs


def _contexte_resultat(genre: str, resource, erreurs) -> dict:
    return {
        "genre": genre,
        "libelle": GENRES[genre][0],
        "erreurs": erreurs,
        "totaux": resource.totaux(),
        "lignes": resource.lignes[:LIGNES_AFFICHEES],
        "lignes_masquees": max(0, len(resource.lignes) - LIGNES_AFFICHEES),
    }


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION, raise_exception=True)
def importer(request: HttpRequest) -> HttpResponse:
    """Step 1 and 2: the form, then the preview of the uploaded file."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        genre = form.cleaned_data["genre"]
        nom, contenu = form.cleaned_data["fichier"]
        resource, erreurs = _importer(genre, contenu, nom, auteur=request.user, essai=True)
        contexte = _contexte_resultat(genre, resource, erreurs)
        if not erreurs:
            _purger()
            jeton = secrets.token_urlsafe(24)
            (_dossier_attente() / f"{jeton}.bin").write_bytes(contenu)
            request.session[CLE_SESSION] = {
                "jeton": jeton,
                "genre": genre,
                "nom": nom,
                "empreinte": hashlib.sha256(contenu).hexdigest(),
            }
            contexte["jeton"] = jeton
        contexte["nom"] = nom
        return render(request, "imports/apercu.html", contexte)
    return render(
        request,
        "imports/importer.html",
        {"form": form, "modeles": [(code, libelle) for code, (libelle, _r) in GENRES.items()]},
    )


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def confirmer(request: HttpRequest) -> HttpResponse:
    """Step 3: import the previewed file, validated again, in one transaction."""
    attente = request.session.get(CLE_SESSION)
    jeton = request.POST.get("jeton", "")
    if not attente or not secrets.compare_digest(attente["jeton"], jeton):
        messages.error(request, "Cet import n'est plus en attente : envoyez le fichier à nouveau.")
        return redirect("imports:importer")
    chemin = _dossier_attente() / f"{attente['jeton']}.bin"
    try:
        contenu = chemin.read_bytes()
    except FileNotFoundError:
        contenu = b""
    del request.session[CLE_SESSION]
    chemin.unlink(missing_ok=True)
    if hashlib.sha256(contenu).hexdigest() != attente["empreinte"]:
        messages.error(request, "Le fichier en attente a expiré ou changé : envoyez-le à nouveau.")
        return redirect("imports:importer")
    genre = attente["genre"]
    resource, erreurs = _importer(genre, contenu, attente["nom"], auteur=request.user, essai=False)
    if erreurs:
        # The data changed since the preview (someone else entered something): nothing
        # was written; show why.
        contexte = _contexte_resultat(genre, resource, erreurs)
        contexte["nom"] = attente["nom"]
        return render(request, "imports/apercu.html", contexte)
    totaux = resource.totaux()
    messages.success(
        request,
        f"Import terminé ({GENRES[genre][0].lower()}) : {totaux['nouveaux']} nouveau(x), "
        f"{totaux['modifies']} modifié(s), {totaux['inchanges']} inchangé(s).",
    )
    return redirect("imports:importer")


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def modele(request: HttpRequest, genre: str) -> HttpResponse:
    """A blank template: the header row, separated by semicolons (what a French
    spreadsheet opens in columns), UTF-8 with a BOM (so that accents show)."""
    if genre not in GENRES:
        raise Http404
    colonnes = GENRES[genre][1]().colonnes()
    reponse = HttpResponse(
        "\ufeff" + ";".join(colonnes) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="modele-{genre}.csv"'
    return reponse
