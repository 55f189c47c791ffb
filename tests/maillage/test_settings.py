"""Settings come from the environment; each case starts a fresh interpreter so that the
environment is read as a real start would read it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]

LIRE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
    "session_secure": settings.SESSION_COOKIE_SECURE, "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS, "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "secret": settings.SECRET_KEY, "storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""

VARIABLES = (
    "MAILLAGE_ENV",
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "SECURE",
    # Set by the end-to-end tests for Playwright; never in a real start.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def demarrer(env: dict[str, str], code: str = LIRE) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    base["DJANGO_SETTINGS_MODULE"] = "maillage.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=RACINE,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def lire(env: dict[str, str]) -> dict:
    resultat = demarrer(env)
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout)


def test_with_nothing_set_the_app_runs_in_development_on_a_sqlite_file_in_the_checkout():
    s = lire({})
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(RACINE / "db.sqlite3")
    assert s["options"]["transaction_mode"] == "IMMEDIATE"
    assert s["debug"] is True
    assert s["session_secure"] is False


def test_database_url_selects_postgresql_with_timeouts():
    s = lire({"DATABASE_URL": "postgres://u:p@db.example.org:5433/maillage"})
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "maillage"
    assert "statement_timeout=10000" in s["options"]["options"]
    assert "lock_timeout=5000" in s["options"]["options"]
    # Planner settings for a database on SSD or in memory (docs/performance.md).
    assert "random_page_cost=1.1" in s["options"]["options"]
    assert "work_mem=32MB" in s["options"]["options"]


def test_the_planner_settings_follow_the_server_when_given():
    s = lire(
        {
            "DATABASE_URL": "postgres://u:p@db.example.org:5433/maillage",
            "DB_RANDOM_PAGE_COST": "4",
            "DB_WORK_MEM": "8MB",
        }
    )
    assert "random_page_cost=4 " in s["options"]["options"]
    assert s["options"]["options"].endswith("work_mem=8MB")


def test_production_reads_its_secrets_and_secures_cookies():
    s = lire(
        {
            "MAILLAGE_ENV": "production",
            "SECRET_KEY": "k" * 60,
            "DATABASE_URL": "postgres://u@127.0.0.1/maillage",
            "ALLOWED_HOSTS": "maillage.example.org, www.maillage.example.org",
        }
    )
    assert s["debug"] is False
    assert s["secret"] == "k" * 60
    assert s["hosts"] == ["maillage.example.org", "www.maillage.example.org"]
    assert s["session_secure"] and s["csrf_secure"] and s["ssl_redirect"]
    assert s["hsts"] >= 31_536_000
    assert s["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAILLAGE_ENV": "production", "DATABASE_URL": "postgres://u@h/d"}, "SECRET_KEY"),
        ({"MAILLAGE_ENV": "production", "SECRET_KEY": "x" * 60}, "DATABASE_URL"),
        ({"DEBUG": "peut-être"}, "DEBUG"),
        ({"MAILLAGE_ENV": "staging"}, "MAILLAGE_ENV"),
        ({"DATABASE_URL": "mysql://u@h/d"}, "DATABASE_URL"),
    ],
)
def test_a_wrong_setting_stops_the_start_with_a_message_naming_it(env, message):
    resultat = demarrer(env)
    assert resultat.returncode != 0
    assert "ImproperlyConfigured" in resultat.stderr
    assert message in resultat.stderr


def test_production_configuration_passes_the_deployment_checklist():
    resultat = demarrer(
        {
            "MAILLAGE_ENV": "production",
            "SECRET_KEY": "une-cle-de-production-longue-et-aleatoire-" + "x9Z" * 10,
            "DATABASE_URL": "postgres://u@127.0.0.1/maillage",
            "ALLOWED_HOSTS": "maillage.example.org",
        },
        code=(
            "from django.core.management import call_command\n"
            "call_command('check', deploy=True, fail_level='WARNING')\n"
        ),
    )
    assert resultat.returncode == 0, resultat.stderr
