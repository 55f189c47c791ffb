"""End-to-end tests: the user journeys in a real Chromium, driven by Playwright.

Chromium comes from the system packages (`apt-get install chromium`); Playwright's own
browser download cannot work on this network. Without Chromium these tests are skipped
with a message saying so. Screenshots of each journey's key screens are written to the
folder named by E2E_CAPTURES (default: captures-e2e/ at the project's root).
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from maillage.roles import ADMINISTRATEUR, CHARGE, DIRECTION

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
RACINE = Path(__file__).resolve().parents[2]
CAPTURES = Path(os.environ.get("E2E_CAPTURES", RACINE / "captures-e2e"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
MOT_DE_PASSE = "mot-de-passe-e2e-2013"


@pytest.fixture(scope="session")
def navigateur():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"Chromium introuvable ({CHROMIUM}) : installez-le (apt-get install chromium) "
            "pour lancer les tests de bout en bout."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the tests themselves are still synchronous and safe.
    ancien = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _lancer(sync_playwright)
    finally:
        if ancien is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = ancien


def _lancer(sync_playwright):
    with sync_playwright() as p:
        navigateur = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield navigateur
        navigateur.close()


@pytest.fixture
def page(navigateur, live_server):
    contexte = navigateur.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
    )
    contexte.set_default_timeout(15_000)
    page = contexte.new_page()
    # The app's pages run under its Content-Security-Policy: a violation (an inline script,
    # a resource from elsewhere) shows in the console and fails the test.
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    contexte.close()
    assert not violations, violations


@pytest.fixture
def compte(django_user_model):
    """Make an account with a role; returns its username (password MOT_DE_PASSE)."""

    def creer(username: str, role: str, **champs) -> str:
        user = django_user_model.objects.create_user(
            username=username, password=MOT_DE_PASSE, is_staff=role == DIRECTION, **champs
        )
        user.groups.add(Group.objects.get(name=role))
        return username

    return creer


@pytest.fixture
def se_connecter(page):
    def connexion(username: str) -> None:
        page.goto("/connexion/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    return connexion


@pytest.fixture
def capture(page, request):
    dossier = CAPTURES / request.node.name
    dossier.mkdir(parents=True, exist_ok=True)

    def prendre(nom: str) -> None:
        page.screenshot(path=str(dossier / f"{nom}.png"), full_page=True)

    return prendre


@pytest.fixture
def verifier_accessibilite(page):
    """Run axe-core on the current page; fail on any violation of impact serious or
    critical, listing them."""

    def verifier() -> None:
        # Evaluated through the DevTools protocol, which the page's CSP does not govern
        # (a <script> tag would rightly be refused).
        page.evaluate(AXE.read_text())
        resultat = page.evaluate("async () => await axe.run(document)")
        graves = [
            {
                "regle": v["id"],
                "impact": v["impact"],
                "aide": v["help"],
                "cibles": [n["target"] for n in v["nodes"]][:5],
                "detail": [n.get("failureSummary", "") for n in v["nodes"]][:2],
            }
            for v in resultat["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not graves, f"{page.url}\n" + json.dumps(graves, ensure_ascii=False, indent=2)

    return verifier


__all__ = ["ADMINISTRATEUR", "CHARGE", "DIRECTION"]
