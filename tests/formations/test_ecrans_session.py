"""The session page as staff use it: enrol someone in one click or a new person, the waiting
list, cancelling, the fiche and the attendance grid."""

import datetime

import pytest
from django.urls import reverse

from formations.models import AssociationInscrivante, Inscription, Presence, Stagiaire
from formations.services import creer_jours, inscrire
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    InscriptionFactory,
    SessionFactory,
    StagiaireFactory,
    donnees_inscription_nouvelle,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("aujourd_hui"),
]

d = datetime.date
INSCRIT = Inscription.Statut.INSCRIT
ATTENTE = Inscription.Statut.LISTE_ATTENTE
ANNULE = Inscription.Statut.ANNULE


@pytest.fixture
def session():
    """A two-seat session in May 2014 (before "today", 30/06/2014), with its three days."""
    session = SessionFactory(capacite=2, date_debut=d(2014, 5, 5), date_fin=d(2014, 5, 19))
    creer_jours(session, [d(2014, 5, 5), d(2014, 5, 12), d(2014, 5, 19)])
    return session


@pytest.fixture
def association():
    return AssociationInscrivanteFactory(nom="Les Jardins de Wazemmes")


def url_session(session, **params) -> str:
    url = reverse("formations:session", args=[session.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


# --- Enrolling ------------------------------------------------------------------------------


def test_searching_a_trainee_offers_one_click_enrolment_with_their_last_association(
    client_charge, session, association
):
    anne = StagiaireFactory(nom="Lemaire", prenom="Anne")
    InscriptionFactory(stagiaire=anne, association=association, session=SessionFactory())

    contenu = client_charge.get(url_session(session, q="lema")).content.decode()

    assert "Anne LEMAIRE" in contenu
    assert f'name="stagiaire" value="{anne.pk}"' in contenu
    assert 'value="Les Jardins de Wazemmes"' in contenu


def test_enrolling_an_existing_trainee_in_one_click_creates_no_new_person(
    client_charge, session, association
):
    anne = StagiaireFactory(nom="Lemaire", prenom="Anne")
    personnes = Stagiaire.objects.count()

    reponse = client_charge.post(
        reverse("formations:inscrire_stagiaire", args=[session.pk]),
        {"stagiaire": anne.pk, "association": "les jardins de WAZEMMES"},
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == url_session(session)
    assert Stagiaire.objects.count() == personnes
    inscription = Inscription.objects.get(session=session)
    assert (inscription.stagiaire, inscription.association, inscription.statut) == (
        anne,
        association,
        INSCRIT,
    )
    # Typed in another case: the same association, not a new one.
    assert AssociationInscrivante.objects.count() == 1


def test_enrolling_someone_already_enrolled_changes_nothing(client_charge, session, association):
    inscription = inscrire(session, StagiaireFactory(), association)

    client_charge.post(
        reverse("formations:inscrire_stagiaire", args=[session.pk]),
        {"stagiaire": inscription.stagiaire.pk, "association": "Une autre association"},
    )

    assert session.inscriptions.count() == 1
    assert not AssociationInscrivante.objects.filter(nom="Une autre association").exists()


def test_an_enrolment_without_association_is_refused_and_nothing_is_written(client_charge, session):
    anne = StagiaireFactory()

    reponse = client_charge.post(
        reverse("formations:inscrire_stagiaire", args=[session.pk]),
        {"stagiaire": anne.pk, "association": ""},
    )

    assert reponse.status_code == 400
    assert "Indiquez l&#x27;association qui inscrit." in reponse.content.decode()
    assert not Inscription.objects.exists()


def test_a_new_trainee_is_created_with_a_new_association_and_the_fiche(client_charge, session):
    reponse = client_charge.post(
        reverse("formations:inscrire_nouveau", args=[session.pk]), donnees_inscription_nouvelle()
    )

    assert reponse.status_code == 302
    inscription = Inscription.objects.select_related("stagiaire", "association").get()
    assert str(inscription.stagiaire) == "Nadia DURAND"
    assert inscription.association.nom == "Collectif Nouveau"
    assert inscription.fiche_renseignee
    assert (inscription.fiche_tranche_age, inscription.fiche_emploi) == ("26_60", "salarie")


def test_a_new_trainee_with_the_birth_date_of_a_known_one_is_that_person(
    client_charge, session, association
):
    nadia = StagiaireFactory(nom="Durand", prenom="Nadia", date_naissance=d(1984, 5, 17))

    client_charge.post(
        reverse("formations:inscrire_nouveau", args=[session.pk]),
        donnees_inscription_nouvelle(nom="DURAND", association=association.nom),
    )

    assert Stagiaire.objects.count() == 1
    assert Inscription.objects.get().stagiaire == nadia


def test_a_homonym_without_birth_date_nor_email_asks_before_creating_a_second_person(
    client_charge, session, association
):
    StagiaireFactory(nom="Durand", prenom="Nadia")
    url = reverse("formations:inscrire_nouveau", args=[session.pk])

    reponse = client_charge.post(url, donnees_inscription_nouvelle(date_naissance=""))

    assert reponse.status_code == 400
    assert "Une personne de ce nom existe déjà" in reponse.content.decode()
    assert Stagiaire.objects.count() == 1
    assert not Inscription.objects.exists()

    client_charge.post(url, donnees_inscription_nouvelle(date_naissance="", autre_personne="on"))
    assert Stagiaire.objects.count() == 2


def test_a_bad_birth_date_is_refused_next_to_the_field(client_charge, session):
    reponse = client_charge.post(
        reverse("formations:inscrire_nouveau", args=[session.pk]),
        donnees_inscription_nouvelle(date_naissance="17/05/84x"),
    )

    assert reponse.status_code == 400
    assert 'id="id_date_naissance_erreurs"' in reponse.content.decode()
    assert not Stagiaire.objects.exists()
    assert not AssociationInscrivante.objects.exists()


# --- Capacity, waiting list, cancelling -----------------------------------------------------


def test_the_enrolment_beyond_capacity_goes_to_the_waiting_list_and_shows_its_position(
    client_charge, session, association
):
    for _ in range(2):
        inscrire(session, StagiaireFactory(), association)
    troisieme = StagiaireFactory(nom="Zidane", prenom="Yasmina")

    reponse = client_charge.post(
        reverse("formations:inscrire_stagiaire", args=[session.pk]),
        {"stagiaire": troisieme.pk, "association": association.nom},
        follow=True,
    )

    assert Inscription.objects.get(stagiaire=troisieme).statut == ATTENTE
    contenu = reponse.content.decode()
    assert "Session complète : Yasmina ZIDANE est sur la liste d&#x27;attente (position 1)." in (
        contenu
    )
    attente = contenu.split('id="attente"', 1)[1].split("</table>", 1)[0]
    assert "<td>1</td>" in attente
    assert "Yasmina ZIDANE" in attente


def test_cancelling_an_enrolment_promotes_the_first_on_the_waiting_list(
    client_charge, session, association
):
    premier, _ = (inscrire(session, StagiaireFactory(), association) for _ in range(2))
    en_attente = inscrire(session, StagiaireFactory(nom="Zidane"), association)
    assert en_attente.statut == ATTENTE

    reponse = client_charge.post(reverse("formations:annuler", args=[premier.pk]), follow=True)

    premier.refresh_from_db()
    en_attente.refresh_from_db()
    assert (premier.statut, en_attente.statut) == (ANNULE, INSCRIT)
    assert "passe de la liste d&#x27;attente aux inscrit(e)s" in reponse.content.decode()


def test_raising_the_capacity_gives_the_new_seats_to_the_waiting_list(
    client_charge, session, association
):
    for _ in range(3):
        inscrire(session, StagiaireFactory(), association)

    reponse = client_charge.post(
        reverse("formations:modifier_session", args=[session.pk]),
        {
            "convention": session.convention.pk,
            "module": session.module.pk,
            "date_debut": "2014-05-05",
            "date_fin": "2014-05-19",
            "nombre_jours": "3",
            "lieu": "Lille",
            "capacite": "3",
            "jours": "05/05/2014 12/05/2014 19/05/2014",
        },
    )

    assert reponse.status_code == 302
    assert session.inscriptions.confirmees().count() == 3


def test_the_capacity_cannot_go_below_the_enrolled(client_charge, session, association):
    for _ in range(2):
        inscrire(session, StagiaireFactory(), association)

    reponse = client_charge.post(
        reverse("formations:modifier_session", args=[session.pk]),
        {
            "convention": session.convention.pk,
            "module": session.module.pk,
            "date_debut": "2014-05-05",
            "date_fin": "2014-05-19",
            "nombre_jours": "3",
            "lieu": "Lille",
            "capacite": "1",
            "jours": "",
        },
    )

    assert reponse.status_code == 400
    assert "2 personnes sont déjà inscrites" in reponse.content.decode()
    session.refresh_from_db()
    assert session.capacite == 2
    assert session.jours.count() == 3


# --- Fiche ------------------------------------------------------------------------------------


def test_the_fiche_of_an_enrolment_is_filled_in_later(client_charge, session, association):
    inscription = inscrire(session, StagiaireFactory(), association)

    reponse = client_charge.post(
        reverse("formations:fiche", args=[inscription.pk]),
        {
            "fiche_renseignee": "on",
            "fiche_genre": "H",
            "fiche_tranche_age": "nr",
            "fiche_sphere_dirigeante": "non",
            "fiche_emploi": "retraite",
        },
        follow=True,
    )

    inscription.refresh_from_db()
    assert inscription.fiche_renseignee
    assert (inscription.fiche_genre, inscription.fiche_emploi) == ("H", "retraite")
    assert "remplie : homme, non renseigné, sphère dirigeante : non, retraité(e)" in (
        reponse.content.decode()
    )


def test_a_fiche_answer_outside_the_choices_is_refused(client_charge, session, association):
    inscription = inscrire(session, StagiaireFactory(), association)

    reponse = client_charge.post(
        reverse("formations:fiche", args=[inscription.pk]),
        {
            "fiche_renseignee": "on",
            "fiche_genre": "X",
            "fiche_tranche_age": "nr",
            "fiche_sphere_dirigeante": "nr",
            "fiche_emploi": "nr",
        },
    )

    assert reponse.status_code == 400
    inscription.refresh_from_db()
    assert not inscription.fiche_renseignee


# --- Attendance grid --------------------------------------------------------------------------


def test_the_attendance_grid_saves_every_day_in_one_form(client_charge, session, association):
    anne, bruno = (inscrire(session, StagiaireFactory(), association) for _ in range(2))
    j1, j2, j3 = session.jours.order_by("date")

    reponse = client_charge.post(
        reverse("formations:presences", args=[session.pk]),
        {
            "jour": [j1.pk, j2.pk, j3.pk],
            "presence": [f"{anne.pk}-{j1.pk}", f"{anne.pk}-{j2.pk}", f"{bruno.pk}-{j3.pk}"],
        },
    )

    assert reponse.status_code == 302
    presents = set(Presence.objects.filter(present=True).values_list("inscription_id", "jour_id"))
    assert presents == {(anne.pk, j1.pk), (anne.pk, j2.pk), (bruno.pk, j3.pk)}
    assert Presence.objects.filter(present=False).count() == 3
    # The grid shows them ticked again.
    contenu = client_charge.get(url_session(session)).content.decode()
    assert f'value="{anne.pk}-{j1.pk}" data-colonne="jour-{j1.pk}"' in contenu
    assert contenu.count(" checked") == 3
    assert "2 / 3 jours" in contenu


def test_a_box_of_a_waiting_trainee_refuses_the_whole_grid(client_charge, session, association):
    anne, _ = (inscrire(session, StagiaireFactory(), association) for _ in range(2))
    attente = inscrire(session, StagiaireFactory(), association)
    j1 = session.jours.order_by("date").first()

    reponse = client_charge.post(
        reverse("formations:presences", args=[session.pk]),
        {"jour": [j1.pk], "presence": [f"{anne.pk}-{j1.pk}", f"{attente.pk}-{j1.pk}"]},
    )

    assert reponse.status_code == 400
    assert "Rien n'a été enregistré." in reponse.content.decode()
    assert not Presence.objects.exists()


def test_a_day_to_come_cannot_be_recorded(client_charge, association):
    session = SessionFactory(date_debut=d(2014, 6, 23), date_fin=d(2014, 7, 7))
    _, _, prochain = creer_jours(session, [d(2014, 6, 23), d(2014, 6, 30), d(2014, 7, 7)])
    anne = inscrire(session, StagiaireFactory(), association)

    page = client_charge.get(url_session(session)).content.decode()
    assert f'value="{anne.pk}-{prochain.pk}" data-colonne="jour-{prochain.pk}"' in page
    assert page.count(" disabled") == 1

    reponse = client_charge.post(
        reverse("formations:presences", args=[session.pk]),
        {"jour": [prochain.pk], "presence": [f"{anne.pk}-{prochain.pk}"]},
    )
    assert reponse.status_code == 400
    assert not Presence.objects.exists()


def test_garbage_in_the_grid_is_refused(client_charge, session):
    reponse = client_charge.post(
        reverse("formations:presences", args=[session.pk]), {"jour": ["x"], "presence": ["1-"]}
    )
    assert reponse.status_code == 400


# --- Unknown ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nom", ["session", "modifier_session", "emargement", "emargement_pdf", "fiche", "attestation"]
)
def test_an_unknown_id_is_a_404(client_directeur, nom):
    assert client_directeur.get(reverse(f"formations:{nom}", args=[999999])).status_code == 404


@pytest.mark.parametrize("nom", ["inscrire_stagiaire", "inscrire_nouveau", "presences", "annuler"])
def test_posting_to_an_unknown_id_is_a_404(client_directeur, nom):
    assert client_directeur.post(reverse(f"formations:{nom}", args=[999999])).status_code == 404
