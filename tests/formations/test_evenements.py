"""Collective events, listed by year."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from formations.models import Evenement
from tests.formations.factories import EvenementFactory

pytestmark = pytest.mark.django_db

d = datetime.date


def test_events_of_a_year_are_those_that_start_in_it(charge):
    salon = EvenementFactory(
        type=Evenement.Type.SALON,
        titre="Salon Créer",
        date=d(2013, 9, 16),
        date_fin=d(2013, 9, 18),
    )
    salon.salaries.add(charge)
    forum = EvenementFactory(type=Evenement.Type.FORUM_EMPLOI, date=d(2013, 3, 15))
    EvenementFactory(date=d(2012, 12, 31), date_fin=d(2013, 1, 2))
    EvenementFactory(date=d(2014, 3, 7))
    assert list(Evenement.objects.de_l_annee(2013)) == [forum, salon]
    assert list(charge.evenements.all()) == [salon]


def test_attendance_may_be_unknown():
    assert EvenementFactory(participants=None).participants is None


def test_the_database_refuses_an_event_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        EvenementFactory(date=d(2013, 9, 18), date_fin=d(2013, 9, 16))
