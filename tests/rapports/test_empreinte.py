"""The fingerprint of a year's data (rapports.rendu.empreinte), the key of the PDF cache:
it changes on edits, not only on additions and deletions, so that a PDF is never served
for data that changed since it was drawn."""

import pytest

from formations import services
from formations.models import Session
from maillage.models import AnneeAssociative
from rapports.rendu import empreinte
from tests.formations.factories import InscriptionFactory

pytestmark = pytest.mark.django_db


def test_cancelling_an_enrolment_changes_the_fingerprint():
    inscription = InscriptionFactory()
    avant = empreinte(2013)
    services.annuler_inscription(inscription)
    assert empreinte(2013) != avant


def test_promoting_from_the_waiting_list_changes_the_fingerprint():
    confirmee = InscriptionFactory(session__capacite=1)
    attente = InscriptionFactory(session=confirmee.session, en_attente=True)
    # A seat added without touching the session's row through save(), so that only the
    # promotion below can change the fingerprint.
    Session.objects.filter(pk=confirmee.session_id).update(capacite=2)
    avant = empreinte(2013)
    assert services.completer_depuis_liste_attente(confirmee.session) == [attente]
    assert empreinte(2013) != avant


def test_editing_the_number_of_members_changes_the_fingerprint():
    annee = AnneeAssociative.objects.create(annee=2013, nombre_adherents=40)
    avant = empreinte(2013)
    annee.nombre_adherents = 41
    annee.save()
    assert empreinte(2013) != avant


def test_the_fingerprint_is_stable_when_nothing_changes():
    InscriptionFactory()
    assert empreinte(2013) == empreinte(2013)
