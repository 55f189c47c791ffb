"""Reading settings from the environment.

Small typed helpers rather than a library: the handful of variables the app reads are
listed in README.md, and every value that cannot be parsed stops the start with a message
that names the variable (a typo in production must not silently fall back to a default).
"""

import os

from django.core.exceptions import ImproperlyConfigured

VRAI = {"1", "true", "yes", "on", "oui", "vrai"}
FAUX = {"0", "false", "no", "off", "non", "faux", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in VRAI:
        return True
    if value in FAUX:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} : valeur attendue 1/0, true/false, oui/non.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} : un nombre entier est attendu.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
