"""The programme screens (conventions, planned vs done, entering conventions and sessions),
the trainee and association pages, and the collective events."""

import datetime
import re

import pytest
from django.urls import reverse

from formations.models import Convention, Evenement, ModulePrevu, Session
from formations.services import creer_jours, inscrire, noter_presences
from tests.factories import DossierFactory
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    ConventionFactory,
    EvenementFactory,
    InscriptionFactory,
    SessionFactory,
    StagiaireFactory,
    module,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("aujourd_hui"),
]

d = datetime.date


def _tableau(contenu: str, ident: str) -> str:
    return contenu.split(f'id="{ident}"', 1)[1].split("</table>", 1)[0]


def _lignes(tableau: str) -> list[str]:
    """Each row's cells as text, one string per row."""
    lignes = []
    for ligne in re.findall(r"<tr[^>]*>(.*?)</tr>", tableau, flags=re.S):
        cellules = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", ligne, flags=re.S)
        lignes.append(" | ".join(re.sub(r"<[^>]+>", "", c).strip() for c in cellules))
    return lignes


# --- Programme --------------------------------------------------------------------------------


@pytest.fixture
def convention_2012():
    """Convention 2012-2013 as the seed plans it, with three Employer sessions: two held
    (10 and 8 trainees), one still to come on "today" (30/06/2014)."""
    convention = ConventionFactory()
    for code, n in zip(
        ["s_associer", "projeter", "employer", "gerer", "evaluer"], [3, 2, 3, 1, 1], strict=True
    ):
        ModulePrevu.objects.create(convention=convention, module=module(code), sessions_prevues=n)
    tenues = [
        (d(2013, 4, 15), d(2013, 5, 13), "Lille", 10),
        (d(2013, 5, 14), d(2013, 5, 28), "Dunkerque", 8),
    ]
    for debut, fin, lieu, effectif in tenues:
        session = SessionFactory(
            convention=convention,
            module=module("employer"),
            date_debut=debut,
            date_fin=fin,
            lieu=lieu,
        )
        InscriptionFactory.create_batch(effectif, session=session)
    SessionFactory(
        convention=convention,
        module=module("employer"),
        date_debut=d(2014, 9, 15),
        date_fin=d(2014, 10, 13),
        lieu="Tourcoing",
    )
    return convention


def test_the_programme_page_shows_planned_vs_done_per_module(client_charge, convention_2012):
    reponse = client_charge.get(reverse("formations:convention", args=[convention_2012.pk]))

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert _lignes(_tableau(contenu, "prevu-realise")) == [
        "Module | Prévues | Réalisées | Programmées, à venir | Reste à réaliser",
        "S&#x27;associer | 3 | 0 | 0 | 3",
        "Projeter | 2 | 0 | 0 | 2",
        "Employer | 3 | 2 | 1 | 1",
        "Gérer | 1 | 0 | 0 | 1",
        "Évaluer | 1 | 0 | 0 | 1",
        "Total | 10 | 2 | 1 | 8",
    ]
    realisation = _lignes(_tableau(contenu, "realisation"))
    assert "Employer | du 15/04/2013 au 13/05/2013 | Lille | 3 | 10 | réalisée" in realisation
    assert "du 14/05/2013 au 28/05/2013 | Dunkerque | 3 | 8 | réalisée" in realisation
    assert "du 15/09/2014 au 13/10/2014 | Tourcoing | 3 | 0 | à venir" in realisation
    assert realisation[-1].startswith("Stagiaires des sessions réalisées | 18 |")


def test_the_conventions_list_counts_planned_and_held_sessions(client_charge, convention_2012):
    contenu = client_charge.get(reverse("formations:conventions")).content.decode()
    assert "2012-2013 | du 01/09/2012 au 31/08/2013 |  | 10 | 3 | 2" in _lignes(contenu)
    # The session to come is listed on top.
    assert "Tourcoing" in contenu.split("Conventions</h2>", 1)[0]


