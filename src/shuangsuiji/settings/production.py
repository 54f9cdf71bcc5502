"""Production settings: HTTPS behind a reverse proxy, secrets only from the environment.

``SHUANGSUIJI_SECRET_KEY`` and ``DATABASE_URL`` must be set; passes ``manage.py check --deploy``.
The deployment (gunicorn, nginx, systemd, Docker) is in ``deploy/`` and docs/operations.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("SHUANGSUIJI_SECRET_KEY"):
    raise ImproperlyConfigured(
        "生产环境必须设置 SHUANGSUIJI_SECRET_KEY (SHUANGSUIJI_SECRET_KEY must be set)"
    )

from .base import *  # noqa: F403
from .base import STATIC_ROOT

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SHUANGSUIJI_SSL_REDIRECT", "1") == "1"
# Monitoring asks the application itself over plain HTTP (curl http://127.0.0.1:8000/healthz,
# the container's health check): no redirect to HTTPS for that one path.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SHUANGSUIJI_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Static files outside the data directory when wanted (the Docker image collects them into
# the image, so that an upgrade never serves the old ones from a volume); nginx serves them.
STATIC_ROOT = Path(os.environ.get("SHUANGSUIJI_STATIC_ROOT") or STATIC_ROOT)

# Logs go to stderr, one line each: systemd's journal (journalctl -u shuangsuiji) or
# `docker logs` adds the time.  Server errors (500) are logged with their traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHUANGSUIJI_LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "shuangsuiji": {"level": os.environ.get("SHUANGSUIJI_LOG_LEVEL", "INFO")},
    },
}
