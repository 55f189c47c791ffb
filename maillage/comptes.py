"""Creating accounts with a role: one function, used by the demo command and the tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from maillage.roles import DIRECTION, ROLES


@transaction.atomic
def creer_ou_mettre_a_jour_compte(
    username: str, role: str, mot_de_passe: str, *, prenom: str = "", nom: str = ""
) -> tuple[object, bool]:
    """Give `username` exactly the role `role`, creating the account when it does not exist.

    Invariants: the account ends in one role group only; the direction gets access to the
    reference-data screens (is_staff); an existing account keeps its password unless
    `mot_de_passe` differs from it. Returns (user, created).
    """
    if role not in ROLES:
        raise ValueError(f"Rôle inconnu : {role}")
    Utilisateur = get_user_model()
    user, cree = Utilisateur.objects.get_or_create(
        username=username, defaults={"first_name": prenom, "last_name": nom}
    )
    if cree or not user.check_password(mot_de_passe):
        user.set_password(mot_de_passe)
    user.is_staff = role == DIRECTION
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user, cree


def salaries_actifs():
    """Active staff members (chargé(e)s and direction): who can hold an appointment or be a
    dossier's référent. Ordered by name for the select lists."""
    from maillage.roles import CHARGE

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[CHARGE, DIRECTION])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
