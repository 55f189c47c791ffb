"""Dashboards: the board's (aggregates only) and the direction's."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@permission_required("maillage.voir_tableaux_de_bord", raise_exception=True)
def tableaux_de_bord(request: HttpRequest) -> HttpResponse:
    # The dashboards themselves arrive with issue 7; this page is where every role lands.
    return render(request, "rapports/tableaux_de_bord.html")
