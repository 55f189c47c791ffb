import datetime
import zoneinfo

import pytest

# "Today" for the training tests: mid-2014, so that the whole of 2013 and the first half of
# 2014 (a session spanning the new year, a dossier received in 2014) are in the past.
AUJOURD_HUI = datetime.date(2014, 6, 30)


@pytest.fixture
def aujourd_hui(time_machine) -> datetime.date:
    """Freeze the clock on AUJOURD_HUI (not autouse: the concurrency test runs threads on a
    real clock)."""
    time_machine.move_to(
        datetime.datetime(2014, 6, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        tick=False,
    )
    return AUJOURD_HUI
