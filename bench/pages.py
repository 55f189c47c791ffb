"""Benchmark of the casework pages: the dossier list (with and without filters, first and a
far page) and the dossier page, through the Django test client (no network, no server).

Run from the project's root after bench/rapport.py, on the same database (`make bench`
does both):

    DATABASE_URL=sqlite:////tmp/maillage-bench.sqlite3 .venv/bin/python bench/pages.py

Prints, for each page, the median wall-clock time, the median CPU time of this process (the
Python side: views, forms, templates, the database driver) and the query count; the counts
must not depend on the data size (tests/porteurs/test_requetes_pages.py pins them). Set
DEBUG=0 to measure as in production (the templates' debug mode costs CPU).
"""

from __future__ import annotations

import statistics
import time
from urllib.parse import urlencode

from rapport import ANNEE, REPETITIONS, charge_machine, preparer_base


def mesurer(nom: str, fonction, repetitions: int = REPETITIONS) -> None:
    """Median wall and CPU time of `fonction` (a page through the test client) and the
    number of queries of its last run; a response other than 200 stops the benchmark."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    murs, cpus, requetes = [], [], 0
    for _ in range(repetitions):
        with CaptureQueriesContext(connection) as capture:
            debut, debut_cpu = time.perf_counter(), time.process_time()
            reponse = fonction()
            murs.append(time.perf_counter() - debut)
            cpus.append(time.process_time() - debut_cpu)
        if reponse.status_code != 200:
            raise SystemExit(f"{nom} : réponse {reponse.status_code}")
        requetes = len(capture)
    print(
        f"{nom:<52} {statistics.median(murs) * 1000:9.1f} ms"
        f"  (CPU {statistics.median(cpus) * 1000:6.1f} ms)   {requetes:4d} requêtes",
        flush=True,
    )


def main() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from porteurs.models import Dossier

    preparer_base()
    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(username="charge"))

    # Real values of the data for the filters, chosen before measuring.
    un_dossier = (
        Dossier.objects.filter(epci_accueil__isnull=False, referent__isnull=False)
        .select_related("porteur")
        .order_by("pk")
        .first()
    )
    pages = max(1, -(-Dossier.objects.count() // 50))
    listes = {
        "liste des dossiers, page 1": {},
        # Page 100 is 5 000 rows in: the page's keys are read from an index, then joined.
        f"liste des dossiers, page {min(100, pages)}": {"page": min(100, pages)},
        "liste, filtre phase maturation + ESCALE": {"phase": "maturation", "dispositif": "escale"},
        "liste, phase création, page 3": {"phase": "creation", "page": min(3, pages)},
        f"liste, accueillis en {ANNEE}": {
            "accueil_du": f"{ANNEE}-01-01",
            "accueil_au": f"{ANNEE}-12-31",
        },
        "liste, EPCI + quartier prioritaire": {"epci": un_dossier.epci_accueil_id, "qpv": "oui"},
        "liste, référent(e) + phase création": {
            "referent": un_dossier.referent_id,
            "phase": "creation",
        },
        "liste, recherche d'un nom": {"q": un_dossier.porteur.nom},
        # A common name (thousands of dossiers at scale 100), as in the load test.
        "liste, recherche « martin »": {"q": "martin"},
    }
    for nom, parametres in listes.items():
        url = f"/dossiers/?{urlencode(parametres)}" if parametres else "/dossiers/"
        mesurer(nom, lambda url=url: client.get(url))

    plus_suivi = (
        Dossier.objects.annotate(n=Count("rendez_vous"))
        .order_by("-n", "pk")
        .values_list("reference", "n")
        .first()
    )
    mesurer(
        f"page d'un dossier ({plus_suivi[1]} rendez-vous)",
        lambda: client.get(f"/dossiers/{plus_suivi[0]}/"),
    )
    mesurer(
        "page d'un dossier ordinaire",
        lambda: client.get(f"/dossiers/{un_dossier.reference}/"),
    )
    mesurer("liste des porteurs, page 1", lambda: client.get("/dossiers/porteurs/"))
    print(f"Fin : {charge_machine()}")


if __name__ == "__main__":
    main()