def test_a_convention_is_entered_with_its_planned_sessions(client_directeur):
    reponse = client_directeur.post(
        reverse("formations:nouvelle_convention"),
        {
            "libelle": "2013-2014",
            "date_debut": "2013-09-01",
            "date_fin": "2014-08-31",
            "financeur": "",
            "prevues_s_associer": "2",
            "prevues_projeter": "1",
            "prevues_employer": "1",
            "prevues_gerer": "2",
            "prevues_evaluer": "1",
        },
    )

    convention = Convention.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("formations:convention", args=[convention.pk])
    assert dict(convention.prevus.values_list("module__code", "sessions_prevues")) == {
        "s_associer": 2,
        "projeter": 1,
        "employer": 1,
        "gerer": 2,
        "evaluer": 1,
    }


def test_changing_a_planned_number_to_zero_removes_it(client_charge, convention_2012):
    donnees = {
        "libelle": "2012-2013",
        "date_debut": "2012-09-01",
        "date_fin": "2013-08-31",
        "financeur": "",
        "prevues_s_associer": "3",
        "prevues_projeter": "0",
        "prevues_employer": "4",
        "prevues_gerer": "1",
        "prevues_evaluer": "1",
    }
    client_charge.post(
        reverse("formations:modifier_convention", args=[convention_2012.pk]), donnees
    )
    assert dict(convention_2012.prevus.values_list("module__code", "sessions_prevues")) == {
        "s_associer": 3,
        "employer": 4,
        "gerer": 1,
        "evaluer": 1,
    }


def test_a_convention_ending_before_it_starts_is_refused_and_nothing_is_written(client_charge):
    reponse = client_charge.post(
        reverse("formations:nouvelle_convention"),
        {
            "libelle": "2013-2014",
            "date_debut": "2014-09-01",
            "date_fin": "2013-08-31",
            "financeur": "",
            "prevues_s_associer": "-1",
            "prevues_projeter": "1",
            "prevues_employer": "1",
            "prevues_gerer": "2",
            "prevues_evaluer": "",
        },
    )

    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    assert "La fin de la convention doit suivre son début." in contenu
    assert 'id="id_prevues_s_associer_erreurs"' in contenu
    assert "Indiquez un nombre (0 si aucune)." in contenu
    assert not Convention.objects.exists()
    assert not ModulePrevu.objects.exists()


def _session(convention, **autres) -> dict:
    donnees = {
        "convention": convention.pk,
        "module": module("gerer").pk,
        "date_debut": "2013-09-23",
        "date_fin": "2013-10-21",
        "nombre_jours": "3.5",
        "lieu": "Lille",
        "capacite": "12",
        "jours": "23/09/2013, 30/09/2013 7/10/2013\n21/10/2013",
    }
    donnees.update(autres)
    return donnees


def test_a_session_is_entered_with_its_days_and_its_two_trainers(client_charge, charge, directeur):
    convention = ConventionFactory(c2013_2014=True)

    reponse = client_charge.post(
        reverse("formations:nouvelle_session"),
        _session(convention, formateurs=[charge.pk, directeur.pk]),
    )

    session = Session.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("formations:session", args=[session.pk])
    assert [j.date for j in session.jours.order_by("date")] == [
        d(2013, 9, 23),
        d(2013, 9, 30),
        d(2013, 10, 7),
        d(2013, 10, 21),
    ]
    assert set(session.formateurs.all()) == {charge, directeur}


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("jours", "23/09/2013 31/10/2013", "Le 31/10/2013 n&#x27;est pas compris"),
        ("jours", "23/09/2013 le 30", "« le » n&#x27;est pas une date au format JJ/MM/AAAA."),
        ("date_fin", "2013-09-01", "Le dernier jour doit suivre le premier."),
        ("nombre_jours", "abc", "Saisissez un nombre."),
        ("capacite", "0", "supérieure ou égale à 1"),
    ],
)
def test_a_bad_session_is_refused_next_to_the_field(client_charge, champ, valeur, message):
    convention = ConventionFactory()
    reponse = client_charge.post(
        reverse("formations:nouvelle_session"), _session(convention, **{champ: valeur})
    )

    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    assert f'id="id_{champ}_erreurs"' in contenu
    assert message in contenu
    assert not Session.objects.exists()


