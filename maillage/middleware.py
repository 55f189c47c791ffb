import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

CLE_DEBUT = "maillage_connexion_debut"


class DureeMaximaleSession:
    """End a session 12 hours after login whatever the activity (the idle limit is
    SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            debut = request.session.get(CLE_DEBUT)
            if debut is None:
                request.session[CLE_DEBUT] = time.time()
            elif time.time() - debut > settings.SESSION_DUREE_MAXIMALE.total_seconds():
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
