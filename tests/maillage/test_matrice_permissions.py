"""The permission matrix: every URL of the URLconf, for each of the four kinds of visitor,
with the answer it must give.

The list of URLs is read from the URLconf itself (`get_resolver()`, walked recursively), so
a page added without an entry in `MATRICE` makes `test_every_url_has_an_entry_in_the_matrix`
fail and names it. Parameterised URLs are filled with real objects made by the factories,
so that each view really runs (a 200 means the page was drawn, not that a decorator let
the request through).

The admin (`/gestion/`, namespace "admin") is covered by one rule rather than 180 lines:
only staff accounts (the direction) get past its login, every other visitor is sent to a
login page (the app's for the anonymous visitor, the admin's for the chargée and the board
member, who are not staff); what the direction may do there is declared model by model in
`ADMIN_DIRECTION`, so that registering a new model in the admin without declaring it fails.

Codes: an int is the expected status; CONNEXION is a redirect to the login page;
CONNEXION_ADMIN a redirect to the admin's login page (which then refuses non-staff
accounts); None means "not requested" (a permitted write whose behaviour is tested with its
own module).
"""

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accompagnement.models import ChangementPhase
from accompagnement.views import lien_agenda
from formations.services import creer_jours, inscrire, noter_presences
from tests.factories import (
    CommuneFactory,
    DossierFactory,
    PointAccueilFactory,
    PorteurFactory,
    QuartierFactory,
    RendezVousFactory,
    StructurePartenaireFactory,
    TerritoireGouvernanceFactory,
)
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    EvenementFactory,
    SessionFactory,
    StagiaireFactory,
)

pytestmark = pytest.mark.django_db

CONNEXION = "connexion"
CONNEXION_ADMIN = "connexion admin"
ROLES = ("anonyme", "charge", "directeur", "administrateur")

# A name no page may show to someone who may not see personal data.
NOM_TEMOIN = "Témoinville"


@dataclass(frozen=True)
class Attendu:
    """The answers to a GET, then to a POST with an empty form, for (anonyme, chargé,
    direction, administrateur)."""

    get: tuple
    post: tuple = (None, None, None, None)


def _pages(charge, direction, conseil=403):
    """A page: login first, then the staff's and the board's answers."""
    return Attendu(get=(CONNEXION, charge, direction, conseil))


def _envoi(post_charge, post_direction):
    """A form that only takes a POST: a GET is refused (405) whoever asks, a POST without
    the right permission is 403, the board member's above all."""
    return Attendu(
        get=(CONNEXION, 405, 405, 405),
        post=(CONNEXION, post_charge, post_direction, 403),
    )


def _formulaire(charge=200, direction=200):
    """A page that is also a form: the board member may neither see nor send it."""
    return Attendu(get=(CONNEXION, charge, direction, 403), post=(CONNEXION, None, None, 403))


