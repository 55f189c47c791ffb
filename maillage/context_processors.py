from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """What the menu may show: computed once here so that templates only read flags."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "suivi": user.has_perm("maillage.acceder_suivi"),
            "tableaux_de_bord": user.has_perm("maillage.voir_tableaux_de_bord"),
            "direction": user.has_perm("maillage.voir_tableaux_de_bord_direction"),
            "referentiel": user.has_perm("territoires.change_commune"),
            "importer": user.has_perm("maillage.importer_donnees"),
            "admin": user.is_staff,
        }
    }
