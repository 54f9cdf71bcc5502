"""Per-client rate limiting of the public portal and the API (django-ratelimit's counter).

A county's server is small; one scraper must not starve the citizens and the staff.  Only
anonymous-facing paths are limited (``/public/``, ``/api/``); staff pages are behind a login.
The counter lives in the default cache: in-process memory for the embedded server (one
waitress process, so every thread shares it), Redis when ``SHUANGSUIJI_REDIS_URL`` is set
(needed as soon as several server processes run, e.g. gunicorn workers).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

LIMITED_PREFIXES = ("/public/", "/api/")


class PublicRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rate = settings.SHUANGSUIJI_PUBLIC_RATE
        if (
            rate
            and request.path.startswith(LIMITED_PREFIXES)
            and is_ratelimited(request, group="public", key=_client_key, rate=rate, increment=True)
        ):
            response = render(request, "web/too_many.html", status=429)
            response["Retry-After"] = "60"
            return response
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the proxy's header when one is configured, else the socket's."""
    header = settings.SHUANGSUIJI_CLIENT_IP_HEADER
    # A request that did not come through the proxy (a health check on the host itself)
    # has no such header: count it by its socket address rather than fail.
    return str((header and request.META.get(header)) or request.META.get("REMOTE_ADDR", ""))


def _client_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)
