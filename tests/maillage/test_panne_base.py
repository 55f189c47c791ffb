"""Faults: a database that cannot be reached gives the friendly 503 page, and a request
that fails half-way through writes nothing.

The unreachable database is a real one: the app is served by a real WSGI server in a child
process whose DATABASE_URL points at a closed port (PostgreSQL) or at a file in a folder
that does not exist (SQLite), so that nothing of the test's own database is touched.
"""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from formations.models import AssociationInscrivante, Inscription, Stagiaire
from tests.formations.factories import SessionFactory, donnees_inscription_nouvelle

RACINE = Path(__file__).resolve().parents[2]

SERVEUR = """
import os
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
serveur = make_server("127.0.0.1", 0, application, handler_class=WSGIRequestHandler)
print(serveur.server_port, flush=True)
serveur.serve_forever()
"""

# (DATABASE_URL, environment): PostgreSQL as on a production server (DEBUG off, secure
# settings but plain HTTP for the test), SQLite as on a developer's machine with DEBUG on,
# where a missed error would show Django's yellow trace page.
BASES_INJOIGNABLES = {
    "postgresql-production": (
        "postgres://postgres@127.0.0.1:1/maillage",
        {
            "MAILLAGE_ENV": "production",
            "SECRET_KEY": "cle-de-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE": "0",
            "DEBUG": "0",
        },
    ),
    "sqlite-developpement": (
        "sqlite:////dossier-qui-n-existe-pas/maillage/db.sqlite3",
        {"MAILLAGE_ENV": "development", "DEBUG": "1"},
    ),
}


@pytest.fixture(params=sorted(BASES_INJOIGNABLES))
def serveur_sans_base(request, tmp_path):
    """The address of the app served with a database it cannot reach."""
    url_base, reglages = BASES_INJOIGNABLES[request.param]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "MAILLAGE_", "DEBUG", "SECURE"))
    }
    env.update(reglages, DATABASE_URL=url_base, DJANGO_SETTINGS_MODULE="maillage.settings")
    journal = (tmp_path / "serveur.log").open("w")
    processus = subprocess.Popen(
        [sys.executable, "-c", SERVEUR],
        cwd=RACINE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=journal,
        text=True,
    )
    try:
        port = processus.stdout.readline().strip()
        assert port.isdigit(), (tmp_path / "serveur.log").read_text()
        yield f"http://127.0.0.1:{port}", tmp_path / "serveur.log"
    finally:
        processus.terminate()
        processus.wait(timeout=10)
        processus.stdout.close()
        journal.close()


def _demander(url: str, cookie: str = "") -> tuple[int, dict, str]:
    requete = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(requete, timeout=30) as reponse:
            return reponse.status, dict(reponse.headers), reponse.read().decode()
    except urllib.error.HTTPError as erreur:
        return erreur.code, dict(erreur.headers), erreur.read().decode()


@pytest.mark.parametrize(
    ("chemin", "cookie"),
    [
        # The health probe queries the database in the view itself.
        ("/sante/", ""),
        # A logged-in staff member: the session is read from the database by the
        # middleware, before any view runs.
        ("/dossiers/", "sessionid=une-session-quelconque"),
        ("/", "sessionid=une-session-quelconque"),
    ],
)
def test_an_unreachable_database_gives_the_friendly_503_page_and_no_trace(
    serveur_sans_base, chemin, cookie
):
    adresse, journal = serveur_sans_base
    statut, entetes, page = _demander(adresse + chemin, cookie)

    assert statut == 503, page[:2000]
    assert "Le service est momentanément indisponible" in page
    assert "n'a pas été enregistré" in page
    assert entetes["Retry-After"] == "60"
    for trace in ("Traceback", "OperationalError", "Exception", "127.0.0.1:1", "sqlite3"):
        assert trace not in page
    # The fault is in the server's log for whoever runs it.
    assert "base de données injoignable" in journal.read_text()


def test_the_503_page_is_drawn_without_the_database(db, django_assert_num_queries):
    from maillage.middleware import page_service_indisponible

    with django_assert_num_queries(0):
        reponse = page_service_indisponible()
    assert reponse.status_code == 503


# --- A request that fails half-way ----------------------------------------------------

PANNE = {
    "sqlite": [
        "CREATE TRIGGER panne_simulee BEFORE INSERT ON formations_inscription "
        "BEGIN SELECT RAISE(ABORT, 'panne simulée'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION panne_simulee() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'panne simulée'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER panne_simulee BEFORE INSERT ON formations_inscription "
        "FOR EACH ROW EXECUTE FUNCTION panne_simulee()",
    ],
}
FIN_DE_PANNE = {
    "sqlite": ["DROP TRIGGER IF EXISTS panne_simulee"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS panne_simulee ON formations_inscription",
        "DROP FUNCTION IF EXISTS panne_simulee()",
    ],
}


NOUVEAU = donnees_inscription_nouvelle()


@pytest.fixture
def inscriptions_en_panne(transactional_db):
    """The database refuses every new enrolment (a trigger, as a full disk or a broken
    constraint would): the last write of "enrol someone new" fails for real, after the
    trainee and the association were written."""
    with connection.cursor() as curseur:
        for sql in PANNE[connection.vendor]:
            curseur.execute(sql)
    yield
    with connection.cursor() as curseur:
        for sql in FIN_DE_PANNE[connection.vendor]:
            curseur.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_a_request_that_fails_half_way_writes_nothing(charge, inscriptions_en_panne):
    # Real commits (transaction=True): without ATOMIC_REQUESTS, the trainee and the new
    # association written before the failing enrolment would stay in the database.
    session = SessionFactory()
    client = Client(raise_request_exception=False)
    client.force_login(charge)

    reponse = client.post(reverse("formations:inscrire_nouveau", args=[session.pk]), NOUVEAU)

    assert reponse.status_code == 500
    assert "Rien n'a été enregistré" in reponse.content.decode()
    assert not Stagiaire.objects.exists()
    assert not AssociationInscrivante.objects.filter(nom="Collectif Nouveau").exists()
    assert not Inscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_request_without_the_fault_writes_everything(charge):
    """The counterpart: the form above is valid, so the failure came from the database."""
    session = SessionFactory()
    client = Client()
    client.force_login(charge)
    reponse = client.post(reverse("formations:inscrire_nouveau", args=[session.pk]), NOUVEAU)
    assert reponse.status_code == 302
    assert Stagiaire.objects.count() == 1
    assert Inscription.objects.count() == 1
