"""Benchmark of the dashboards on the demo data: each page through the Django test
client, logged in as the role that reads it, first view and cached, with its queries.

Run from the project's root, on the database of DATABASE_URL (make bench uses a
throw-away SQLite database):

    DATABASE_URL=sqlite:////tmp/maillage-bench.sqlite3 .venv/bin/python bench/tableaux.py

It migrates and loads the demo when the database is empty. The budget of issue 7 is
300 ms a page, first view included.

- "première vue": the plotly figures' cache (rapports.tableaux.figure) and the figures
  cached per state of the data (rapports.vues_tableaux) are emptied before each run, as
  on the first visit of a page with these filters after a change of the data; the process itself is
  warm (modules imported, templates compiled by one request that is not timed), since
  that cost is paid once per server process, not per visit.
- "en cache": the same request again, figures cached (what every later visit costs
  within FRAICHEUR_TABLEAUX, a minute, of the last check; after it, the fingerprint's
  queries are added, about 30 ms at a network's scale, until the data change).
Both are medians over REPETITIONS runs, wall-clock and CPU time of this process (SQLite
runs in it: on a machine shared with other programs the CPU time is the steadier of
the two); the query count is the last run's.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

# The login of the two readers is logged at INFO: noise in the table.
logging.disable(logging.INFO)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache as cache_django  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from rapport import preparer_base  # noqa: E402

REPETITIONS = 7
BUDGET_MS = 300


def client_de(nom_utilisateur: str) -> Client:
    try:
        utilisateur = get_user_model().objects.get(username=nom_utilisateur)
    except get_user_model().DoesNotExist:
        raise SystemExit(
            f"Utilisateur « {nom_utilisateur} » absent : chargez la démonstration "
            "(manage.py charger_demo)."
        ) from None
    client = Client(SERVER_NAME="localhost")
    client.force_login(utilisateur)
    return client


def filtres_exigeants() -> dict[str, str]:
    """A filtered board view: the latest year, one dispositif and the territoire de
    gouvernance with the most receptions (small cells, so the secret has work to do)."""
    from porteurs.models import Dossier
    from rapports import tableaux

    _, annee = tableaux.annees_disponibles()
    parametres = {"annee": str(annee), "dispositif": Dossier.Dispositif.CITESLAB}
    territoire = (
        Dossier.objects.filter(territoire_gouvernance_accueil__isnull=False)
        .values_list("territoire_gouvernance_accueil")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if territoire:
        parametres["territoire"] = str(territoire[0])
    return parametres


@dataclass
class Mesures:
    murales: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    requetes: int = 0
    taille: int = 0

    def ajouter(self, client: Client, url: str) -> None:
        with CaptureQueriesContext(connection) as capture:
            debut, debut_cpu = time.perf_counter(), time.process_time()
            reponse = client.get(url)
            self.murales.append(time.perf_counter() - debut)
            self.cpu.append(time.process_time() - debut_cpu)
        if reponse.status_code != 200:
            raise SystemExit(f"{url} : réponse {reponse.status_code}")
        self.requetes, self.taille = len(capture), len(reponse.content)

    @property
    def ms(self) -> float:
        return statistics.median(self.murales) * 1000

    @property
    def ms_cpu(self) -> float:
        return statistics.median(self.cpu) * 1000


def mesurer(nom: str, client: Client, url: str) -> Mesures:
    from rapports import tableaux

    Mesures().ajouter(client, url)  # compiles the templates, imports what the page needs
    premiere, cache = Mesures(), Mesures()
    for _ in range(REPETITIONS):
        tableaux.figure.cache_clear()
        cache_django.clear()  # the figures cached per state of the data (vues_tableaux)
        premiere.ajouter(client, url)
        cache.ajouter(client, url)
    depasse = " > budget" if premiere.ms > BUDGET_MS else ""
    print(
        f"{nom:<34} {premiere.ms:7.0f} {premiere.ms_cpu:7.0f} {cache.ms:7.0f} {cache.ms_cpu:7.0f}"
        f" {premiere.requetes:5d} {cache.requetes:5d} {premiere.taille / 1024:6.0f} ko{depasse}"
    )
    return premiere


def main() -> None:
    preparer_base()
    print(f"Médiane de {REPETITIONS} mesures par page ; budget : {BUDGET_MS} ms en première vue.")
    print(f"{'':<34} {'1re vue (ms)':>15} {'en cache (ms)':>15} {'requêtes':>11}")
    print(
        f"{'page':<34} {'réel':>7} {'CPU':>7} {'réel':>7} {'CPU':>7}"
        f" {'1re':>5} {'cache':>5} {'taille':>9}"
    )

    conseil = client_de("administrateur")
    direction = client_de("directeur")
    filtre = f"{reverse('rapports:tableaux_de_bord')}?{urlencode(filtres_exigeants())}"
    pages = [
        ("conseil (sans filtre)", conseil, reverse("rapports:tableaux_de_bord")),
        ("conseil (année, dispositif, terr.)", conseil, filtre),
        ("direction (sans filtre)", direction, reverse("rapports:tableau_direction")),
        ("carte (conseil)", conseil, reverse("rapports:carte_points_accueil")),
    ]
    depassements = [nom for nom, client, url in pages if mesurer(nom, client, url).ms > BUDGET_MS]
    if depassements:
        print(f"Au-dessus du budget de {BUDGET_MS} ms : {', '.join(depassements)}")


if __name__ == "__main__":
    main()