def test_three_trainers_are_refused(client_charge, charge, directeur, django_user_model):
    from django.contrib.auth.models import Group

    from maillage.roles import CHARGE

    autre = django_user_model.objects.create_user("sylvain", first_name="Sylvain")
    autre.groups.add(Group.objects.get(name=CHARGE))
    reponse = client_charge.post(
        reverse("formations:nouvelle_session"),
        _session(ConventionFactory(), formateurs=[charge.pk, directeur.pk, autre.pk]),
    )
    assert reponse.status_code == 400
    assert "deux formateurs au plus" in reponse.content.decode()


def test_a_day_with_attendance_cannot_be_taken_off_the_session(client_charge):
    session = SessionFactory(date_debut=d(2014, 5, 5), date_fin=d(2014, 5, 19))
    j1, _ = creer_jours(session, [d(2014, 5, 5), d(2014, 5, 12)])
    noter_presences(j1, [inscrire(session, StagiaireFactory(), AssociationInscrivanteFactory())])

    reponse = client_charge.post(
        reverse("formations:modifier_session", args=[session.pk]),
        _session(
            session.convention, date_debut="2014-05-05", date_fin="2014-05-19", jours="12/05/2014"
        ),
    )

    assert reponse.status_code == 400
    assert "Des présences sont relevées le 05/05/2014" in reponse.content.decode()
    assert session.jours.count() == 2


# --- Trainee and association pages ----------------------------------------------------------


@pytest.fixture
def anne():
    """Anne followed S'associer in 2013 (attended), is enrolled in Projeter in the autumn of
    2014, and had cancelled an Employer session."""
    association = AssociationInscrivanteFactory(nom="Le Jardin des Bennes")
    anne = StagiaireFactory(nom="Lemaire", prenom="Anne")
    associer = SessionFactory(
        module=module("s_associer"), date_debut=d(2013, 5, 6), date_fin=d(2013, 5, 27)
    )
    (jour,) = creer_jours(associer, [d(2013, 5, 6)])
    noter_presences(
        jour, [InscriptionFactory(session=associer, stagiaire=anne, association=association)]
    )
    InscriptionFactory(
        stagiaire=anne,
        association=association,
        session=SessionFactory(
            module=module("projeter"), date_debut=d(2014, 10, 6), date_fin=d(2014, 10, 27)
        ),
    )
    InscriptionFactory(
        stagiaire=anne,
        association=association,
        annulee=True,
        session=SessionFactory(module=module("employer")),
    )
    return anne


def test_the_trainee_page_shows_the_history_and_the_path_through_the_modules(client_charge, anne):
    contenu = client_charge.get(reverse("formations:stagiaire", args=[anne.pk])).content.decode()

    suivis = contenu.split('id="parcours-suivis"', 1)[1].split("</ul>", 1)[0]
    a_venir = contenu.split('id="parcours-a-venir"', 1)[1].split("</ul>", 1)[0]
    restants = contenu.split('id="parcours-restants"', 1)[1].split("</ul>", 1)[0]
    assert "S&#x27;associer" in suivis and "1 jour de présence" in suivis
    assert "Projeter" in a_venir
    assert [
        m for m in ("S&#x27;associer", "Projeter", "Employer", "Gérer", "Évaluer") if m in restants
    ] == ["Projeter", "Employer", "Gérer", "Évaluer"]
    historique = _lignes(_tableau(contenu, "historique"))
    assert len(historique) == 4
    assert any("Employer" in ligne and "annulé(e)" in ligne for ligne in historique)


def test_the_association_page_links_to_its_casework_dossier(client_charge, anne):
    association = anne.inscriptions.first().association
    dossier = DossierFactory(en_maturation=True)
    association.dossier = dossier
    association.save()

    contenu = client_charge.get(
        reverse("formations:association", args=[association.pk])
    ).content.decode()

    assert f'href="/dossiers/{dossier.reference}/"' in contenu
    assert "Anne LEMAIRE" in contenu
    assert "S&#x27;associer" in contenu.split('id="parcours-suivis"', 1)[1].split("</ul>", 1)[0]


