"""The three roles, declared as data.

A role is a Django group; its permissions are listed here and written to the database by
migrations that call `synchroniser_roles` (a migration, not a signal, so that the groups
exist as soon as the database is migrated). `tests/maillage/test_roles.py` checks that the
database matches this declaration: a new model whose permissions are not given to the roles
by a migration makes it fail.
"""

from collections.abc import Iterable

CHARGE = "Chargé(e) de mission"
DIRECTION = "Direction"
ADMINISTRATEUR = "Administrateur"

# Apps whose models hold personal or casework data: staff read and write them.
APPS_SUIVI = ("porteurs", "accompagnement", "formations")

VOIR, AJOUTER, MODIFIER, SUPPRIMER = "view", "add", "change", "delete"

MODELES_VIE_ASSOCIATIVE = (
    "anneeassociative",
    "assembleegenerale",
    "membreconseil",
    "reunionconseil",
)


def _toutes_actions(app_label: str, modeles: Iterable[str]) -> list[str]:
    return [
        f"{app_label}.{action}_{modele}"
        for modele in modeles
        for action in (VOIR, AJOUTER, MODIFIER, SUPPRIMER)
    ]


def _regles() -> dict[str, dict]:
    return {
        CHARGE: {
            "apps": {
                **dict.fromkeys(APPS_SUIVI, (VOIR, AJOUTER, MODIFIER)),
                "territoires": (VOIR,),
                "rapports": (VOIR,),
            },
            "speciales": ["maillage.acceder_suivi", "maillage.voir_tableaux_de_bord"],
        },
        DIRECTION: {
            "apps": {
                **dict.fromkeys(APPS_SUIVI, (VOIR, AJOUTER, MODIFIER, SUPPRIMER)),
                "territoires": (VOIR, AJOUTER, MODIFIER, SUPPRIMER),
                "rapports": (VOIR, AJOUTER, MODIFIER, SUPPRIMER),
            },
            "speciales": [
                "maillage.acceder_suivi",
                "maillage.voir_tableaux_de_bord",
                "maillage.voir_tableaux_de_bord_direction",
                "maillage.publier_rapport",
                "maillage.importer_donnees",
                "maillage.view_utilisateur",
                "maillage.add_utilisateur",
                "maillage.change_utilisateur",
                # Association life (members, general assemblies, board): the direction
                # keeps it up to date for the report's introduction.
                *_toutes_actions("maillage", MODELES_VIE_ASSOCIATIVE),
            ],
        },
        # Board members: aggregated figures only. No model permission at all, so that no
        # page showing a record can ever be opened by them.
        ADMINISTRATEUR: {"apps": {}, "speciales": ["maillage.voir_tableaux_de_bord"]},
    }


ROLES = (CHARGE, DIRECTION, ADMINISTRATEUR)


def permissions_attendues(role: str, permissions: Iterable[tuple[str, str]]) -> set[str]:
    """The "app_label.codename" permissions the role must have, among the given
    (app_label, codename) pairs that exist in the database."""
    regle = _regles()[role]
    attendues = set(regle["speciales"])
    for app_label, codename in permissions:
        action = codename.split("_", 1)[0]
        if action in regle["apps"].get(app_label, ()):
            attendues.add(f"{app_label}.{codename}")
    return attendues


def synchroniser_roles(apps, schema_editor=None) -> None:
    """Create the three groups and set their permissions to exactly what `_regles` says.

    Runs inside migrations with the historical app registry. Permissions are normally
    created after all migrations ran (post_migrate); they are created here first so that
    the groups can be given them in the same run.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # The historical registry of a migration has no models_module: pretend it has one
        # for create_permissions, then put back whatever was there (safe on the real one).
        ancien = getattr(app_config, "models_module", None)
        app_config.models_module = ancien or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = ancien

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    toutes = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type")
    }
    for role in ROLES:
        groupe, _ = Group.objects.get_or_create(name=role)
        voulues = permissions_attendues(role, toutes.keys())
        groupe.permissions.set(
            [
                toutes[tuple(code.split(".", 1))]
                for code in voulues
                if tuple(code.split(".", 1)) in toutes
            ]
        )
