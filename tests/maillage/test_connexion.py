"""Login, landing page per role, and the board members' refusal on staff pages."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    reponse = client.get("/")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("login"))


def test_login_page_is_in_french_with_labelled_fields(client):
    reponse = client.get(reverse("login"))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert '<html lang="fr">' in contenu
    assert '<label class="form-label" for="id_username">Identifiant</label>' in contenu
    assert '<label class="form-label" for="id_password">Mot de passe</label>' in contenu


def test_a_wrong_password_is_refused_with_a_french_message(client, charge):
    reponse = client.post(reverse("login"), {"username": "claire", "password": "mauvais"})
    assert reponse.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in reponse.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("username", "mot_de_passe", "page"),
    [
        ("charge", "maillage-charge-2013", "accompagnement:mes_rendez_vous"),
        ("directeur", "maillage-directeur-2013", "accompagnement:mes_rendez_vous"),
        ("administrateur", "maillage-administrateur-2013", "rapports:tableaux_de_bord"),
    ],
)
def test_each_demo_account_logs_in_and_lands_where_its_role_says(
    client, username, mot_de_passe, page
):
    call_command("comptes_demo", stdout=StringIO())
    reponse = client.post(
        reverse("login"), {"username": username, "password": mot_de_passe}, follow=True
    )
    assert reponse.redirect_chain[-1][0] == reverse(page)
    assert reponse.status_code == 200


def test_demo_accounts_command_twice_creates_each_account_once(django_user_model):
    call_command("comptes_demo", stdout=StringIO())
    call_command("comptes_demo", stdout=StringIO())
    noms = set(django_user_model.objects.values_list("username", flat=True))
    assert noms == {"charge", "directeur", "administrateur"}
    assert django_user_model.objects.get(username="directeur").groups.count() == 1


def test_demo_accounts_are_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("comptes_demo")


def test_menu_depends_on_the_role(client_charge, client):
    contenu = client_charge.get(reverse("accompagnement:mes_rendez_vous")).content.decode()
    assert "Mes rendez-vous" in contenu
    assert "Référentiels et comptes" not in contenu


def test_board_member_menu_offers_no_staff_page(client_administrateur):
    contenu = client_administrateur.get(reverse("rapports:tableaux_de_bord")).content.decode()
    assert "Tableaux de bord" in contenu
    assert reverse("accompagnement:mes_rendez_vous") not in contenu


def _urls_sans_parametre(resolver=None, prefixe=""):
    """Every URL of the configuration that takes no parameter, with its name."""
    resolver = resolver or get_resolver()
    for motif in resolver.url_patterns:
        route = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            yield from _urls_sans_parametre(motif, route)
        elif isinstance(motif, URLPattern) and "<" not in route and "(?P" not in route:
            yield "/" + route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")


# Pages a board member may open: their own landing page, the shared entry points.
OUVERTES_AU_CONSEIL = {
    "/",
    "/rapports/tableaux-de-bord/",
    # The map of the points d'accueil: public places and suppressed counts only.
    "/rapports/tableaux-de-bord/carte/",
    "/connexion/",
    "/deconnexion/",
    "/sante/",
    # The admin's own login and logout forms hold no data.
    "/gestion/login/",
    "/gestion/logout/",
}


def test_board_member_is_refused_every_staff_page(client_administrateur):
    refusees = 0
    for url in sorted(set(_urls_sans_parametre())):
        if url in OUVERTES_AU_CONSEIL or url.startswith("/static/"):
            continue
        reponse = client_administrateur.get(url)
        if url.startswith("/gestion/"):
            # The admin sends non-staff users to its own login page.
            assert reponse.status_code in (302, 403, 404), url
            assert reponse.status_code != 200, url
        else:
            # 405: a POST-only page refuses the GET before asking who is there; it shows
            # nothing either.
            assert reponse.status_code in (403, 405), url
        refusees += 1
    assert refusees >= 2


def test_health_endpoint_answers_without_login(client):
    reponse = client.get(reverse("sante"))
    assert reponse.status_code == 200
    assert reponse.json() == {"statut": "ok"}