MATRICE: dict[str, Attendu] = {
    # --- maillage ---------------------------------------------------------------------
    # Everyone lands on the page of their role; the anonymous visitor on the login page.
    "accueil": Attendu(get=(CONNEXION, 302, 302, 302)),
    # An account with no role: the page says whom to ask, with a 403.
    "sans_role": Attendu(get=(CONNEXION, 403, 403, 403)),
    # For the load balancer: no login, no data.
    "sante": Attendu(get=(200, 200, 200, 200)),
    "login": Attendu(get=(200, 302, 302, 302)),
    # Logging out is a POST (a link could log people out from another site); it leads back
    # to the login page.
    "logout": Attendu(get=(CONNEXION, 405, 405, 405), post=(CONNEXION,) * 4),
    # --- rendez-vous ------------------------------------------------------------------
    "accompagnement:mes_rendez_vous": _pages(200, 200),
    "accompagnement:nouveau": _formulaire(),
    "accompagnement:modifier": _formulaire(),
    # Only the direction deletes.
    "accompagnement:supprimer": _envoi(403, 302),
    "accompagnement:feuille_du_jour": _pages(200, 200),
    # A secret address instead of a login (for calendar applications), tested here with
    # the chargée's valid secret; a wrong one is a 404 (test below).
    "accompagnement:agenda": Attendu(get=(200, 200, 200, 200)),
    # --- dossiers ---------------------------------------------------------------------
    "porteurs:dossiers": _pages(200, 200),
    "porteurs:recevoir": _formulaire(),
    "porteurs:exporter": _pages(200, 200),
    "porteurs:porteurs": _pages(200, 200),
    "porteurs:dossier": _pages(200, 200),
    "porteurs:modifier": _formulaire(),
    "porteurs:changer_phase": _envoi(None, None),
    "porteurs:annuler_changement": _envoi(None, None),
    # RGPD: the information notice is for the staff to hand out; answering a right-of-access
    # request and erasing a person are the direction's (tests/porteurs/test_rgpd.py runs
    # the erasure itself).
    "porteurs:information_donnees": _pages(200, 200),
    "porteurs:exporter_personne": _pages(403, 200),
    "porteurs:anonymiser": Attendu(
        get=(CONNEXION, 403, 200, 403), post=(CONNEXION, 403, None, 403)
    ),
    # --- import: the direction only ---------------------------------------------------
    "imports:importer": Attendu(get=(CONNEXION, 403, 200, 403), post=(CONNEXION, 403, None, 403)),
    "imports:confirmer": _envoi(403, None),
    "imports:modele": _pages(403, 200),
    # --- formations -------------------------------------------------------------------
    "formations:conventions": _pages(200, 200),
    "formations:nouvelle_convention": _formulaire(),
    "formations:convention": _pages(200, 200),
    "formations:modifier_convention": _formulaire(),
    "formations:nouvelle_session": _formulaire(),
    "formations:session": _pages(200, 200),
    "formations:modifier_session": _formulaire(),
    "formations:inscrire_stagiaire": _envoi(None, None),
    "formations:inscrire_nouveau": _envoi(None, None),
    "formations:presences": _envoi(None, None),
    "formations:emargement": _pages(200, 200),
    "formations:emargement_pdf": _pages(200, 200),
    "formations:annuler": _envoi(None, None),
    "formations:fiche": _formulaire(),
    "formations:attestation": _pages(200, 200),
    "formations:stagiaires": _pages(200, 200),
    "formations:stagiaire": _pages(200, 200),
    "formations:modifier_stagiaire": _formulaire(),
    "formations:associations": _pages(200, 200),
    "formations:association": _pages(200, 200),
    "formations:modifier_association": _formulaire(),
    "formations:evenements": _pages(200, 200),
    "formations:nouvel_evenement": _formulaire(),
    "formations:modifier_evenement": _formulaire(),
    # --- dashboards: the board's own pages (aggregates with small counts hidden) ------
    "rapports:tableaux_de_bord": _pages(200, 200, 200),
    "rapports:carte_points_accueil": _pages(200, 200, 200),
    # The direction's dashboard (appointments per staff member): the direction only.
    "rapports:tableau_direction": _pages(403, 200),
    # Tested on the direction's page, the one the board may not export.
    "rapports:tableau_csv": _pages(403, 200),
    "rapports:tableau_svg": _pages(403, 200),
    # --- annual report: staff only (it names places and small counts) -----------------
    "rapports:index": _pages(200, 200),
    "rapports:rapport": _pages(200, 200),
    # 202: the PDF is made in the background, the page says to come back.
    "rapports:rapport_pdf": _pages(202, 202),
    "rapports:rapport_json": _pages(200, 200),
    "rapports:publier": _envoi(403, 302),
    "rapports:rediger": _formulaire(charge=403),
    "rapports:indicateurs": _formulaire(charge=403),
    "rapports:edition": _pages(200, 200),
    # 202: the PDF of a new edition is being made in the background.
    "rapports:edition_pdf": _pages(202, 202),
    "rapports:edition_json": _pages(200, 200),
}

