"""Two staff members changing the same dossier at the same instant."""

import datetime
import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections

from accompagnement import phases
from accompagnement.phases import TransitionInterdite
from porteurs.models import Dossier
from tests.factories import DossierFactory


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "needs a server database: SQLite's in-memory test database is shared between "
        "threads with table locks that fail at once instead of waiting, and SQLite ignores "
        "SELECT ... FOR UPDATE; run it with DATABASE_URL=postgres://..."
    ),
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_phase_changes_leave_one_change_and_a_legal_history():
    dossier = DossierFactory(en_accueil=True)
    jour = datetime.date(2013, 3, 11)
    depart = threading.Barrier(2)
    resultats = []
    historique_reel = phases._historique

    def historique_lent(d):
        # Widen the window between reading the history and writing the change, so that
        # without the row lock both writers would read "accueil" and both insert.
        lu = historique_reel(d)
        time.sleep(0.3)
        return lu

    def changer(phase, **details):
        try:
            depart.wait()
            phases.changer_phase(Dossier(pk=dossier.pk), phase, jour, auteur=None, **details)
            resultats.append("accepté")
        except TransitionInterdite as refus:
            resultats.append(refus.code)
        except Exception as erreur:  # a database error would mean the lock did not work
            resultats.append(repr(erreur))
        finally:
            connections.close_all()

    with mock.patch.object(phases, "_historique", historique_lent):
        fils = [
            threading.Thread(target=changer, args=("maturation",)),
            threading.Thread(target=changer, args=("maturation",)),
        ]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=30)

    assert sorted(resultats) == ["accepté", "retour_arriere"]
    dossier.refresh_from_db()
    assert dossier.phase == "maturation"
    assert list(
        dossier.changements_phase.order_by("date", "pk").values_list("phase", flat=True)
    ) == [
        "accueil",
        "maturation",
    ]
