"""Benchmark of the annual report on the demo data: statistics, HTML page, PDF, cached
download, and the plain scan the statistics are compared with.

Run from the project's root (make bench does it on a throw-away SQLite database):

    DATABASE_URL=sqlite:////tmp/maillage-bench.sqlite3 .venv/bin/python bench/rapport.py

It migrates and loads the demo when the database is empty, then prints one line per
measure: median time over the repetitions and the number of queries.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ANNEE = 2013
REPETITIONS = 5


def mesurer(nom: str, fonction, repetitions: int = REPETITIONS) -> float:
    durees, requetes = [], 0
    for _ in range(repetitions):
        with CaptureQueriesContext(connection) as capture:
            debut = time.perf_counter()
            resultat = fonction()
            durees.append(time.perf_counter() - debut)
        statut = getattr(resultat, "status_code", 200)
        if statut != 200:
            raise SystemExit(f"{nom} : réponse {statut}")
        requetes = len(capture)
    mediane = statistics.median(durees)
    print(f"{nom:<48} {mediane * 1000:9.1f} ms   {requetes:4d} requêtes")
    return mediane


def machine() -> str:
    modele = ""
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.node()} — {os.cpu_count()} cœurs {modele} — Python {platform.python_version()}"
    )


def main() -> None:
    from porteurs.models import Dossier
    from rapports import contenu, rendu
    from rapports.stats import rapport_annuel

    call_command("migrate", verbosity=0)
    if not Dossier.objects.exists():
        call_command("charger_demo", masse=True, verbosity=0)
    print(f"Machine : {machine()}")
    print(f"Base : {connection.vendor}, {Dossier.objects.count()} dossiers")

    statistiques = mesurer(
        f"statistiques de l'année {ANNEE} (rapport_annuel)", lambda: rapport_annuel(ANNEE)
    )

    def balayage():
        with connection.cursor() as curseur:
            curseur.execute(
                "SELECT count(*) FROM accompagnement_rendezvous WHERE date BETWEEN %s AND %s",
                [f"{ANNEE}-01-01", f"{ANNEE}-12-31"],
            )
            curseur.fetchone()

    scan = mesurer("balayage simple des rendez-vous de l'année", balayage)
    print(f"{'rapport statistiques / balayage':<48} {statistiques / scan:9.1f} ×")

    client = Client(SERVER_NAME="localhost")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="directeur"))
    mesurer(f"page HTML /rapports/{ANNEE}/", lambda: client.get(f"/rapports/{ANNEE}/"))
    donnees = contenu.donnees_rapport(ANNEE)
    mesurer("PDF (WeasyPrint, sans cache)", lambda: rendu.pdf_de_donnees(donnees), repetitions=2)

    generation, _ = rendu.generation_pour(ANNEE)
    rendu.generer(generation.pk)
    mesurer(
        "téléchargement répété du PDF (inchangé)",
        lambda: client.get(f"/rapports/{ANNEE}/rapport.pdf"),
    )


if __name__ == "__main__":
    main()
