"""Django settings: work out of the box on a laptop, fail loudly in production.

Every setting that production needs comes from the environment (see
docs/deployment.md). With ``SOFTSPOT_PRODUCTION=true`` a missing secret key or
host list is an error, not a silent default.
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from softspot import i18n
from softspot.keys import installation_secret_key
from softspot.paths import data_dir, database_url
from softspot.web.dbsettings import database


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use true or false")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: use a whole number") from None


def envlist(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
PRODUCTION = envbool("SOFTSPOT_PRODUCTION")
# Serving to the home network (softspot serve --lan): sign-in required, like production.
LAN = envbool("SOFTSPOT_LAN")
# On loopback a single local owner is used and nobody signs in.
LOCAL_OWNER = not (PRODUCTION or LAN)

if PRODUCTION:
    SECRET_KEY = os.environ.get("SOFTSPOT_SECRET_KEY", "")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SOFTSPOT_SECRET_KEY must be set to a random string of 32+ characters")
    ALLOWED_HOSTS = envlist("SOFTSPOT_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("SOFTSPOT_ALLOWED_HOSTS must list the host names, comma-separated")
    if not os.environ.get("SOFTSPOT_DATABASE_URL"):
        raise ImproperlyConfigured("SOFTSPOT_DATABASE_URL must be set in production (e.g. postgres://...)")
    DEBUG = False
else:
    # Secret key (w1-serve): SOFTSPOT_SECRET_KEY, else this installation's own key, made once in the data
    # folder (<data dir>/secret_key, mode 0600). A folder that cannot be written raises
    # softspot.keys.FolderNotWritable (an OSError) naming the file: the caller says it and exits.
    SECRET_KEY = os.environ.get("SOFTSPOT_SECRET_KEY") or installation_secret_key(data_dir())
    ALLOWED_HOSTS = envlist("SOFTSPOT_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]", "testserver"]
    DEBUG = envbool("SOFTSPOT_DEBUG")

DATABASES = {
    "default": database(
        database_url(),  # SOFTSPOT_DATABASE_URL, else SQLite in the data folder
        conn_max_age=envint("SOFTSPOT_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "softspot.store",
    "softspot.web",
    "softspot.practice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON gzipped (static files come compressed from whitenoise); why this is safe from BREACH:
    # softspot.web.compression (issue 12).
    "softspot.web.compression.TextGZipMiddleware",
    # Languages (issue 11): the language switch's cookie, else Accept-Language (no session needed); then the
    # core's messages (softspot.i18n) follow the page's language for the rest of the request, the store's
    # 503 page included.
    "django.middleware.locale.LocaleMiddleware",
    "softspot.web.language.ActiveLanguage",
    # Before sessions: once the database is known to be damaged, everything answers 503 (w1-store).
    "softspot.store.middleware.StoreHealth",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sign-out everywhere (w2-practice): a session older than its account's epoch is signed out.
    "softspot.practice.middleware.SessionEpoch",
    # Record posts: owner, then JSON only (415) and size (413), before the CSRF check reads a body (w1-store).
    "softspot.store.middleware.RecordRequestLimits",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the (always the same) header built once (softspot.web.csp; issue 9).
    "softspot.web.csp.CSPMiddleware",
    # Last: turns a throttled sign-in into the lock-out page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "softspot.web.urls"
WSGI_APPLICATION = "softspot.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "softspot.web.context.site",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "softspot.practice.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "softspot.practice.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "softspot.practice.passwords.CommonPasswordValidator"},
    {"NAME": "softspot.practice.passwords.NumericPasswordValidator"},
]

# Accounts (w2-practice; docs/deployment.md, "Accounts and signing in"). Passwords are hashed with Argon2id
# (argon2-cffi); older hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Throttling first (django-axes refuses a locked-out account or address), then Django's accounts.
AUTHENTICATION_BACKENDS = [
    "softspot.practice.auth.Throttle",
    "softspot.practice.auth.AccountBackend",
]
# Sign-in throttling: 10 failed passwords for one account, or from one address, lock that account or that
# address out of password sign-in for 15 minutes; a failure during the lock-out starts the wait again.
# One-time links (sign-in, reset, invitation) still work, so a locked-out person is never stuck.
AXES_FAILURE_LIMIT = envint("SOFTSPOT_SIGNIN_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SOFTSPOT_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "softspot.practice.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "softspot.practice.accounts.client_address"
AXES_VERBOSE = False
# Behind a proxy (Caddy, nginx): how many proxies of ours add to X-Forwarded-For; the client's address is
# then read that many entries from its right. 0 (the default): the connection's own address.
SOFTSPOT_TRUSTED_PROXIES = envint("SOFTSPOT_TRUSTED_PROXIES", 0)

# E-mail (optional): with SOFTSPOT_EMAIL_HOST set, reset links are also sent to the account's address.
EMAIL_HOST = os.environ.get("SOFTSPOT_EMAIL_HOST", "")
EMAIL_PORT = envint("SOFTSPOT_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("SOFTSPOT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SOFTSPOT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("SOFTSPOT_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("SOFTSPOT_EMAIL_FROM", "softspot@localhost")
SOFTSPOT_MAIL = bool(EMAIL_HOST)
# The site's address for links made outside a request (softspot admin reset_link): e.g. https://softspot.example.org
SOFTSPOT_SITE_URL = os.environ.get("SOFTSPOT_SITE_URL", "")

LANGUAGE_CODE = i18n.DEFAULT
TIME_ZONE = os.environ.get("SOFTSPOT_TIME_ZONE", "UTC")
# Languages (issue 11; docs/translating.md): each named in its own language. The pages' words are the
# `django` domain catalogs in src/softspot/locale/<lang>/LC_MESSAGES/ (scripts/web_i18n.py compiles them).
USE_I18N = True
LANGUAGES = [(code, language.name) for code, language in i18n.LANGUAGES.items()]
LANGUAGES_BIDI = [code for code, language in i18n.LANGUAGES.items() if language.direction == "rtl"]
LOCALE_PATHS = [BASE_DIR.parent / "locale"]
# The switch in the header remembers the choice for a year, on plain HTTP as well (the phone on the home
# network); SameSite=Lax like the other cookies.
LANGUAGE_COOKIE_NAME = "softspot-language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's target: hashed, compressed copies (softspot.web.staticfiles). `softspot serve` collects into
# <data dir>/static at start-up when the sources changed; production runs `softspot admin collectstatic`.
STATIC_ROOT = Path(os.environ.get("SOFTSPOT_STATIC_ROOT") or data_dir() / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "softspot.web.staticfiles.Storage"},
}
# Until collected (tests, a fresh clone), plain names are served straight from the app folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# whitenoise warns about a STATIC_ROOT not made yet; until it is, the finders serve everything.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)

LOGIN_URL = "/signin/"
# Database sessions, their per-request read compiled once (softspot.web.sessions; issue 9).
SESSION_ENGINE = "softspot.web.sessions"

# The records API answers a failed CSRF check in JSON like its other refusals (w1-store).
CSRF_FAILURE_VIEW = "softspot.store.api.csrf_failure"

# Logging (w1-store): request errors (a 500 or 503, with the traceback) and softspot's warnings go to
# stderr and to <data dir>/softspot.log (skipped quietly when the folder cannot be written).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "level": "ERROR"},
        "file": {
            "class": "softspot.logs.DataFolderFileHandler",
            "formatter": "plain",
            "level": "WARNING",
        },
    },
    "loggers": {
        "django.request": {"handlers": ["stderr", "file"], "level": "WARNING", "propagate": False},
        "softspot": {"handlers": ["stderr", "file"], "level": "WARNING", "propagate": False},
    },
}

SECURE = PRODUCTION or LAN
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SOFTSPOT_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SOFTSPOT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = envlist("SOFTSPOT_CSRF_TRUSTED_ORIGINS")
elif LAN:
    # Plain HTTP on the home network: cookies cannot be Secure, but they are
    # HttpOnly, SameSite and short-lived.
    SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# softspot serve --lan --https (w1-serve): the HTTPS port, set by serve once it has bound it. The plain-HTTP
# port then only offers /trust/ (softspot's certificate) and redirects the rest, so cookies are HTTPS-only.
HTTPS_PORT = envint("SOFTSPOT_HTTPS_PORT", 0) or None
if HTTPS_PORT and not PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
elif LAN:
    # Plain HTTP to a home-network address is not a trustworthy origin: Chrome ignores
    # Cross-Origin-Opener-Policy there and logs an error on every page, so it is not sent.
    SECURE_CROSS_ORIGIN_OPENER_POLICY = None

# Content-Security-Policy (django-csp 4): nothing inline, everything from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Test setting: compress session time in the browser player (1 = real time).
SOFTSPOT_TIME_SCALE = float(os.environ.get("SOFTSPOT_TIME_SCALE", "1"))
