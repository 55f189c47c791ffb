"""The role groups in the database are exactly what maillage/roles.py declares."""

import pytest
from django.contrib.auth.models import Group, Permission

from maillage.roles import ADMINISTRATEUR, CHARGE, DIRECTION, ROLES, permissions_attendues

pytestmark = pytest.mark.django_db


def _codes(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_group_has_exactly_the_declared_permissions(role):
    """Fails when a model was added without a migration calling synchroniser_roles."""
    toutes = Permission.objects.select_related("content_type")
    paires = [(p.content_type.app_label, p.codename) for p in toutes]
    groupe = Group.objects.get(name=role)
    assert _codes(groupe.permissions.select_related("content_type")) == permissions_attendues(
        role, paires
    )


def test_board_members_have_no_permission_on_any_model():
    groupe = Group.objects.get(name=ADMINISTRATEUR)
    assert _codes(groupe.permissions.select_related("content_type")) == {
        "maillage.voir_tableaux_de_bord"
    }


def test_staff_read_reference_data_and_only_the_direction_edits_it():
    charge = _codes(Group.objects.get(name=CHARGE).permissions.select_related("content_type"))
    direction = _codes(Group.objects.get(name=DIRECTION).permissions.select_related("content_type"))
    assert "territoires.view_commune" in charge
    assert "territoires.change_commune" not in charge
    assert "territoires.change_commune" in direction
    assert "maillage.publier_rapport" in direction
    assert "maillage.publier_rapport" not in charge


def test_staff_can_work_on_casework_and_board_members_cannot(charge, administrateur):
    assert charge.has_perm("maillage.acceder_suivi")
    assert not administrateur.has_perm("maillage.acceder_suivi")
    assert administrateur.has_perm("maillage.voir_tableaux_de_bord")
