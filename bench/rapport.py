"""Benchmark of the annual report: statistics, the plain scan they are compared with, HTML
page, PDF, cached download.

Run from the project's root; `make bench` runs it at scale 1 on a throw-away SQLite
database, `make bench BENCH_DB=postgres://...` on a database you built (scale 100: see
docs/performance.md):

    DATABASE_URL=sqlite:////tmp/maillage-bench.sqlite3 .venv/bin/python bench/rapport.py

It migrates and loads the demo (scale 1) when the database is empty, then prints one line
per measure: median time over the repetitions and the number of queries. bench/pages.py
and the other scripts of bench/ reuse `preparer_base`, `mesurer` and `machine`.
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

ANNEE = int(os.environ.get("BENCH_ANNEE", "2013"))
REPETITIONS = int(os.environ.get("BENCH_REPETITIONS", "5"))


def mesurer(nom: str, fonction, repetitions: int = REPETITIONS) -> float:
    """Median wall time of `fonction` over `repetitions` runs (seconds); prints it with the
    number of queries of the last run. A response other than 200 stops the benchmark."""
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
    print(f"{nom:<52} {mediane * 1000:9.1f} ms   {requetes:4d} requêtes", flush=True)
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


def charge_machine() -> str:
    """The load average: the figures are only comparable under similar loads."""
    un, cinq, _ = os.getloadavg()
    return f"charge moyenne {un:.1f} (1 min), {cinq:.1f} (5 min)"


def preparer_base() -> None:
    """Migrate, load the demo (scale 1) into an empty database, and print what is measured."""
    from accompagnement.models import RendezVous
    from porteurs.models import Dossier

    call_command("migrate", verbosity=0)
    if not Dossier.objects.exists():
        call_command("charger_demo", masse=True, verbosity=0)
    print(f"Machine : {machine()} — {charge_machine()}")
    print(
        f"Base : {connection.vendor} {connection.settings_dict['NAME']}, "
        f"{Dossier.objects.count()} dossiers, {RendezVous.objects.count()} rendez-vous"
    )


def balayage(annee: int = ANNEE) -> None:
    """The plain scan the report's statistics are compared with: one count of the year's
    appointments."""
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT count(*) FROM accompagnement_rendezvous WHERE date BETWEEN %s AND %s",
            [f"{annee}-01-01", f"{annee}-12-31"],
        )
        curseur.fetchone()


def balayage_complet(annee: int = ANNEE) -> None:
    """The same count read through the whole table (PostgreSQL: index scans disabled for
    this one transaction), the "full scan" of issue 9."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as curseur:
        for reglage in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
            curseur.execute(f"SET LOCAL {reglage} = off")
        curseur.execute(
            "SELECT count(*) FROM accompagnement_rendezvous WHERE date BETWEEN %s AND %s",
            [f"{annee}-01-01", f"{annee}-12-31"],
        )
        curseur.fetchone()


def main() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from porteurs.models import Dossier
    from rapports import contenu, rendu
    from rapports.stats import rapport_annuel

    preparer_base()
    statistiques = mesurer(
        f"statistiques de l'année {ANNEE} (rapport_annuel)", lambda: rapport_annuel(ANNEE)
    )
    scan = mesurer(f"balayage simple des rendez-vous de {ANNEE} (index)", balayage)
    print(f"{'rapport statistiques / balayage (index)':<52} {statistiques / scan:9.1f} ×")
    if connection.vendor == "postgresql":
        complet = mesurer(f"balayage complet des rendez-vous de {ANNEE}", balayage_complet)
        print(f"{'rapport statistiques / balayage complet':<52} {statistiques / complet:9.1f} ×")

    # A network's usual report is its last year's, whose funnel reads every earlier year.
    derniere = Dossier.objects.aggregate(a=Max("date_accueil"))["a"].year
    if derniere != ANNEE:
        stats_derniere = mesurer(
            f"statistiques de l'année {derniere} (la dernière)", lambda: rapport_annuel(derniere)
        )
        if connection.vendor == "postgresql":
            complet = mesurer(
                f"balayage complet des rendez-vous de {derniere}",
                lambda: balayage_complet(derniere),
            )
            print(
                f"{'rapport statistiques / balayage complet':<52} {stats_derniere / complet:9.1f} ×"
            )

    client = Client(SERVER_NAME="localhost")
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
    print(f"Fin : {charge_machine()}")


if __name__ == "__main__":
    main()
