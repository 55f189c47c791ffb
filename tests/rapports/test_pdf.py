"""The printed report: a small document through WeasyPrint, read back with poppler."""

import re
import shutil
import subprocess
import unicodedata

import pytest
from django.utils.safestring import mark_safe

from rapports.charts import Graphique, Serie
from rapports.pdf import (
    FetcherLocal,
    RessourceRefusee,
    Section,
    html_definitions,
    html_document,
    html_graphique,
    rendre_pdf,
)

poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftotext, pdfimages, pdfinfo) is not installed: "
    "apt-get install poppler-utils",
)

TITRES = [
    ("1", "ESCALE : accueil de proximité"),
    ("1.1", "Les porteurs accueillis"),
    ("2", "CitésLab et la maturation des projets"),
    ("3", "Annexe : définitions des indicateurs"),
]


def _normaliser(texte: str) -> str:
    # As ../shared/checks/report-pdf does: no accents, lower case, single spaces.
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", ascii_.lower()).strip()


def _document() -> str:
    genre = Graphique(
        "genre",
        "Accueils par genre",
        "camembert",
        ["Femme", "Homme", "NR"],
        [Serie("Accueils", [33, 49, 0])],
        note="n = 82.",
    )
    age = Graphique(
        "age",
        "Accueils par tranche d'âge",
        "barres",
        ["<26", "26-35", "36-45", "46-55", ">55", "NR"],
        [Serie("Accueils", [12, 25, 20, 15, 10, 0])],
    )
    entonnoir = Graphique(
        "entonnoir",
        "Entonnoir",
        "entonnoir",
        ["Accueil", "Maturation", "Création"],
        [Serie("Porteurs", [53, 20, 7])],
    )
    texte = "<p>Les porteurs de projet accueillis dans l'année, par quartier et par âge.</p>"
    contenus = [
        mark_safe(texte + html_graphique(genre, avec_tableau=True)),
        mark_safe(texte * 3 + html_graphique(age)),
        mark_safe(texte + html_graphique(entonnoir, en_image=True)),
        html_definitions([("Accueil", "Premier rendez-vous de l'année d'un porteur.")]),
    ]
    sections = [
        Section(numero, titre, f"s{i}", numero.count(".") + 1, contenu)
        for i, ((numero, titre), contenu) in enumerate(zip(TITRES, contenus, strict=True))
    ]
    return html_document(
        titre="Rapport d'activité", annee=2013, association="Maillage", sections=sections
    )


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    chemin = tmp_path_factory.mktemp("pdf") / "rapport.pdf"
    chemin.write_bytes(rendre_pdf(_document()))
    return chemin


def _pages(pdf) -> list[str]:
    nombre = int(re.search(r"Pages:\s+(\d+)", _poppler("pdfinfo", pdf)).group(1))
    return [
        _poppler("pdftotext", "-f", str(p), "-l", str(p), pdf, "-") for p in range(1, nombre + 1)
    ]


def _poppler(*commande) -> str:
    return subprocess.run(commande, capture_output=True, text=True, check=True).stdout


@poppler
def test_pdf_holds_the_titles_and_numbers_its_pages(pdf):
    pages = _pages(pdf)
    tout = _normaliser(" ".join(pages))
    for _numero, titre in TITRES:
        assert _normaliser(titre) in tout
    assert f"page 1 / {len(pages)}" in pages[0]
    assert f"page {len(pages)} / {len(pages)}" in pages[-1]
    assert re.search(r"Tagged:\s+yes", _poppler("pdfinfo", pdf))  # PDF/UA-1


@poppler
def test_sommaire_entries_point_to_the_page_where_their_title_starts(pdf):
    pages = [_normaliser(p) for p in _pages(pdf)]
    page_sommaire = next(i for i, p in enumerate(pages) if "sommaire" in p) + 1
    lignes = _poppler(
        "pdftotext", "-layout", "-f", str(page_sommaire), "-l", str(page_sommaire), pdf, "-"
    ).splitlines()
    entrees = []
    for ligne in lignes:
        # The regular expression of ../shared/checks/report-pdf.
        m = re.match(
            r"\s*(?:[\d.]+\s+)?(\S.{3,}?)\s*(?:(?:[.·]\s*){3,}|(?:…\s*)+)(\d{1,3})\s*$", ligne
        )
        if m:
            entrees.append((_normaliser(m.group(1)), int(m.group(2))))
    assert [titre for titre, _page in entrees] == [_normaliser(t) for _n, t in TITRES]
    for titre, page in entrees:
        # Stricter than the check: the first page after the Sommaire that holds the title
        # (the running header repeats it on the pages that follow).
        premiere = next(
            i for i, p in enumerate(pages[page_sommaire:], page_sommaire + 1) if titre in p
        )
        assert page == premiere, titre


@poppler
def test_charts_are_vectors_not_images(pdf):
    images = _poppler("pdfimages", "-list", pdf).splitlines()[2:]
    assert images == []


@poppler
def test_french_percentages_reach_the_pdf(pdf):
    texte = _poppler("pdftotext", pdf, "-")
    # poppler gives the narrow no-break space back as a plain space.
    assert re.search(r"33 \(40,2\s%\)", texte)
    assert re.search(r"Homme\s+49\s+59,8\s%", texte)


def test_fetcher_refuses_the_network_and_files_outside_static():
    fetcher = FetcherLocal()
    with pytest.raises(RessourceRefusee):
        fetcher.fetch("http://example.org/logo.png")
    with pytest.raises(RessourceRefusee):
        fetcher.fetch("https://cdn.example.org/plotly.min.js")
    with pytest.raises(RessourceRefusee):
        fetcher.fetch("file:///etc/passwd")


def test_fetcher_serves_static_files_and_data_urls():
    fetcher = FetcherLocal()
    police = fetcher.fetch("file:///static/rapports/fonts/SourceSans3-Regular.woff")
    assert police.read(4) == b"wOFF"
    assert fetcher.fetch("data:text/plain,bonjour").read() == b"bonjour"


def test_a_document_pointing_at_the_network_is_not_rendered():
    with pytest.raises(RessourceRefusee):
        rendre_pdf('<html lang="fr"><body><img src="http://example.org/x.png"></body></html>')
