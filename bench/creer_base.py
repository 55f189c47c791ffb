"""Create the PostgreSQL database named by a URL when it does not exist yet, so that
`make charge` runs on a fresh machine without a `createdb` first.

    .venv/bin/python bench/creer_base.py postgres://postgres@127.0.0.1:5432/maillage_charge

It connects to the server's maintenance database ("postgres") with the URL's user,
password, host and port. An existing database is left as it is.
"""

from __future__ import annotations

import sys

import dj_database_url
import psycopg
from psycopg import sql


def _reglages(url: str) -> dict:
    reglages = dj_database_url.parse(url)
    if reglages["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"Ce n'est pas une base PostgreSQL : {url}")
    return reglages


def connexion_au_serveur(url: str) -> psycopg.Connection:
    """A connection to the maintenance database of the server of `url`, in autocommit
    (CREATE and DROP DATABASE cannot run in a transaction)."""
    reglages = _reglages(url)
    parametres = {
        "user": reglages.get("USER"),
        "password": reglages.get("PASSWORD"),
        "host": reglages.get("HOST"),
        "port": reglages.get("PORT"),
    }
    return psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in parametres.items() if v}
    )


def creer_base(url: str) -> bool:
    """Create the database of `url` if missing; True when it was created."""
    nom = _reglages(url)["NAME"]
    try:
        with connexion_au_serveur(url) as conn:
            existe = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom]).fetchone()
            if existe:
                return False
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nom)))
            return True
    except psycopg.OperationalError as erreur:
        raise SystemExit(f"Serveur PostgreSQL injoignable ({erreur.__class__.__name__}).") from None


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("Usage : bench/creer_base.py postgres://utilisateur@hôte:port/base")
    if creer_base(sys.argv[1]):
        print(f"Base {dj_database_url.parse(sys.argv[1])['NAME']} créée.")
