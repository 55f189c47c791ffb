"""Settings of the Maillage casework application.

Everything that differs between a developer's machine and a production server comes from
the environment (see README.md, "Configuration"). With nothing set, the app runs in
development mode on a SQLite file in the checkout.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from maillage.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# MAILLAGE_ENV: "development" (the default: a checkout on a staff member's or developer's
# machine) or "production" (a server: every secret must be given, cookies are secure).
MAILLAGE_ENV = env_str("MAILLAGE_ENV", "development").strip().lower()
if MAILLAGE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("MAILLAGE_ENV doit valoir « development » ou « production ».")
PRODUCTION = MAILLAGE_ENV == "production"
DEV = not PRODUCTION

DEBUG = env_bool("DEBUG", default=DEV)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY doit être défini en production.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
if PRODUCTION and not env_str("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL doit être défini en production (PostgreSQL).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEV else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "import_export",
    "axes",
    "csp",
    "simple_history",
    "maillage",
    "territoires",
    "porteurs",
    "accompagnement",
    "formations",
    "rapports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and user middleware: a database that cannot be reached while
    # they load gives the friendly 503 page too.
    "maillage.middleware.ServiceIndisponible",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (@login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "maillage.middleware.DureeMaximaleSession",
    # Records who made each change kept by django-simple-history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it must see the response of a failed login to count it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "maillage.urls"
WSGI_APPLICATION = "maillage.wsgi.application"
ASGI_APPLICATION = "maillage.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL: postgres://user:password@host:5432/name or sqlite:///path/to/file.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers wait
    # instead of failing with "database is locked" (measured in shared/NOTES.md); WAL lets
    # readers go on while one request writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A runaway query or a lock held too long ends the request instead of the server.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 10_000)}"
        f" -c lock_timeout={env_int('DB_LOCK_TIMEOUT_MS', 5_000)}"
        # The report's few large queries cross the JIT's cost threshold, and compiling
        # them cost more than it saved (2.5-2.9 s -> 2.0-2.2 s at network scale without).
        " -c jit=off"
        # PostgreSQL's defaults price a random read 4 times a sequential one (spinning
        # disks) and give a hash 4 MB: on an SSD, or a database held in memory as this
        # one is, the report's joins of the year's rows to their appointment or dossier
        # read whole tables and hashed them in batches on disk. 1.1 and 32 MB (per hash or
        # sort of a query) took about 200 ms off the year's statistics at network scale
        # (docs/performance.md). Set them to the server's values where the disks are slow.
        f" -c random_page_cost={env_str('DB_RANDOM_PAGE_COST') or '1.1'}"
        f" -c work_mem={env_str('DB_WORK_MEM') or '32MB'}"
    )
else:
    raise ImproperlyConfigured("DATABASE_URL : seuls PostgreSQL et SQLite sont pris en charge.")
DATABASES["default"]["ATOMIC_REQUESTS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "maillage.Utilisateur"

# --- Authentication -------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # CNIL 2022-100: at least 12 characters when several kinds of characters are mixed.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/IP before the password is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login protection (shared/NOTES.md: the library's defaults are weak): 5 failures lock the
# pair username + IP address for 15 minutes; a success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "verrouille.html"
AXES_VERBOSE = False
# Behind a reverse proxy the client's address is in X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("BEHIND_PROXY", default=False) else 0

# Sessions (OWASP ASVS L2): 30 minutes without activity, 12 hours at most
# (maillage.middleware.DureeMaximaleSession), ended when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_INACTIVITE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_DUREE_MAXIMALE = datetime.timedelta(hours=12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security (production) ------------------------------------------------------------
SECURE = env_bool("SECURE", default=PRODUCTION)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# Preloading is what check --deploy asks for; a deployment on a shared domain may turn it off.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", default=False):
    # Behind a reverse proxy (nginx) that terminates TLS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: everything from the app itself, no inline script anywhere.
# Inline styles stay allowed: plotly.js writes its own <style> elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development whitenoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEV
WHITENOISE_AUTOREFRESH = DEV
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# --- Logging --------------------------------------------------------------------------
# Logs never carry personal data: only ids and technical messages go to them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Logins, failed logins, lockouts: user ids and addresses, never passwords.
        "maillage.securite": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools log every font and image at INFO: noise for each PDF.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Libraries ------------------------------------------------------------------------
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Casework rules (configurable per association) -------------------------------------
# An exit (sortie) is suggested as "valorisable" for the funders when the dossier had at
# least this much support time, or at least this many held appointments.
SORTIE_VALORISABLE_HEURES = env_int("SORTIE_VALORISABLE_HEURES", 3)
SORTIE_VALORISABLE_RENDEZ_VOUS = env_int("SORTIE_VALORISABLE_RENDEZ_VOUS", 3)
# RGPD retention: a person with no contact (reception, appointment, phase change, training
# day) for this many years is anonymised by `manage.py anonymiser_inactifs --appliquer`.
# 2 years after the last contact is the CNIL's reference for social support (délibération
# 2023-095), which this association follows.
RGPD_CONSERVATION_ANNEES = env_int("RGPD_CONSERVATION_ANNEES", 2)