# What the direction (the only staff accounts) may do in the admin, model by model:
# answers to (list, add, history, delete, change) of one real object.
TOUT = (200, 200, 200, 200, 200)
SANS_DROIT = (403, 403, 403, 403, 403)
ADMIN_DIRECTION: dict[str, tuple] = {
    # Accounts' groups and login attempts: the technical administrator's (superuser's).
    "auth.group": SANS_DROIT,
    "axes.accessattempt": SANS_DROIT,
    "axes.accesslog": SANS_DROIT,
    "axes.accessfailurelog": SANS_DROIT,
    # Staff accounts: created and changed by the direction, never deleted (deactivated).
    "maillage.utilisateur": (200, 200, 200, 403, 200),
    "maillage.anneeassociative": TOUT,
    "maillage.assembleegenerale": TOUT,
    "maillage.reunionconseil": TOUT,
    "territoires.departement": TOUT,
    "territoires.epci": TOUT,
    "territoires.territoiregouvernance": TOUT,
    "territoires.territoireplde": TOUT,
    "territoires.referentterritoire": TOUT,
    "territoires.commune": TOUT,
    "territoires.quartier": TOUT,
    "territoires.structurepartenaire": TOUT,
    "territoires.pointaccueil": TOUT,
    "porteurs.porteur": TOUT,
    "porteurs.dossier": TOUT,
    # Appointments and phase changes are written by the app's own forms (their rules), the
    # admin only shows them.
    "accompagnement.rendezvous": (200, 403, 200, 403, 200),
    "accompagnement.changementphase": (200, 403, 200, 403, 200),
    "formations.module": TOUT,
    "formations.convention": TOUT,
    "formations.session": TOUT,
    "formations.inscription": TOUT,
    "formations.stagiaire": TOUT,
    "formations.associationinscrivante": TOUT,
    "formations.evenement": TOUT,
    "rapports.agregathistorique": TOUT,
}
ACTIONS_ADMIN = ("changelist", "add", "history", "delete", "change")


# --- The URLconf, walked --------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    cle: str  # the URL's name with its namespace, or its pattern when it has no name
    motif: str
    namespace: str | None


def _routes(resolveur=None, prefixe: str = "", namespace: str | None = None):
    for motif in (resolveur or get_resolver()).url_patterns:
        if isinstance(motif, URLResolver):
            ns = namespace
            if motif.namespace:
                ns = f"{namespace}:{motif.namespace}" if namespace else motif.namespace
            yield from _routes(motif, prefixe + str(motif.pattern), ns)
        elif isinstance(motif, URLPattern):
            chemin = prefixe + str(motif.pattern)
            if motif.name:
                cle = f"{namespace}:{motif.name}" if namespace else motif.name
            else:
                cle = chemin
            yield Route(cle, chemin, namespace)


ROUTES = list(_routes())


def _est_admin(route: Route) -> bool:
    return route.namespace == "admin" or route.motif.startswith("gestion/")


def test_every_url_has_an_entry_in_the_matrix():
    absentes = sorted(r.cle for r in ROUTES if not _est_admin(r) and r.cle not in MATRICE)
    assert not absentes, (
        "URL absente(s) de la matrice des permissions (tests/maillage/"
        f"test_matrice_permissions.py, MATRICE) / URL(s) missing from the matrix: {absentes}"
    )
    connues = {r.cle for r in ROUTES}
    perimees = sorted(set(MATRICE) - connues)
    assert not perimees, f"Entrées de la matrice sans URL (à retirer) : {perimees}"


def test_every_model_of_the_admin_is_declared_for_the_direction():
    modeles = sorted(m._meta.label_lower for m in admin.site._registry)
    absents = [m for m in modeles if m not in ADMIN_DIRECTION]
    assert not absents, (
        "Modèle(s) de l'administration absent(s) de ADMIN_DIRECTION (tests/maillage/"
        f"test_matrice_permissions.py) / admin model(s) missing from the matrix: {absents}"
    )
    assert sorted(ADMIN_DIRECTION) == modeles


# --- The objects the URLs name --------------------------------------------------------


