"""Load test (issue 9): staff and board members using the app at the same time.

Run by bench/charge.sh (gunicorn on loopback against PostgreSQL, locust headless, a summary
of p50/p95/p99 per page). By hand, against a server already running:

    .venv/bin/locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s \
        --host http://127.0.0.1:8001

Three kinds of users log in through Django's login form (with its CSRF token), with the
demo accounts (manage.py comptes_demo): chargé(e)s de mission (most of the load: dossier
lists with and without filters, paginated; dossier pages; the quick appointment form,
posted; the dashboards), the direction (lists, dossier pages, its dashboard) and board
members (the dashboards and the map). CHARGE_LECTURE_SEULE=1 leaves the appointment entry
out (for a database that must not change). CHARGE_SANS_TABLEAUX=1 leaves the dashboards
out (the board members, and the dashboard tasks, tagged "tableaux": run locust with
`--exclude-tags tableaux`, as bench/charge.sh does), to measure the casework pages alone.
CHARGE_REMISE_A_ZERO=15 resets the statistics 15 s after the last user has started (the
steady state, without the logins' start-up: bench/charge.sh, REGIME_ETABLI=1). Each request
is named after its page, so that locust's statistics are per page, not per URL.
"""

from __future__ import annotations

import os
import random
import re
from html.parser import HTMLParser

import gevent
from locust import HttpUser, between, events, tag, task

LECTURE_SEULE = os.environ.get("CHARGE_LECTURE_SEULE", "") not in ("", "0")
SANS_TABLEAUX = os.environ.get("CHARGE_SANS_TABLEAUX", "") not in ("", "0")
COMPTES = {
    "charge": ("charge", "maillage-charge-2013"),
    "direction": ("directeur", "maillage-directeur-2013"),
    "conseil": ("administrateur", "maillage-administrateur-2013"),
}
REMISE_A_ZERO = float(os.environ.get("CHARGE_REMISE_A_ZERO") or 0)
# Dossier references ("AAAA-NNNN"): not the other links under /dossiers/ (recevoir...).
LIEN_DOSSIER = re.compile(r'href="/dossiers/(\d{4}-\d+)/"')
FILTRES = [
    {"phase": "accueil"},
    {"phase": "maturation", "dispositif": "escale"},
    {"phase": "creation"},
    {"qpv": "oui"},
    {"q": "martin"},
    {"accueil_du": "2013-01-01", "accueil_au": "2013-12-31"},
]


_environnement = None


@events.init.add_listener
def _garder_environnement(environment, **kwargs) -> None:
    global _environnement
    _environnement = environment


@events.spawning_complete.add_listener
def _remettre_a_zero_plus_tard(user_count: int, **kwargs) -> None:
    """Once every user has started, wait for the last logins (0.6 s of CPU each for the
    password hash) to be served, then start the statistics afresh."""
    if REMISE_A_ZERO and _environnement is not None:
        gevent.spawn_later(REMISE_A_ZERO, _environnement.stats.reset_all)


