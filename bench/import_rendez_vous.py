"""Rows per second of the appointment import (issue 9: at least 2 000 on PostgreSQL).

Run from the project's root, on a throw-away database (it adds dossiers to it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_bench \
        .venv/bin/python bench/import_rendez_vous.py [--lignes 10000]
    DATABASE_URL=sqlite:////tmp/maillage-bench.sqlite3 .venv/bin/python bench/import_rendez_vous.py

It migrates the database, creates one dossier per 4 rows (not received yet) and a CSV of
appointments (4 per dossier: 3 held and 1 cancelled, so that the rule opens accueil and
maturation on every dossier), then times the import as the browser runs it: the preview
(dry run, rolled back), the import, and a second import of the same file (all unchanged),
each with its processor time (the Python side: the database's own work is only in the
wall time) and its queries; and the load average, since the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accompagnement.models import ChangementPhase  # noqa: E402
from accompagnement.resources import RendezVousResource  # noqa: E402
from maillage.comptes import creer_ou_mettre_a_jour_compte  # noqa: E402
from maillage.roles import CHARGE  # noqa: E402
from porteurs.models import Dossier, Porteur  # noqa: E402
from porteurs.resources import lire_fichier  # noqa: E402
from tests.imports.conftest import csv_virgule  # noqa: E402

PAR_DOSSIER = 4
ENTETE = ["dossier", "date", "heure", "duree_minutes", "charge", "lieu", "objet", "statut"]


def fichier(nombre: int) -> bytes:
    """A CSV of `nombre` appointments of new dossiers (created here), 4 per dossier."""
    prefixe = f"B{time.time_ns() % 10**10}"
    dossiers = -(-nombre // PAR_DOSSIER)
    porteurs = Porteur.objects.bulk_create(Porteur(nom=f"Banc {n}") for n in range(dossiers))
    Dossier.objects.bulk_create(
        Dossier(reference=f"{prefixe}-{n:05d}", porteur=p) for n, p in enumerate(porteurs)
    )
    lignes = [ENTETE]
    for rang in range(nombre):
        n, k = divmod(rang, PAR_DOSSIER)
        jour = datetime.date(2013, 3, 1) + datetime.timedelta(days=7 * k + n % 5)
        statut = "annule" if k == 1 else "realise"
        lignes.append(
            [f"{prefixe}-{n:05d}", jour.strftime("%d/%m/%Y"), "10:00", "60", "bench"]
            + ["locaux", "suivi", statut]
        )
    return csv_virgule(lignes)


def _charge() -> str:
    """The load average (1, 5, 15 min): the machine is shared, wall times depend on it."""
    return " / ".join(f"{charge:.2f}" for charge in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lignes", type=int, default=10_000)
    nombre = parser.parse_args().lignes
    call_command("migrate", verbosity=0)
    creer_ou_mettre_a_jour_compte("bench", CHARGE, "mot-de-passe-du-banc-1")
    contenu = fichier(nombre)
    print(
        f"Import de {nombre} rendez-vous ({connection.vendor}, {nombre // PAR_DOSSIER} "
        f"dossiers), charge de la machine {_charge()}"
    )
    changements_avant = ChangementPhase.objects.count()
    for etape, essai in (("aperçu (dry run)", True), ("import", False), ("réimport", False)):
        with CaptureQueriesContext(connection) as requetes:
            debut, debut_cpu = time.perf_counter(), time.process_time()
            resource = RendezVousResource()
            resource.import_data(lire_fichier(contenu, "bench.csv"), dry_run=essai)
            duree, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
        if resource.erreurs:
            raise SystemExit(f"{etape} refusé : {resource.erreurs[:3]}")
        print(
            f"{etape:18} {duree:6.2f} s  {nombre / duree:7.0f} lignes/s  "
            f"(processeur {cpu:5.2f} s)  {len(requetes):6d} requêtes  {resource.totaux()}"
        )
    print(f"charge de la machine à la fin : {_charge()}")
    ouverts = ChangementPhase.objects.count() - changements_avant
    attendus = 2 * (nombre // PAR_DOSSIER)
    if ouverts != attendus:
        raise SystemExit(f"{ouverts} phases ouvertes par la règle, {attendus} attendues")


if __name__ == "__main__":
    main()
