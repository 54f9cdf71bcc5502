"""Test settings: the database named by DATABASE_URL (SQLite in memory by default)."""

from __future__ import annotations

import os

os.environ.setdefault(
    "SHUANGSUIJI_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789"
)
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}

# Static files are served from the finders in tests; no collectstatic run needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# No rate limit in tests (a worker's requests all come from 127.0.0.1); the rate-limit
# tests set one.
SHUANGSUIJI_PUBLIC_RATE = ""
# The test client's login() authenticates without a request, which django-axes refuses;
# the sign-in tests switch it on.
AXES_ENABLED = False