class Formulaire(HTMLParser):
    """The fields of the page's forms as a browser would post them: inputs (checked boxes
    only), selected options, textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.champs: dict[str, str] = {}
        self._select: str | None = None
        self._premiere: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        nom = a.get("name")
        if tag == "input" and nom and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.champs.setdefault(nom, a.get("value") or "")
        elif tag == "select" and nom:
            self._select, self._premiere = nom, None
        elif tag == "option" and self._select:
            valeur = a.get("value") or ""
            if self._premiere is None:
                self._premiere = valeur
            if "selected" in a:
                self.champs[self._select] = valeur
        elif tag == "textarea" and nom:
            self._textarea = nom
            self.champs.setdefault(nom, "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.champs.setdefault(self._select, self._premiere or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.champs[self._textarea] += data


def champs_du_formulaire(html: str) -> dict[str, str]:
    lecteur = Formulaire()
    lecteur.feed(html)
    return lecteur.champs


class Utilisateur(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    compte = "charge"

    def on_start(self) -> None:
        identifiant, mot_de_passe = COMPTES[self.compte]
        page = self.client.get("/connexion/", name="connexion (formulaire)")
        jeton = champs_du_formulaire(page.text).get("csrfmiddlewaretoken", "")
        with self.client.post(
            "/connexion/",
            data={
                "username": identifiant,
                "password": mot_de_passe,
                "csrfmiddlewaretoken": jeton,
                "next": "/",
            },
            headers={"Referer": f"{self.host}/connexion/"},
            name="connexion",
            catch_response=True,
        ) as reponse:
            if "/connexion/" in reponse.url:
                reponse.failure(f"connexion refusée pour {identifiant}")
        self.dossiers: list[str] = []

    def liste(self, filtres: dict[str, str] | None = None, page: int = 1) -> None:
        parametres = dict(filtres or {})
        if page > 1:
            parametres["page"] = str(page)
        nom = (
            "liste des dossiers"
            + (" (filtrée)" if filtres else "")
            + (" page 2+" if page > 1 else "")
        )
        reponse = self.client.get("/dossiers/", params=parametres, name=nom)
        trouves = LIEN_DOSSIER.findall(reponse.text)
        if trouves:
            self.dossiers = trouves

    def page_dossier(self) -> str | None:
        if not self.dossiers:
            self.liste()
        if not self.dossiers:
            return None
        reference = random.choice(self.dossiers)
        self.client.get(f"/dossiers/{reference}/", name="page d'un dossier")
        return reference

    def tableaux(self) -> None:
        self.client.get("/rapports/tableaux-de-bord/", name="tableaux de bord")


class Charge(Utilisateur):
    weight = 12
    compte = "charge"

    @task(4)
    def lister(self) -> None:
        self.liste()

    @task(4)
    def lister_avec_filtres(self) -> None:
        self.liste(random.choice(FILTRES))

    @task(2)
    def lister_page_suivante(self) -> None:
        self.liste(random.choice([None, *FILTRES[:2]]), page=random.randint(2, 5))

    @task(6)
    def consulter(self) -> None:
        self.page_dossier()

    @task(2)
    def saisir_un_rendez_vous(self) -> None:
        if LECTURE_SEULE:
            return
        # Dossiers still followed: a sortie refuses appointments (by design).
        self.liste({"phase": random.choice(["accueil", "maturation", "creation"])})
        if not self.dossiers:
            return
        reference = random.choice(self.dossiers)
        page = self.client.get(
            "/rendez-vous/nouveau/", params={"dossier": reference}, name="rendez-vous (formulaire)"
        )
        champs = champs_du_formulaire(page.text)
        # The form's own date (today, in Paris) and chargé(e); a held appointment applies
        # the phase rule (row lock on the dossier).
        champs.update(
            dossier=reference,
            heure=f"{random.randint(8, 17):02d}:{random.choice(['00', '15', '30', '45'])}",
            statut="realise",
            lieu="locaux",
            point_accueil="",
            notes="Saisi par le test de charge.",
        )
        champs.pop("et_ensuite", None)
        with self.client.post(
            "/rendez-vous/nouveau/",
            data=champs,
            headers={"Referer": f"{self.host}/rendez-vous/nouveau/"},
            name="rendez-vous (enregistrement)",
            catch_response=True,
        ) as reponse:
            if reponse.status_code != 200 or "/rendez-vous/nouveau/" in reponse.url:
                reponse.failure(f"rendez-vous refusé ({reponse.status_code}) pour {reference}")

    @tag("tableaux")
    @task(1)
    def tableaux_de_bord(self) -> None:
        self.tableaux()


class Direction(Utilisateur):
    weight = 5
    compte = "direction"

    @task(3)
    def lister_avec_filtres(self) -> None:
        self.liste(random.choice(FILTRES))

    @task(3)
    def consulter(self) -> None:
        self.page_dossier()

    @tag("tableaux")
    @task(2)
    def tableau_direction(self) -> None:
        self.client.get("/rapports/tableaux-de-bord/direction/", name="tableau de la direction")

    @tag("tableaux")
    @task(1)
    def tableaux_de_bord(self) -> None:
        self.tableaux()


class Conseil(Utilisateur):
    """A board member: the dashboards only (no access to the dossiers)."""

    # Without the dashboards a board member has nothing to do: not spawned.
    abstract = SANS_TABLEAUX
    weight = 3
    compte = "conseil"

    @task(3)
    def tableaux_de_bord(self) -> None:
        self.tableaux()

    @task(1)
    def carte(self) -> None:
        self.client.get("/rapports/tableaux-de-bord/carte/", name="carte des points d'accueil")
