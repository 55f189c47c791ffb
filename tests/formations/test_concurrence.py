"""Two enrolments arriving at the same moment for the last seat of a session: exactly one
gets it, the other goes to the waiting list.

Runs in real transactions (two threads, two database connections). The count of seats is
slowed down (`_places_prises` sleeps after counting) to widen the race window: without the
lock on the session row both enrolments would read the same count and both be confirmed.
"""

import threading
import time

import pytest
from django.db import connection, connections

from formations import services
from formations.models import Inscription
from tests.formations.factories import (
    AssociationInscrivanteFactory,
    InscriptionFactory,
    SessionFactory,
    StagiaireFactory,
)

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason=(
        "The SQLite test database is in memory with a shared cache, where a second writer "
        "fails at once ('database table is locked') instead of waiting: this cannot show "
        "the lock. Run on PostgreSQL (DATABASE_URL=postgres://...)."
    ),
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_enrolments_for_the_last_seat(monkeypatch):
    session = SessionFactory(capacite=2)
    association = AssociationInscrivanteFactory()
    InscriptionFactory(session=session, association=association)  # one seat left
    candidats = [StagiaireFactory(), StagiaireFactory()]

    compter = services._places_prises

    def compter_lentement(s):
        n = compter(s)
        time.sleep(0.3)
        return n

    monkeypatch.setattr(services, "_places_prises", compter_lentement)

    depart = threading.Barrier(len(candidats))
    erreurs: list[BaseException] = []

    def inscrire(stagiaire):
        try:
            depart.wait(timeout=10)
            services.inscrire(session, stagiaire, association)
        except BaseException as erreur:  # reported to the main thread
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=inscrire, args=(s,)) for s in candidats]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)

    assert not erreurs, erreurs
    statuts = sorted(
        Inscription.objects.filter(stagiaire__in=candidats).values_list("statut", flat=True)
    )
    assert statuts == [Inscription.Statut.INSCRIT, Inscription.Statut.LISTE_ATTENTE]
    assert session.inscriptions.confirmees().count() == 2
