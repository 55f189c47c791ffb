"""Who may open each training screen, and what the list pages cost in queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from formations.models import Inscription, ModulePrevu, Stagiaire
from formations.services import creer_jours, inscrire, noter_presences
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    ConventionFactory,
    EvenementFactory,
    SessionFactory,
    StagiaireFactory,
    module,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("aujourd_hui"),
]

d = datetime.date


@pytest.fixture
def objets():
    """One of everything, the enrolment attended so that its certificate exists."""
    session = SessionFactory(date_debut=d(2014, 5, 5), date_fin=d(2014, 5, 19))
    (jour,) = creer_jours(session, [d(2014, 5, 5)])
    inscription = inscrire(session, StagiaireFactory(), AssociationInscrivanteFactory())
    noter_presences(jour, [inscription])
    return {
        "convention": session.convention.pk,
        "session": session.pk,
        "inscription": inscription.pk,
        "stagiaire": inscription.stagiaire_id,
        "association": inscription.association_id,
        "evenement": EvenementFactory().pk,
    }


# Every page opened with GET, and the object its URL names.
PAGES = [
    ("conventions", None),
    ("nouvelle_convention", None),
    ("convention", "convention"),
    ("modifier_convention", "convention"),
    ("nouvelle_session", None),
    ("session", "session"),
    ("modifier_session", "session"),
    ("emargement", "session"),
    ("emargement_pdf", "session"),
    ("fiche", "inscription"),
    ("attestation", "inscription"),
    ("stagiaires", None),
    ("stagiaire", "stagiaire"),
    ("modifier_stagiaire", "stagiaire"),
    ("associations", None),
    ("association", "association"),
    ("modifier_association", "association"),
    ("evenements", None),
    ("nouvel_evenement", None),
    ("modifier_evenement", "evenement"),
]
# Forms that only take a POST.
ENVOIS = [
    ("inscrire_stagiaire", "session"),
    ("inscrire_nouveau", "session"),
    ("presences", "session"),
    ("annuler", "inscription"),
]
# Pages that are also forms (GET shows, POST writes).
FORMULAIRES = [
    (nom, objet) for nom, objet in PAGES if nom.startswith(("nouvel", "modifier")) or nom == "fiche"
]


def _url(objets, nom, objet) -> str:
    return reverse(f"formations:{nom}", args=[objets[objet]] if objet else [])


@pytest.mark.parametrize(("nom", "objet"), PAGES)
@pytest.mark.parametrize("qui", ["client_charge", "client_directeur"])
def test_staff_open_every_page(request, objets, qui, nom, objet):
    client = request.getfixturevalue(qui)
    assert client.get(_url(objets, nom, objet)).status_code == 200


@pytest.mark.parametrize(("nom", "objet"), PAGES)
def test_board_members_are_refused_every_page(client_administrateur, objets, nom, objet):
    assert client_administrateur.get(_url(objets, nom, objet)).status_code == 403


@pytest.mark.parametrize(("nom", "objet"), FORMULAIRES + ENVOIS)
def test_board_members_are_refused_every_form(client_administrateur, objets, nom, objet):
    assert client_administrateur.post(_url(objets, nom, objet)).status_code == 403


@pytest.mark.parametrize(("nom", "objet"), PAGES + ENVOIS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, objets, nom, objet):
    url = _url(objets, nom, objet)
    for reponse in (client.get(url), client.post(url)):
        assert reponse.status_code == 302
        assert reponse["Location"].startswith(reverse("login"))


def test_a_board_member_writes_nothing(client_administrateur, objets):
    client_administrateur.post(_url(objets, "annuler", "inscription"))
    client_administrateur.post(
        _url(objets, "inscrire_nouveau", "session"),
        {"nom": "Durand", "prenom": "Nadia", "association": "X", "genre": "nr"},
    )

    assert list(Inscription.objects.values_list("statut", flat=True)) == ["inscrit"]
    assert Stagiaire.objects.count() == 1


# --- Query counts -----------------------------------------------------------------------------


def _donnees(n: int, depuis: int = 0) -> None:
    """n conventions, sessions, associations, trainees and events more."""
    for i in range(depuis, depuis + n):
        convention = ConventionFactory(
            libelle=f"{2000 + i}-{2001 + i}",
            date_debut=d(2000 + i, 9, 1),
            date_fin=d(2001 + i, 8, 31),
        )
        ModulePrevu.objects.create(
            convention=convention, module=module("gerer"), sessions_prevues=2
        )
        session = SessionFactory(
            convention=convention, date_debut=d(2014, 9, 1 + i), date_fin=d(2014, 10, 1 + i)
        )
        association = AssociationInscrivanteFactory()
        for _ in range(2):
            inscrire(session, StagiaireFactory(nom=f"Martin{i}"), association)
        EvenementFactory(date=d(2013, 3, 1 + i))


LISTES = [
    ("conventions", {}),
    ("stagiaires", {"q": "martin"}),
    ("associations", {}),
    ("evenements", {"annee": "2013"}),
]


def _requetes(client, url, params) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url, params).status_code == 200
    return len(requetes)


@pytest.mark.parametrize(("nom", "params"), LISTES)
def test_a_list_page_takes_the_same_number_of_queries_at_any_size(client_charge, nom, params):
    url = reverse(f"formations:{nom}")
    _donnees(2)
    petit = _requetes(client_charge, url, params)
    _donnees(10, depuis=2)
    assert _requetes(client_charge, url, params) == petit


def test_the_session_page_takes_the_same_number_of_queries_at_any_size(client_charge, charge):
    session = SessionFactory(capacite=5, date_debut=d(2014, 5, 5), date_fin=d(2014, 5, 26))
    session.formateurs.add(charge)
    creer_jours(session, [d(2014, 5, 5), d(2014, 5, 12), d(2014, 5, 19), d(2014, 5, 26)])
    url = reverse("formations:session", args=[session.pk])
    association = AssociationInscrivanteFactory()

    def remplir(n):
        for _ in range(n):
            inscription = inscrire(session, StagiaireFactory(nom="Martin"), association)
        for jour in session.jours.all():
            noter_presences(jour, list(session.inscriptions.confirmees()))
        return inscription

    remplir(2)
    petit = _requetes(client_charge, url, {"q": "mart"})
    remplir(6)  # three more confirmed, three waiting
    assert _requetes(client_charge, url, {"q": "mart"}) == petit


def test_the_programme_page_takes_the_same_number_of_queries_at_any_size(client_charge):
    convention = ConventionFactory()
    url = reverse("formations:convention", args=[convention.pk])
    SessionFactory(convention=convention)
    petit = _requetes(client_charge, url, {})
    for code in ("projeter", "employer", "gerer"):
        ModulePrevu.objects.create(convention=convention, module=module(code), sessions_prevues=3)
        for _ in range(3):
            inscrire(
                SessionFactory(convention=convention, module=module(code)),
                StagiaireFactory(),
                AssociationInscrivanteFactory(),
            )
    assert _requetes(client_charge, url, {}) == petit
