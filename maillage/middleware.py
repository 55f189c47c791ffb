import logging
import sys
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

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


# --- A database that cannot be reached --------------------------------------------------

journal_pannes = logging.getLogger("maillage.pannes")
_BASE_INDISPONIBLE = "maillage_base_indisponible"
ERREURS_DE_CONNEXION = (OperationalError, InterfaceError)


def _noter_base_indisponible(sender, request=None, **kwargs) -> None:
    """Django sends got_request_exception from inside its `except` block for any error it
    turns into a 500, whichever layer raised it (a view, or the session and user loading
    done by other middleware): the exception is still in sys.exc_info() here, and nowhere
    else once the 500 response exists."""
    if request is not None and isinstance(sys.exc_info()[1], ERREURS_DE_CONNEXION):
        setattr(request, _BASE_INDISPONIBLE, True)


class ServiceIndisponible:
    """A request that fails because the database cannot be reached gets the standalone
    503 page (templates/503.html) instead of an error trace.

    Invariant: drawing that page needs no database (no context processor, no session, no
    user), so it can be shown while the database is down. Placed near the top of
    MIDDLEWARE so that failures of the session and authentication middleware are caught too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(
            _noter_base_indisponible, dispatch_uid="maillage.base_indisponible"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reponse = self.get_response(request)
        if reponse.status_code == 500 and getattr(request, _BASE_INDISPONIBLE, False):
            # Django has already logged the exception with its trace (django.request).
            journal_pannes.error("base de données injoignable: réponse 503 pour %s", request.path)
            return page_service_indisponible()
        return reponse


def page_service_indisponible() -> HttpResponse:
    reponse = HttpResponse(loader.get_template("503.html").render(), status=503)
    # Tells browsers and probes to try again in a minute rather than hammer a failing site.
    reponse["Retry-After"] = "60"
    reponse["Cache-Control"] = "no-store"
    return reponse
