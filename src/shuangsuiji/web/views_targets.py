"""The target directory pages (检查对象名录库)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shuangsuiji.directory import selectors
from shuangsuiji.organizations import policy


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    if not policy.user_roles(request.user):
        return render(request, "web/forbidden.html", status=403)
    q = request.GET.get("q", "").strip()
    qs = selectors.target_list(user=request.user).select_related("township")
    if q:
        # A full credit code is an exact, indexed lookup; anything else matches names.
        qs = qs.filter(credit_code=q.upper()) if len(q) == 18 else qs.filter(name__contains=q)
    qs = qs.order_by("id")
    return render(
        request,
        "web/target_list.html",
        {"page": Paginator(qs, 50).get_page(request.GET.get("page")), "q": q},
    )
