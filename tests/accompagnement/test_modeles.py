"""Database constraints of the phase history and appointments (the last guard behind
accompagnement.phases and services), and the appointment querysets."""

import datetime

import pytest
from django.db import IntegrityError

from accompagnement.models import ChangementPhase, RendezVous
from tests.factories import (
    DossierFactory,
    PointAccueilFactory,
    RendezVousFactory,
    StructurePartenaireFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

JOUR = datetime.date(2013, 5, 6)


@pytest.mark.parametrize(
    "champs",
    [
        pytest.param({"phase": "accueil"}, id="same-phase-twice"),
        pytest.param({"phase": "sortie"}, id="exit-without-type-and-outcome"),
        pytest.param({"phase": "sortie", "type_sortie": "valorisable"}, id="exit-without-outcome"),
        pytest.param({"phase": "maturation", "type_sortie": "valorisable"}, id="type-not-on-exit"),
        pytest.param({"phase": "creation"}, id="creation-without-convention"),
        pytest.param(
            {"phase": "maturation", "date_convention": JOUR}, id="convention-not-on-creation"
        ),
        pytest.param(
            {"phase": "maturation", "automatique": True}, id="automatic-without-appointment"
        ),
        pytest.param({"phase": "inconnue"}, id="unknown-phase"),
        pytest.param(
            {
                "phase": "sortie",
                "type_sortie": "valorisable",
                "issue": "abandon",
                "orientation_vers": "partenaire",
            },
            id="partner-without-orientation-outcome",
        ),
    ],
)
def test_the_database_refuses_an_illegal_history_row(champs):
    dossier = DossierFactory(en_accueil=True)
    if champs.get("orientation_vers") == "partenaire":
        champs["orientation_vers"] = StructurePartenaireFactory()

    with pytest.raises(IntegrityError):
        ChangementPhase.objects.create(dossier=dossier, date=JOUR, **champs)


@pytest.mark.parametrize(
    ("lieu", "avec_point"),
    [("point_accueil", False), ("locaux", True)],
)
def test_the_database_refuses_a_point_d_accueil_that_does_not_match_the_place(lieu, avec_point):
    with pytest.raises(IntegrityError):
        RendezVousFactory(lieu=lieu, point_accueil=PointAccueilFactory() if avec_point else None)


def test_appointment_querysets_filter_held_by_staff_member_and_dates():
    claire, marc = UtilisateurFactory(), UtilisateurFactory()
    dossier = DossierFactory()
    tenu = RendezVousFactory(dossier=dossier, charge=claire, date=JOUR)
    RendezVousFactory(dossier=dossier, charge=claire, date=JOUR, annule=True)
    RendezVousFactory(dossier=dossier, charge=marc, date=JOUR)
    RendezVousFactory(dossier=dossier, charge=claire, date=JOUR + datetime.timedelta(days=8))

    trouves = (
        RendezVous.objects.realises()
        .du_charge(claire)
        .entre(JOUR, JOUR + datetime.timedelta(days=7))
    )

    assert list(trouves) == [tenu]
