"""The security log: logins, logouts and failed logins (user id and address; a failed
login's username is written only as given, never the password)."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

journal = logging.getLogger("maillage.securite")


def _adresse(request) -> str:
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


@receiver(user_logged_in)
def connexion(sender, request, user, **kwargs):
    journal.info("connexion: utilisateur %s depuis %s", user.pk, _adresse(request))


@receiver(user_logged_out)
def deconnexion(sender, request, user, **kwargs):
    journal.info("déconnexion: utilisateur %s", getattr(user, "pk", None))


@receiver(user_login_failed)
def echec(sender, credentials, request=None, **kwargs):
    journal.warning(
        "échec de connexion: identifiant %r depuis %s",
        credentials.get("username"),
        _adresse(request),
    )
