"""Production settings: HTTPS behind a reverse proxy, secrets only from the environment.

``SHUANGSUIJI_SECRET_KEY`` and ``DATABASE_URL`` must be set; passes ``manage.py check --deploy``.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("SHUANGSUIJI_SECRET_KEY"):
    raise ImproperlyConfigured(
        "生产环境必须设置 SHUANGSUIJI_SECRET_KEY (SHUANGSUIJI_SECRET_KEY must be set)"
    )

from .base import *  # noqa: F403

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SHUANGSUIJI_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SHUANGSUIJI_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
