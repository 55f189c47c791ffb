"""bench/creer_base.py, which `make charge` runs first: it creates the load test's
PostgreSQL database when missing and leaves an existing one alone."""

import importlib.util
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

SUR_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the load test runs on PostgreSQL"
)

_CHEMIN = Path(__file__).resolve().parents[2] / "bench" / "creer_base.py"
_spec = importlib.util.spec_from_file_location("creer_base", _CHEMIN)
creer_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(creer_base)


def _url(nom: str) -> str:
    base = settings.DATABASES["default"]
    utilisateur = base["USER"] + (f":{base['PASSWORD']}" if base["PASSWORD"] else "")
    return f"postgres://{utilisateur}@{base['HOST'] or 'localhost'}:{base['PORT'] or 5432}/{nom}"


def _existe(nom: str) -> bool:
    with connection.cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom])
        return curseur.fetchone() is not None


@SUR_POSTGRESQL
@pytest.mark.django_db
def test_the_database_is_created_once_then_left_alone():
    nom = f"maillage_essai_{uuid.uuid4().hex[:12]}"
    try:
        assert creer_base.creer_base(_url(nom)) is True
        assert _existe(nom)
        assert creer_base.creer_base(_url(nom)) is False
    finally:
        with creer_base.connexion_au_serveur(_url(nom)) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{nom}"')


def test_a_sqlite_url_is_refused_in_french():
    with pytest.raises(SystemExit, match="Ce n'est pas une base PostgreSQL"):
        creer_base.creer_base("sqlite:////tmp/base.sqlite3")