def test_an_association_is_linked_to_a_dossier_by_its_reference(client_charge):
    association = AssociationInscrivanteFactory()
    dossier = DossierFactory()

    reponse = client_charge.post(
        reverse("formations:modifier_association", args=[association.pk]),
        {"nom": association.nom, "rna": "", "siret": "", "dossier": dossier.reference},
    )
    assert reponse.status_code == 302
    association.refresh_from_db()
    assert association.dossier == dossier

    reponse = client_charge.post(
        reverse("formations:modifier_association", args=[association.pk]),
        {"nom": association.nom, "rna": "", "siret": "", "dossier": "2099-9999"},
    )
    assert reponse.status_code == 400
    assert 'id="id_dossier_erreurs"' in reponse.content.decode()


def test_the_trainee_list_finds_by_name(client_charge, anne):
    StagiaireFactory(nom="Noel", prenom="Olivier")
    contenu = client_charge.get(reverse("formations:stagiaires"), {"q": "lem"}).content.decode()
    assert "LEMAIRE" in contenu
    assert "NOEL" not in contenu


# --- Collective events ----------------------------------------------------------------------


def test_the_events_are_listed_by_year(client_charge):
    EvenementFactory(titre="Créer à plusieurs", date=d(2013, 5, 24), participants=12)
    EvenementFactory(
        titre="Salon des entrepreneurs",
        type=Evenement.Type.SALON,
        date=d(2013, 2, 6),
        date_fin=d(2013, 2, 7),
    )
    EvenementFactory(titre="Forum 2014", type=Evenement.Type.FORUM_EMPLOI, date=d(2014, 3, 1))

    contenu = client_charge.get(reverse("formations:evenements"), {"annee": 2013}).content.decode()

    evenements = _lignes(_tableau(contenu, "evenements"))
    assert [ligne.split(" | ")[0] for ligne in evenements[1:]] == [
        "06/02/2013 au 07/02/2013",
        "24/05/2013",
    ]
    assert "Forum 2014" not in contenu
    assert "réunion thématique | 1 | 12" in _lignes(_tableau(contenu, "par-type"))
    assert "salon | 1 | NR" in _lignes(_tableau(contenu, "par-type"))


def test_a_bad_year_is_refused_next_to_the_field(client_charge):
    reponse = client_charge.get(reverse("formations:evenements"), {"annee": "deux mille"})
    assert reponse.status_code == 400
    assert "n&#x27;est pas une année" in reponse.content.decode()


def test_an_event_is_entered_in_a_form(client_charge, charge):
    reponse = client_charge.post(
        reverse("formations:nouvel_evenement"),
        {
            "type": "reunion_thematique",
            "date": "2013-11-19",
            "titre": "Soirée des porteurs de projets",
            "lieu": "Lille",
            "intervenants": "Équipe salariée et deux administrateurs",
            "participants": "8",
            "public": "porteurs de projets accompagnés",
            "resume": "Photolangage et temps convivial.",
            "salaries": [charge.pk],
        },
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("formations:evenements") + "?annee=2013"
    evenement = Evenement.objects.get()
    assert evenement.participants == 8
    assert list(evenement.salaries.all()) == [charge]


def test_an_event_without_title_nor_valid_type_is_refused(client_charge):
    reponse = client_charge.post(
        reverse("formations:nouvel_evenement"),
        {"type": "fete", "date": "2013-11-19", "titre": "", "participants": "-3"},
    )
    assert reponse.status_code == 400
    contenu = reponse.content.decode()
    for champ in ("type", "titre", "participants"):
        assert f'id="id_{champ}_erreurs"' in contenu
    assert not Evenement.objects.exists()


@pytest.mark.parametrize(
    "nom",
    [
        "convention",
        "modifier_convention",
        "stagiaire",
        "modifier_stagiaire",
        "association",
        "modifier_association",
        "modifier_evenement",
    ],
)
def test_an_unknown_id_is_a_404(client_directeur, nom):
    assert client_directeur.get(reverse(f"formations:{nom}", args=[999999])).status_code == 404
