from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@permission_required("maillage.acceder_suivi", raise_exception=True)
def mes_rendez_vous(request: HttpRequest) -> HttpResponse:
    # The appointments themselves arrive with the casework (issue 3).
    return render(request, "accompagnement/mes_rendez_vous.html")
