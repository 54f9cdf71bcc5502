"""Settings read from the environment.

The embedded default needs nothing installed: an SQLite file under ``var/`` and a secret key
generated once into ``var/secret_key``.  Production sets ``DATABASE_URL`` (PostgreSQL) and
``SHUANGSUIJI_SECRET_KEY`` and uses :mod:`shuangsuiji.settings.production`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

# var/ holds everything the running platform writes (database, uploads, static, secret).
VAR_DIR = Path(os.environ.get("SHUANGSUIJI_VAR_DIR", Path.cwd() / "var")).resolve()
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("SHUANGSUIJI_SECRET_KEY")
    if key:
        return key
    # A key generated per installation is better than a constant in the source tree.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("SHUANGSUIJI_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SHUANGSUIJI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in os.environ.get("SHUANGSUIJI_CSRF_TRUSTED_ORIGINS", "").split(",")
    if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "shuangsuiji.organizations",
    "shuangsuiji.audit",
    "shuangsuiji.directory",
    "shuangsuiji.plans",
    "shuangsuiji.workdays",
    "shuangsuiji.tasks",
    "shuangsuiji.results",
    "shuangsuiji.credit",
    "shuangsuiji.web",
    "ninja",
    "shuangsuiji.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: scripts and styles from this site only, no inline script.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page; a browser revisiting an unchanged public page gets a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shuangsuiji.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: the "too many requests" page is a normal page of the site.
    "shuangsuiji.web.ratelimit.PublicRateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the "too many failed sign-ins" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shuangsuiji.urls"
WSGI_APPLICATION = "shuangsuiji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuangsuiji.web.context.navigation",
            ],
        },
    },
]

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'shuangsuiji.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE),
        conn_max_age=60,
        # A kept connection is checked before a request uses it, so a restarted database
        # server costs no failed request (docs/operations.md, tests/ops/test_faults.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while a department writes; busy timeout instead of
    # "database is locked" errors under light concurrency.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "shuangsuiji.organizations.passwords.CharacterClassesValidator"},
]

# Sign-in: django-axes locks a user name from an address after repeated failures; the
# backend must come first so it sees every attempt.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SHUANGSUIJI_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = 0.25  # hours: a locked user name can try again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shuangsuiji.web.views_account.locked_out"
# The same client address as the rate limiter: X-Real-IP behind nginx when configured.
AXES_CLIENT_IP_CALLABLE = "shuangsuiji.web.ratelimit.client_ip"
AXES_VERBOSE = False
# Two-factor sign-in required for system administrators ("1") or optional (default).
SHUANGSUIJI_ADMIN_OTP = os.environ.get("SHUANGSUIJI_ADMIN_OTP", "") == "1"
OTP_TOTP_ISSUER = "双随机 Shuangsuiji"

# Simplified Chinese is the default; English is complete.  Message ids are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# Evidence (photos, PDFs) lives outside the web root and is served only by views that ask
# the data-scope policy; nothing maps a URL onto this directory.
SHUANGSUIJI_PRIVATE_DIR = Path(
    os.environ.get("SHUANGSUIJI_PRIVATE_DIR", VAR_DIR / "private")
).resolve()
SHUANGSUIJI_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("SHUANGSUIJI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
)
# A whole request may carry a few attachments; anything bigger is refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Sessions end after 30 minutes without a request (SAVE_EVERY_REQUEST slides the expiry)
# and when the browser closes: a shared office PC left unattended does not stay signed in.
SESSION_COOKIE_AGE = int(os.environ.get("SHUANGSUIJI_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# E-mail for reminders: Django's SMTP settings from the environment.  Without a host,
# reminders are in-app only (nothing is sent, nothing fails).
EMAIL_HOST = os.environ.get("SHUANGSUIJI_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("SHUANGSUIJI_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("SHUANGSUIJI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SHUANGSUIJI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("SHUANGSUIJI_EMAIL_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("SHUANGSUIJI_EMAIL_FROM", "shuangsuiji@localhost")

# The cache: Redis when configured (shared by every server process), else this process's
# memory, which is enough for the embedded single-process server.
REDIS_URL = os.environ.get("SHUANGSUIJI_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Requests per client address per minute on the public portal and the API ("" = no limit).
SHUANGSUIJI_PUBLIC_RATE = os.environ.get("SHUANGSUIJI_PUBLIC_RATE", "600/m")
# Behind nginx the client address is in X-Real-IP (see operations.md); direct, REMOTE_ADDR.
SHUANGSUIJI_CLIENT_IP_HEADER = os.environ.get("SHUANGSUIJI_CLIENT_IP_HEADER", "")

# The deployment's region (GB/T 2260); the demo county is 河南省信阳市新县.
SHUANGSUIJI_REGION_CODE = os.environ.get("SHUANGSUIJI_REGION_CODE", "411523")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHUANGSUIJI_LOG_LEVEL", "WARNING")},
}
