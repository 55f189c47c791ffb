"""The report's PDF: HTML to bytes with WeasyPrint, with no network access.

`rendre_pdf` takes the HTML of `rapports/pdf/document.html` (or any HTML) and applies
the print stylesheet `static/rapports/impression.css`. Resources are fetched by
`FetcherLocal`, which only reads `data:` URLs and files of the app's static files: a
report never waits on, nor leaks to, another server, and narrative text typed by the
direction cannot pull a file of the server into the PDF (WeasyPrint embeds
`<a rel="attachment">` targets).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from rapports import charts

FEUILLE_IMPRESSION = "rapports/impression.css"
# Relative URLs of a document rendered without a base_url ("/static/rapports/...", as
# {% static %} writes them) resolve against this, then map to the static files.
BASE_URL_PAR_DEFAUT = "file:///"


class RessourceRefusee(ValueError):
    """A URL the PDF may not fetch (network, or a file outside the static files)."""


class FetcherLocal(URLFetcher):
    """WeasyPrint's fetcher, restricted to `data:` and to the app's static files.

    `file:` URLs are accepted when they name a file under a static files location
    (STATICFILES_DIRS, the apps' static/ folders, STATIC_ROOT), or when their path starts
    with STATIC_URL, in which case the rest is looked up like {% static %} does: through
    the staticfiles finders, then the storage (hashed names after collectstatic).
    Anything else — http(s), ftp, another file — raises `RessourceRefusee`.
    """

    def __init__(self) -> None:
        # fail_on_errors: a missing chart or font stops the rendering instead of silently
        # giving a PDF without it.
        super().__init__(allowed_protocols=("data", "file"), fail_on_errors=True)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        schema = url.split(":", 1)[0].lower()
        if schema == "data":
            return super().fetch(url, headers)
        if schema != "file":
            raise RessourceRefusee(f"ressource refusée dans le PDF : {url}")
        chemin = self.fichier_statique(url)
        return URLFetcherResponse(chemin.as_uri(), body=chemin.read_bytes())

    @staticmethod
    def fichier_statique(url: str) -> Path:
        chemin = url2pathname(unquote(urlsplit(url).path))
        prefixe = "/" + settings.STATIC_URL.strip("/") + "/"
        if chemin.startswith(prefixe):
            nom = chemin.removeprefix(prefixe)
            trouve = finders.find(nom)
            if not trouve and staticfiles_storage.exists(nom):
                trouve = staticfiles_storage.path(nom)
            if trouve:
                return Path(trouve).resolve()
            raise RessourceRefusee(f"fichier statique introuvable : {nom}")
        fichier = Path(chemin).resolve()
        if fichier.is_file() and any(fichier.is_relative_to(r) for r in _racines_statiques()):
            return fichier
        raise RessourceRefusee(f"fichier hors des fichiers statiques : {chemin}")


def _racines_statiques() -> list[Path]:
    racines = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for finder in finders.get_finders():
        for _prefixe, stockage in finder.list([]):
            racines.append(Path(stockage.location))
    return [r.resolve() for r in racines]


def rendre_pdf(
    html: str, *, base_url: str | None = None, variante: str | None = "pdf/ua-1"
) -> bytes:
    """The PDF of `html` (A4, print stylesheet), tagged PDF/UA-1 unless `variante` says.

    Raises `RessourceRefusee` when the document refers to anything but data: URLs and
    static files, and the fetcher's error (FileNotFoundError...) when one is missing.
    """
    fetcher = FetcherLocal()
    polices = FontConfiguration()
    base = base_url or BASE_URL_PAR_DEFAUT
    feuille = CSS(
        url=f"{BASE_URL_PAR_DEFAUT}{settings.STATIC_URL.strip('/')}/{FEUILLE_IMPRESSION}",
        url_fetcher=fetcher,
        font_config=polices,
    )
    try:
        return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
            stylesheets=[feuille], font_config=polices, pdf_variant=variante
        )
    except FatalURLFetchingError as erreur:
        # WeasyPrint wraps the fetcher's error in a BaseException, which Django's
        # handlers would not catch: give back the error itself.
        if isinstance(erreur.__cause__, Exception):
            raise erreur.__cause__ from None
        raise


# --- Building the document -----------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One heading of the report and its content (HTML already marked safe)."""

    numero: str
    titre: str
    ancre: str
    niveau: int = 1
    contenu: SafeString = mark_safe("")


def html_document(
    *,
    titre: str,
    annee: int,
    association: str,
    sections: Sequence[Section],
    sous_titre: str = "",
) -> str:
    """The HTML of the printed report; `rendre_pdf` turns it into the PDF."""
    return render_to_string(
        "rapports/pdf/document.html",
        {
            "titre": titre,
            "annee": annee,
            "association": association,
            "sous_titre": sous_titre,
            "sections": sections,
        },
    )


def html_graphique(
    g: charts.Graphique, *, en_image: bool = False, avec_tableau: bool = False
) -> SafeString:
    """A chart with its caption and note, as inline SVG (the default) or a data: URI."""
    image = charts.svg(g)
    if en_image:
        image = "data:image/svg+xml;base64," + base64.b64encode(image.encode()).decode("ascii")
    return render_to_string(
        "rapports/pdf/graphique.html",
        {
            "graphique": g,
            "image": mark_safe(image),  # noqa: S308 - built by charts.svg, labels escaped
            "en_image": en_image,
            "tableau": charts.tableau_donnees(g) if avec_tableau else None,
        },
    )


def html_tableau(tableau: charts.TableauDonnees) -> SafeString:
    return render_to_string("rapports/pdf/tableau.html", {"tableau": tableau})


def html_definitions(definitions: Sequence[tuple[str, str]]) -> SafeString:
    """The definitions appendix: each indicator with what it counts."""
    return render_to_string("rapports/pdf/definitions.html", {"definitions": definitions})
