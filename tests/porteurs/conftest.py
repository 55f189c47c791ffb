import datetime
import zoneinfo

import pytest

# "Today" for the casework tests: the last day of the seed report's year, so the 2013 dates
# of the factories are in the past and a 2014 date is in the future.
AUJOURD_HUI = datetime.date(2013, 12, 31)


@pytest.fixture(autouse=True)
def _aujourd_hui(time_machine):
    time_machine.move_to(
        datetime.datetime(2013, 12, 31, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        tick=False,
    )
