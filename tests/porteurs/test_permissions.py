"""The role groups receive the casework models' permissions (maillage 0003 migration)."""

import pytest
from django.contrib.auth.models import Group

from maillage.roles import ADMINISTRATEUR, CHARGE, DIRECTION

pytestmark = pytest.mark.django_db


def codes(role):
    return set(
        Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    )


@pytest.mark.parametrize("modele", ["porteur", "dossier", "rendezvous", "changementphase"])
def test_staff_can_view_add_and_change_casework_but_only_the_direction_deletes(modele):
    app = "porteurs" if modele in {"porteur", "dossier"} else "accompagnement"

    for action in ("view", "add", "change"):
        assert (app, f"{action}_{modele}") in codes(CHARGE)
        assert (app, f"{action}_{modele}") in codes(DIRECTION)
    assert (app, f"delete_{modele}") not in codes(CHARGE)
    assert (app, f"delete_{modele}") in codes(DIRECTION)


def test_board_members_get_no_casework_permission():
    assert not {c for c in codes(ADMINISTRATEUR) if c[0] in {"porteurs", "accompagnement"}}
