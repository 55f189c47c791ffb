"""The demo is loaded once per test module (about 40 s on SQLite, 60 s on PostgreSQL,
through the domain functions), inside a transaction rolled back at the end of the module:
nothing it writes (reference data included) is left for the other tests."""

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The database with the demo at scale 1; yields rapports.stats' 2013 report."""
    from rapports.stats import rapport_annuel

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("charger_demo", verbosity=0)
        yield rapport_annuel(2013)
        transaction.set_rollback(True)