@pytest.fixture
def objets(charge, directeur, administrateur, time_machine):
    """One real object of every kind a URL names, in mid-2014 (so that 2013 is a past
    year of the report and the training session is over)."""
    time_machine.move_to(
        datetime.datetime(2014, 6, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        tick=False,
    )
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from maillage.models import AnneeAssociative, AssembleeGenerale, ReunionConseil
    from rapports.models import AgregatHistorique
    from rapports.publication import publier
    from territoires.models import ReferentTerritoire, TerritoirePLDE

    commune = CommuneFactory()
    porteur = PorteurFactory(nom=NOM_TEMOIN, commune=commune)
    dossier = DossierFactory(porteur=porteur, en_maturation=True)
    rendez_vous = RendezVousFactory(dossier=dossier, charge=charge, prevu=True)
    session = SessionFactory(
        date_debut=datetime.date(2014, 5, 5), date_fin=datetime.date(2014, 5, 19)
    )
    (jour,) = creer_jours(session, [datetime.date(2014, 5, 5)])
    inscription = inscrire(
        session, StagiaireFactory(nom=NOM_TEMOIN), AssociationInscrivanteFactory()
    )
    noter_presences(jour, [inscription])
    edition = publier(2013, auteur=directeur)

    # The admin's models that no page of the app creates.
    QuartierFactory(commune=commune)
    TerritoireGouvernanceFactory()
    StructurePartenaireFactory()
    PointAccueilFactory(commune=commune)
    plde = TerritoirePLDE.objects.create(nom="Valenciennois")
    ReferentTerritoire.objects.create(
        territoire=plde, salarie=charge, debut=datetime.date(2013, 1, 1)
    )
    AnneeAssociative.objects.create(annee=2013, nombre_adherents=24)
    AssembleeGenerale.objects.create(date=datetime.date(2013, 4, 13))
    ReunionConseil.objects.create(date=datetime.date(2013, 5, 2))
    AgregatHistorique.objects.create(
        annee=2012,
        indicateur=AgregatHistorique.Indicateur.PART_FEMMES,
        valeur=40,
        source="rapport d'activité 2012",
    )
    tentative = {"user_agent": "test", "http_accept": "*/*", "path_info": "/connexion/"}
    AccessAttempt.objects.create(**tentative, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**tentative)
    AccessFailureLog.objects.create(**tentative)

    return {
        "accompagnement:modifier": {"pk": rendez_vous.pk},
        # Its own appointment: the direction's POST deletes it.
        "accompagnement:supprimer": {"pk": RendezVousFactory(dossier=dossier, charge=charge).pk},
        "accompagnement:agenda": None,  # its own address, see _url
        "porteurs:exporter": {"format": "csv"},
        "porteurs:exporter_personne": {"pk": dossier.porteur_id, "format": "json"},
        "porteurs:anonymiser": {"pk": dossier.porteur_id},
        **{
            f"porteurs:{nom}": {"reference": dossier.reference}
            for nom in ("dossier", "modifier", "changer_phase", "annuler_changement")
        },
        "imports:modele": {"genre": "dossiers"},
        **{
            f"formations:{nom}": {"pk": session.convention_id}
            for nom in ("convention", "modifier_convention")
        },
        **{
            f"formations:{nom}": {"pk": session.pk}
            for nom in (
                "session",
                "modifier_session",
                "inscrire_stagiaire",
                "inscrire_nouveau",
                "presences",
                "emargement",
                "emargement_pdf",
            )
        },
        **{
            f"formations:{nom}": {"pk": inscription.pk}
            for nom in ("annuler", "fiche", "attestation")
        },
        **{
            f"formations:{nom}": {"pk": inscription.stagiaire_id}
            for nom in ("stagiaire", "modifier_stagiaire")
        },
        **{
            f"formations:{nom}": {"pk": inscription.association_id}
            for nom in ("association", "modifier_association")
        },
        "formations:modifier_evenement": {"pk": EvenementFactory().pk},
        "rapports:tableau_csv": {"page": "direction", "identifiant": "rendez-vous-par-salarie"},
        "rapports:tableau_svg": {"page": "direction", "identifiant": "rendez-vous-par-salarie"},
        **{
            f"rapports:{nom}": {"annee": 2013}
            for nom in ("rapport", "rapport_pdf", "rapport_json", "publier", "indicateurs")
        },
        "rapports:rediger": {"annee": 2013, "section": "citeslab"},
        **{
            f"rapports:{nom}": {"annee": 2013, "version": edition.version}
            for nom in ("edition", "edition_pdf", "edition_json")
        },
        "_charge": charge,
        "_dossier": dossier,
    }


def _url(route: Route, objets: dict) -> str:
    if route.cle == "accompagnement:agenda":
        return lien_agenda(objets["_charge"])
    return reverse(route.cle, kwargs=objets.get(route.cle) or {})


def _client(request, role: str):
    from django.test import Client

    client = Client()
    if role != "anonyme":
        client.force_login(request.getfixturevalue(role))
    return client


def _ecart(reponse, attendu, quoi: str) -> str | None:
    """What differs from the expected answer, in words; None when nothing does."""
    code = reponse.status_code
    lieu = reponse.get("Location", "")
    if attendu in (CONNEXION, CONNEXION_ADMIN):
        page = reverse("login") if attendu == CONNEXION else reverse("admin:login")
        if code != 302 or not lieu.startswith(page):
            return f"{quoi} : {code} {lieu} au lieu d'une redirection vers {page}"
    elif code != attendu:
        return f"{quoi} : {code} {lieu} au lieu de {attendu}"
    elif code == 302 and lieu.startswith((reverse("login"), reverse("admin:login"))):
        return f"{quoi} : redirection vers la connexion ({lieu}) au lieu d'une page"
    contenu = b"".join(reponse) if reponse.streaming else reponse.content
    if NOM_TEMOIN.encode() in contenu and (quoi.endswith(("anonyme", "administrateur"))):
        return f"{quoi} : donnée personnelle montrée"
    return None


def test_each_url_answers_each_role_as_the_matrix_says(request, objets):
    """One pass over every URL (the data are made once: a few seconds), every difference
    listed in the failure message."""
    ecarts = []
    for route in ROUTES:
        if _est_admin(route):
            continue
        if route.cle not in MATRICE:
            ecarts.append(f"URL absente de la matrice : {route.cle} ({route.motif})")
            continue
        attendu = MATRICE[route.cle]
        url = _url(route, objets)
        # The board member and the anonymous visitor first: a refused request must not have
        # changed anything the staff's requests then see.
        for role in ("anonyme", "administrateur", "charge", "directeur"):
            i = ROLES.index(role)
            client = _client(request, role)
            ecarts.append(_ecart(client.get(url), attendu.get[i], f"GET {url} par {role}"))
            if attendu.post[i] is not None:
                ecarts.append(
                    _ecart(client.post(url, {}), attendu.post[i], f"POST {url} par {role}")
                )
    ecarts = [e for e in ecarts if e]
    assert not ecarts, "Écarts à la matrice des permissions :\n" + "\n".join(ecarts)


def test_a_wrong_calendar_secret_is_a_404_for_everyone(client, objets):
    url = reverse("accompagnement:agenda", kwargs={"pk": objets["_charge"].pk, "jeton": "0" * 32})
    assert client.get(url).status_code == 404


def test_refused_posts_wrote_nothing(request, objets):
    """A refused POST does not half-run: the dossier's phase changes are the same after
    the board member and the chargée tried the direction's and everyone's forms."""
    dossier = objets["_dossier"]
    avant = ChangementPhase.objects.filter(dossier=dossier).count()
    client = _client(request, "administrateur")
    for nom in ("porteurs:changer_phase", "porteurs:annuler_changement"):
        client.post(reverse(nom, kwargs={"reference": dossier.reference}), {"phase": "creation"})
    assert ChangementPhase.objects.filter(dossier=dossier).count() == avant


# --- The admin ------------------------------------------------------------------------


def _url_admin(route: Route, objets_admin: dict) -> tuple[str, str | None, str | None]:
    """The concrete address of an admin route, with the model label and action it is
    about (None for the site's own pages)."""
    if route.cle.startswith("admin:"):
        nom = route.cle.removeprefix("admin:")
        for label, objet in objets_admin.items():
            prefixe = label.replace(".", "_") + "_"
            if nom.startswith(prefixe) and nom.removeprefix(prefixe) in ACTIONS_ADMIN:
                action = nom.removeprefix(prefixe)
                kwargs = {"object_id": objet.pk} if action in ACTIONS_ADMIN[2:] else {}
                return reverse(route.cle, kwargs=kwargs), label, action
        if nom == "auth_user_password_change":
            return (
                reverse(route.cle, kwargs={"id": objets_admin["maillage.utilisateur"].pk}),
                "maillage.utilisateur",
                "mot_de_passe",
            )
        if nom == "view_on_site":
            dossier = objets_admin["porteurs.dossier"]
            ct = ContentType.objects.get_for_model(dossier)
            return (
                reverse(route.cle, kwargs={"content_type_id": ct.pk, "object_id": dossier.pk}),
                None,
                None,
            )
        if nom == "app_list":
            return reverse(route.cle, kwargs={"app_label": "porteurs"}), None, None
        return reverse(route.cle), None, None
    # The two unnamed routes: an object's short address (redirects to its change page) and
    # the catch-all that answers 404 to staff.
    if "<path:object_id>" in route.motif:
        app, modele = route.motif.split("/")[1:3]
        objet = objets_admin[f"{app}.{modele}"]
        return (
            "/" + route.motif.replace("<path:object_id>", str(objet.pk)),
            f"{app}.{modele}",
            "court",
        )
    return "/gestion/page-inconnue/", None, "inconnue"


# The admin site's own pages, for the direction.
ADMIN_SITE_DIRECTION = {
    "admin:index": 200,
    "admin:login": 302,  # already logged in as staff: sent to the index
    "admin:logout": 405,  # a POST
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    # Needs its query parameters: a bare GET is refused.
    "admin:autocomplete": 403,
    "admin:jsi18n": 200,
    "admin:view_on_site": 404,  # a dossier has no public address
    "admin:auth_user_password_change": 200,
    "admin:app_list": 200,
}
# Everyone else. The anonymous visitor meets the app's own login first
# (LoginRequiredMiddleware), except on the admin's login and logout pages; a logged-in
# chargée or board member is not staff: the admin sends them to its login page.
ADMIN_ANONYME = {"admin:login": 200, "admin:logout": CONNEXION_ADMIN}
ADMIN_NON_STAFF = {"admin:login": 200, "admin:logout": 302}


def test_the_admin_is_for_the_direction_only(request, objets):
    objets_admin = {
        m._meta.label_lower: m._default_manager.order_by("pk").first() for m in admin.site._registry
    }
    sans_objet = [label for label, objet in objets_admin.items() if objet is None]
    assert not sans_objet, f"le jeu de données de la matrice n'a aucun objet pour : {sans_objet}"
    clients = {role: _client(request, role) for role in ROLES}
    ecarts = []
    for route in ROUTES:
        if not _est_admin(route):
            continue
        url, label, action = _url_admin(route, objets_admin)
        for role in ("anonyme", "charge", "administrateur"):
            if role == "anonyme":
                # The admin site's own pages skip the app's login for the admin's.
                defaut = CONNEXION if label else CONNEXION_ADMIN
                attendu = ADMIN_ANONYME.get(route.cle, defaut)
            else:
                attendu = ADMIN_NON_STAFF.get(route.cle, CONNEXION_ADMIN)
            ecarts.append(_ecart(clients[role].get(url), attendu, f"GET {url} par {role}"))
        if label and action in ACTIONS_ADMIN:
            if label not in ADMIN_DIRECTION:
                ecarts.append(f"modèle de l'administration absent de ADMIN_DIRECTION : {label}")
                continue
            attendu = ADMIN_DIRECTION[label][ACTIONS_ADMIN.index(action)]
        elif action == "court":
            attendu = 302
        elif action == "inconnue":
            attendu = 404
        else:
            attendu = ADMIN_SITE_DIRECTION[route.cle]
        ecarts.append(_ecart(clients["directeur"].get(url), attendu, f"GET {url} par directeur"))
    ecarts = [e for e in ecarts if e]
    assert not ecarts, "Écarts à la matrice de l'administration :\n" + "\n".join(ecarts)
