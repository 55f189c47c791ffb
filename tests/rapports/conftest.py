"""Fixtures of the report's statistics tests: a frozen clock and a way to write a dossier's
history the way the app does (through accompagnement.phases, never ChangementPhase rows)."""

import datetime
import zoneinfo

import pytest

from accompagnement.models import ChangementPhase
from porteurs.models import Phase
from tests.factories import DossierFactory, faire_changer_phase

# "Today": mid-2014, so that all of 2013 and the start of 2014 are in the past.
AUJOURD_HUI = datetime.date(2014, 6, 30)


@pytest.fixture
def aujourd_hui(time_machine) -> datetime.date:
    time_machine.move_to(
        datetime.datetime(2014, 6, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        tick=False,
    )
    return AUJOURD_HUI


def d(texte: str) -> datetime.date:
    """ "31/12/2013" -> date."""
    return datetime.datetime.strptime(texte, "%d/%m/%Y").date()  # noqa: DTZ007


def dossier_avec(*etapes: tuple, **champs):
    """A dossier (DossierFactory(**champs)) whose path is `etapes`: (phase, "JJ/MM/AAAA")
    or (phase, "JJ/MM/AAAA", {details}), written through accompagnement.phases."""
    dossier = DossierFactory(**champs)
    for etape in etapes:
        phase, jour, details = (*etape, {})[:3]
        faire_changer_phase(dossier, phase, d(jour), **details)
    return dossier


SORTIE_VALORISABLE = {
    "type_sortie": ChangementPhase.TypeSortie.VALORISABLE,
    "issue": ChangementPhase.Issue.ACTIVITE_CREEE,
}
A, M, C, P, S = (
    Phase.ACCUEIL,
    Phase.MATURATION,
    Phase.CREATION,
    Phase.POST_CREATION,
    Phase.SORTIE,
)
