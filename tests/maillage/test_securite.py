"""Login protection, session limits, Content-Security-Policy and the security log."""

import logging
import time

import pytest
from django.urls import reverse

from maillage.middleware import CLE_DEBUT

pytestmark = pytest.mark.django_db


def essayer(client, username, mot_de_passe):
    return client.post(
        reverse("login"), {"username": username, "password": mot_de_passe}, REMOTE_ADDR="10.0.0.7"
    )


def test_five_failed_logins_lock_the_account_from_that_address_even_with_the_right_password(
    client, charge
):
    for _ in range(5):
        essayer(client, "claire", "mauvais")
    reponse = essayer(client, "claire", "mot-de-passe-de-test-1")
    assert reponse.status_code == 429
    assert "Connexion bloquée pour 15 minutes" in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_the_right_password_logs_in(client, charge):
    for _ in range(4):
        essayer(client, "claire", "mauvais")
    reponse = essayer(client, "claire", "mot-de-passe-de-test-1")
    assert reponse.status_code == 302
    assert client.session["_auth_user_id"] == str(charge.pk)


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    entete = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in entete.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_no_template_holds_an_inline_script():
    from pathlib import Path

    racine = Path(__file__).resolve().parents[2] / "templates"
    fautifs = [
        str(p)
        for p in racine.rglob("*.html")
        if "<script>" in p.read_text() or " onclick=" in p.read_text()
    ]
    assert fautifs == []


def test_a_session_ends_twelve_hours_after_login_even_when_active(client_charge, settings):
    assert client_charge.get(reverse("accompagnement:mes_rendez_vous")).status_code == 200
    session = client_charge.session
    session[CLE_DEBUT] = time.time() - settings.SESSION_DUREE_MAXIMALE.total_seconds() - 1
    session.save()
    reponse = client_charge.get(reverse("accompagnement:mes_rendez_vous"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("login"))


def test_idle_sessions_expire_after_thirty_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_logins_and_failures_are_logged_without_password(client, charge, caplog):
    with caplog.at_level(logging.INFO, logger="maillage.securite"):
        essayer(client, "claire", "mauvais-secret")
        essayer(client, "claire", "mot-de-passe-de-test-1")
    texte = caplog.text
    assert "échec de connexion: identifiant 'claire'" in texte
    assert f"connexion: utilisateur {charge.pk}" in texte
    assert "mauvais-secret" not in texte and "mot-de-passe-de-test-1" not in texte
