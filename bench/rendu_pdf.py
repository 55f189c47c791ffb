"""Benchmark of the PDF rendering: a synthetic report of about 40 pages with 30 charts.

No database is needed. Run from the project's root:

    DJANGO_SETTINGS_MODULE=maillage.settings .venv/bin/python bench/rendu_pdf.py

Each variant (charts as inline <svg>, or as <img src="data:image/svg+xml;base64,...">)
runs in its own process so that its peak memory (ru_maxrss) is its own. Printed per
variant: time to build the SVGs, time to render the PDF (each repetition), page count,
peak memory. Options: --graphiques N, --repetitions N, --sans-ua, --sortie FICHIER.PDF.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def _document(nb_graphiques: int, en_image: bool) -> tuple[str, float]:
    from django.utils.safestring import mark_safe

    from rapports import charts
    from rapports.pdf import Section, html_definitions, html_document, html_graphique

    hasard = random.Random(2013)
    quartiers = [
        "Bois-Blancs",
        "Centre",
        "Faubourg de Béthune",
        "Fives",
        "Hellemmes",
        "Lille-Moulins",
        "Lomme",
        "Saint-Maurice Pellevoisin",
        "Vauban-Esquermes",
        "Wazemmes",
        "Non renseigné",
    ]
    annees = ["2011", "2012", "2013"]
    modeles = [
        ("barres", ["<26", "26-35", "36-45", "46-55", ">55", "NR"], ["Accueils"]),
        ("barres_horizontales", quartiers, ["Accueils"]),
        (
            "barres_groupees",
            ["Demandeur d'emploi", "Salarié", "RSA", "Étudiant", "NR"],
            ["Femmes", "Hommes"],
        ),
        ("barres_empilees", annees, ["Lille", "Roubaix", "Tourcoing", "Autres"]),
        ("camembert", ["Femme", "Homme", "Non renseigné"], ["Accueils"]),
        ("entonnoir", ["Accueil", "Maturation", "Création", "Post-création"], ["Porteurs"]),
    ]
    graphiques = []
    for i in range(nb_graphiques):
        nature, etiquettes, series = modeles[i % len(modeles)]
        valeurs = [[hasard.randint(0, 60) for _ in etiquettes] for _ in series]
        if nature == "entonnoir":
            valeurs = [sorted(valeurs[0], reverse=True)]
        graphiques.append(
            charts.Graphique(
                identifiant=f"g{i}",
                titre=f"Figure {i + 1} : répartition des accueils ({nature})",
                nature=nature,
                etiquettes=etiquettes,
                series=[charts.Serie(nom, v) for nom, v in zip(series, valeurs, strict=True)],
                note=f"n = {sum(map(sum, valeurs))} ; NR : {hasard.randint(0, 5)}.",
                source="dossiers de l'année, date du premier accueil",
            )
        )

    debut = time.perf_counter()
    for g in graphiques:
        charts.svg(g)
    duree_svg = time.perf_counter() - debut

    paragraphe = (
        "<p>L'association a accueilli cette année des porteurs de projet venus de toute la "
        "métropole lilloise ; l'accompagnement s'organise en phases successives, de "
        "l'accueil à la post-création, avec des rendez-vous individuels et collectifs "
        "dont les effectifs sont détaillés ci-dessous.</p>"
    )
    lignes = "".join(
        f"<tr><th scope='row'>{q}</th><td class='nombre'>{hasard.randint(0, 40)}</td>"
        f"<td class='nombre'>{hasard.randint(0, 40)}</td></tr>"
        for q in quartiers
    )
    tableau = (
        "<table><caption>Accueils par quartier et par année</caption><thead><tr>"
        "<th scope='col'>Quartier</th><th scope='col' class='nombre'>2012</th>"
        f"<th scope='col' class='nombre'>2013</th></tr></thead><tbody>{lignes}</tbody></table>"
    )
    sections = []
    par_chapitre = max(1, nb_graphiques // 5)
    for c in range(5):
        sections.append(
            Section(
                str(c + 1),
                f"Chapitre {c + 1} du rapport",
                f"ch{c + 1}",
                1,
                mark_safe(paragraphe * 8),
            )
        )
        lot = graphiques[c * par_chapitre : (c + 1) * par_chapitre]
        for k in range(0, len(lot), 2):
            contenu = (
                paragraphe * 3
                + tableau
                + "".join(html_graphique(g, en_image=en_image) for g in lot[k : k + 2])
            )
            sections.append(
                Section(
                    f"{c + 1}.{k // 2 + 1}",
                    f"Section {c + 1}.{k // 2 + 1} : détail des accueils",
                    f"s{c + 1}-{k // 2 + 1}",
                    2,
                    mark_safe(contenu),
                )
            )
    definitions = [
        (
            f"Indicateur {i}",
            "Nombre de porteurs dont le premier accueil a eu lieu "
            "dans l'année civile, comptés une fois chacun.",
        )
        for i in range(40)
    ]
    sections.append(
        Section(
            "6",
            "Annexe : définitions des indicateurs",
            "definitions",
            1,
            html_definitions(definitions),
        )
    )
    html = html_document(
        titre="Rapport d'activité",
        annee=2013,
        association="Maillage",
        sections=sections,
        sous_titre="Document de test du rendu",
    )
    return html, duree_svg


def _pages(pdf: bytes) -> int | str:
    # The page objects sit in compressed object streams: ask poppler when it is there.
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return int(re.search(rb"Pages:\s+(\d+)", info.stdout).group(1))


def _mesurer(args: argparse.Namespace) -> dict:
    import django

    sys.path.insert(0, str(RACINE))
    django.setup()
    # WeasyPrint and fontTools log every step at INFO: that is not what is measured.
    for nom in ("weasyprint", "fontTools"):
        logging.getLogger(nom).setLevel(logging.ERROR)
    from rapports.pdf import rendre_pdf

    html, duree_svg = _document(args.graphiques, args.mode == "image")
    durees, durees_cpu = [], []
    for _ in range(args.repetitions):
        debut, debut_cpu = time.perf_counter(), time.process_time()
        pdf = rendre_pdf(html, variante=None if args.sans_ua else "pdf/ua-1")
        durees.append(round(time.perf_counter() - debut, 2))
        # The machine is shared: CPU time says what the rendering costs by itself.
        durees_cpu.append(round(time.process_time() - debut_cpu, 2))
    if args.sortie:
        Path(args.sortie).write_bytes(pdf)
    return {
        "mode": args.mode,
        "svg_s": round(duree_svg, 3),
        "pdf_s": durees,
        "pdf_cpu_s": durees_cpu,
        "pages": _pages(pdf),
        "octets": len(pdf),
        "memoire_max_mo": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphiques", type=int, default=30)
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument("--sans-ua", action="store_true", help="sans pdf_variant pdf/ua-1")
    parser.add_argument("--mode", choices=["inline", "image"], help=argparse.SUPPRESS)
    parser.add_argument("--sortie", help="écrit le PDF (du mode inline) dans ce fichier")
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(_mesurer(args)))
        return
    print(
        f"{args.graphiques} graphiques, {args.repetitions} rendus par variante, "
        f"{'sans' if args.sans_ua else 'avec'} PDF/UA-1"
    )
    for mode in ("inline", "image"):
        commande = [
            sys.executable,
            __file__,
            "--mode",
            mode,
            "--graphiques",
            str(args.graphiques),
            "--repetitions",
            str(args.repetitions),
        ]
        if args.sans_ua:
            commande.append("--sans-ua")
        if args.sortie and mode == "inline":
            commande += ["--sortie", args.sortie]
        sortie = subprocess.run(commande, capture_output=True, text=True, check=True)
        r = json.loads(sortie.stdout.strip().splitlines()[-1])
        libelle = "<svg> en ligne" if mode == "inline" else "<img> data: URI"
        print(
            f"{libelle:16} SVG construits en {r['svg_s']:.3f} s ; PDF en "
            f"{' / '.join(f'{d:.2f}' for d in r['pdf_s'])} s "
            f"(CPU {' / '.join(f'{d:.2f}' for d in r['pdf_cpu_s'])} s) ; {r['pages']} pages ; "
            f"{r['octets'] // 1024} Kio ; mémoire max {r['memoire_max_mo']} Mo"
        )


if __name__ == "__main__":
    main()
