"""Benchmark of the casework pages: the dossier list (with and without filters, first and a
far page) and the dossier page, through the Django test client (no network, no server).

Run from the project's root after bench/rapport.py, on the same database (`make bench`
does both):

    DATABASE_URL=sqlite:////tmp/maillage-bench.sqlite3 .venv/bin/python bench/pages.py

Prints the median time and the query count of each page; the counts must not depend on the
data size (tests/porteurs/test_requetes_pages.py pins them).
"""

from __future__ import annotations

from urllib.parse import urlencode

from rapport import ANNEE, charge_machine, mesurer, preparer_base


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
        # OFFSET costs the rows skipped: page 100 is 5 000 rows in (ordinary use stays on
        # the first pages, with filters).
        f"liste des dossiers, page {min(100, pages)}": {"page": min(100, pages)},
        "liste, filtre phase maturation + ESCALE": {"phase": "maturation", "dispositif": "escale"},
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
