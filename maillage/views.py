from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET


@require_GET
def accueil(request: HttpRequest) -> HttpResponse:
    """After login: staff land on their appointments, board members on the dashboards."""
    if request.user.has_perm("maillage.acceder_suivi"):
        return redirect("accompagnement:mes_rendez_vous")
    if request.user.has_perm("maillage.voir_tableaux_de_bord"):
        return redirect("rapports:tableaux_de_bord")
    # An account with no role yet: nothing to show but who to ask.
    return redirect("sans_role")


@require_GET
def sans_role(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import render

    return render(request, "sans_role.html", status=403)


@login_not_required
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """For the load balancer or a monitoring probe: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"statut": "ok"})
