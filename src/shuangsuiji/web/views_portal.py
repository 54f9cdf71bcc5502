"""The public portal's front door (一公开, R13): search any registered entity by name or
credit code, and the latest announcements and results.  No login.

Public pages are cacheable for a minute by browsers and shared caches when nobody is
logged in (:func:`public_cache`); logged-in staff always get a fresh page, since the header
shows who they are.  Requests are rate-limited per client address (``ratelimit`` in
settings) so one scraper cannot starve a county's small server.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from shuangsuiji.directory.search import TargetFilters, public_target_search
from shuangsuiji.organizations.models import Department
from shuangsuiji.results.models import Publication

PUBLIC_MAX_AGE = 60

View = Callable[..., HttpResponse]


def public_cache(view: View) -> View:
    """Cache-Control for public pages: shared caches may keep an anonymous page a minute."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        # The language comes from a cookie; the page differs by it.
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapped


@public_cache
def public_home(request: HttpRequest) -> HttpResponse:
    from shuangsuiji.tasks.models import Task

    from .views_tasks import public_tasks

    departments = Department.objects.annotate(
        published_items=Count("items", filter=Q(items__is_published=True))
    ).order_by("sort_order", "code")
    tasks: list[Task] = list(public_tasks().order_by("-pk")[:8])
    return render(
        request,
        "web/public_home.html",
        {
            "departments": departments,
            "tasks": tasks,
            "results": Publication.objects.order_by("-published_on", "-pk")[:8],
        },
    )


@public_cache
def public_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:60]
    page = None
    if q:
        page = public_target_search(
            filters=TargetFilters(q=q), after=request.GET.get("after") or None, limit=20
        )
    return render(request, "web/public_search.html", {"q": q, "page": page})


def switch_language(request: HttpRequest) -> HttpResponse:
    """The language switch as a plain GET form: it only sets a preference cookie, and
    without a CSRF token in every page's header, public pages are identical for every
    visitor and can be cached and answered with 304."""
    from django.conf import settings
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    language = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
