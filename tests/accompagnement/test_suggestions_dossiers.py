"""The dossiers suggested by the quick appointment form (and the training forms): the
staff member's followed dossiers first, then the others, most recently changed first,
never a dossier that has left, labelled "reference — porteur"."""

import datetime

import pytest
from django.utils import timezone

from accompagnement.forms import SEPARATEUR, suggestions_dossiers, trouver_dossier
from porteurs.models import Dossier
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def _modifie(dossier: Dossier, jours: int) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(
        modifie_le=timezone.now() - datetime.timedelta(days=jours)
    )


def test_mine_first_then_the_others_most_recently_changed_first(charge, directeur):
    mien_ancien = DossierFactory(en_accueil=True, referent=charge)
    mien_recent = DossierFactory(en_maturation=True, referent=charge)
    autre_recent = DossierFactory(en_accueil=True, referent=directeur)
    autre_ancien = DossierFactory(en_creation=True, referent=None)
    sorti = DossierFactory(sorti=True, referent=charge)
    for dossier, jours in [
        (mien_ancien, 30),
        (mien_recent, 2),
        (autre_recent, 1),
        (autre_ancien, 40),
        (sorti, 0),
    ]:
        _modifie(dossier, jours)

    suggestions = suggestions_dossiers(charge)

    references = [s.split(SEPARATEUR)[0] for s in suggestions]
    assert references == [
        mien_recent.reference,
        mien_ancien.reference,
        autre_recent.reference,
        autre_ancien.reference,
    ]
    porteur = mien_recent.porteur
    assert suggestions[0] == f"{mien_recent.reference} — {porteur.prenom} {porteur.nom}"
    # The label is what the field resolves back to its dossier.
    assert trouver_dossier(suggestions[0]) == mien_recent


def test_the_list_is_bounded_and_its_queries_do_not_grow(charge, django_assert_num_queries):
    def creer(miens: int, autres: int) -> None:
        for _ in range(miens):
            DossierFactory(en_accueil=True, referent=charge)
        for _ in range(autres):
            DossierFactory(en_accueil=True)

    creer(2, 2)
    with django_assert_num_queries(2):
        assert len(suggestions_dossiers(charge, limite=6)) == 4
    creer(2, 6)
    with django_assert_num_queries(2):
        assert len(suggestions_dossiers(charge, limite=6)) == 6
    with django_assert_num_queries(1):
        assert len(suggestions_dossiers(None, limite=5)) == 5
