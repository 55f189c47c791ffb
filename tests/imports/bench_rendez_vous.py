"""Rows per second of the appointment import, on a fresh SQLite file (not a test).

    DATABASE_URL=sqlite:////tmp/bench_imports.sqlite3 \
        .venv/bin/python -m tests.imports.bench_rendez_vous

Builds 500 dossiers and a CSV of 2 000 appointments (4 per dossier, 3 held and 1
cancelled, so that the rule opens accueil and maturation), then times the preview (dry run)
and the import itself, and a second import of the same file (all unchanged).
"""

import datetime
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
os.environ.setdefault("DEBUG", "false")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accompagnement.resources import RendezVousResource  # noqa: E402
from maillage.comptes import creer_ou_mettre_a_jour_compte  # noqa: E402
from maillage.roles import CHARGE  # noqa: E402
from porteurs.models import Dossier, Porteur  # noqa: E402
from porteurs.resources import lire_fichier  # noqa: E402
from tests.imports.conftest import csv_virgule  # noqa: E402

DOSSIERS, PAR_DOSSIER = 500, 4


def main() -> None:
    assert connection.vendor == "sqlite", "à mesurer sur SQLite (DATABASE_URL=sqlite:///...)"
    call_command("migrate", verbosity=0)
    creer_ou_mettre_a_jour_compte("bench", CHARGE, "mot-de-passe-du-banc-1")
    prefixe = f"B{int(time.time())}"
    porteurs = Porteur.objects.bulk_create(Porteur(nom=f"Nom {n}") for n in range(DOSSIERS))
    Dossier.objects.bulk_create(
        Dossier(reference=f"{prefixe}-{n:04d}", porteur=p) for n, p in enumerate(porteurs)
    )
    lignes = [["dossier", "date", "heure", "duree_minutes", "charge", "lieu", "objet", "statut"]]
    for n in range(DOSSIERS):
        for k in range(PAR_DOSSIER):
            jour = datetime.date(2013, 3, 1) + datetime.timedelta(days=7 * k + n % 5)
            statut = "annule" if k == 1 else "realise"
            lignes.append(
                [
                    f"{prefixe}-{n:04d}",
                    jour.strftime("%d/%m/%Y"),
                    "10:00",
                    "60",
                    "bench",
                    "locaux",
                    "suivi",
                    statut,
                ]  # fmt: skip
            )
    contenu = csv_virgule(lignes)
    nombre = len(lignes) - 1
    for etape, essai in (("aperçu (dry run)", True), ("import", False), ("réimport", False)):
        debut = time.perf_counter()
        resource = RendezVousResource()
        resource.import_data(lire_fichier(contenu, "bench.csv"), dry_run=essai)
        duree = time.perf_counter() - debut
        assert not resource.erreurs, resource.erreurs[:3]
        print(
            f"{etape:18} {nombre} lignes en {duree:5.2f} s : {nombre / duree:6.0f} lignes/s "
            f"{resource.totaux()}"
        )


if __name__ == "__main__":
    main()
