"""The public portal's front door: search any entity by name or credit code, caching
headers for anonymous visitors, and the per-client rate limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.tasks.conftest import Scenario

pytestmark = pytest.mark.django_db


def test_search_by_name_fragment_and_by_credit_code(scenario: Scenario) -> None:
    target = scenario.targets[7]
    c = Client()
    fragment = target.name[3:6]
    by_name = c.get(reverse("web:public_search"), {"q": fragment}).content.decode()
    assert 'data-testid="search-results"' in by_name
    by_code = c.get(reverse("web:public_search"), {"q": target.credit_code}).content.decode()
    assert target.name in by_code
    assert reverse("web:public_entity", args=[target.credit_code]) in by_code
    # The legal representative (a person) is not on the public search page.
    assert target.legal_rep not in by_code
    page = c.get(reverse("web:public_entity", args=[target.credit_code.lower()]))
    assert page.status_code == 200 and target.name in page.content.decode()


def test_search_pages_through_results(scenario: Scenario) -> None:
    c = Client()
    first = c.get(reverse("web:public_search"), {"q": "新县"})
    assert first.status_code == 200
    body = first.content.decode()
    assert 'rel="next"' in body  # 120 entities of 新县: more than one page of 20
    after = body.split("after=")[1].split('"')[0]
    second = c.get(reverse("web:public_search"), {"q": "新县", "after": after})
    assert second.status_code == 200


def test_anonymous_public_pages_are_cacheable_staff_pages_are_not(scenario: Scenario) -> None:
    anon = Client().get(reverse("web:public_home"))
    assert "public" in anon["Cache-Control"] and "max-age=60" in anon["Cache-Control"]
    assert "Cookie" in anon["Vary"]
    assert anon.has_header("ETag")
    # No per-visitor token in a public page: another visitor's browser revalidates it.
    again = Client().get(reverse("web:public_home"), HTTP_IF_NONE_MATCH=anon["ETag"])
    assert again.status_code == 304
    staff = Client()
    assert staff.login(username=scenario.admin.username, password=PASSWORD)
    logged_in = staff.get(reverse("web:public_home"))
    assert "private" in logged_in["Cache-Control"]


def test_public_rate_limit_per_client(scenario: Scenario, settings) -> None:
    settings.SHUANGSUIJI_PUBLIC_RATE = "5/m"
    cache.clear()
    c = Client(REMOTE_ADDR="203.0.113.9")
    codes = [c.get(reverse("web:public_search"), {"q": "新县"}).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    limited = c.get(reverse("web:public_home"))
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    # Another client is not affected, nor are staff pages.
    assert Client(REMOTE_ADDR="198.51.100.4").get(reverse("web:public_home")).status_code == 200
    assert c.get(reverse("web:login")).status_code == 200
    cache.clear()


def test_language_switch_is_a_cookie_and_only_goes_back_to_this_site(db: None) -> None:
    c = Client()
    r = c.get(reverse("web:switch_language"), {"language": "en", "next": "/public/"})
    assert r.status_code == 302 and r["Location"] == "/public/"
    assert c.cookies["django_language"].value == "en"
    assert "Public portal" in c.get("/public/").content.decode()
    evil = c.get(
        reverse("web:switch_language"), {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert evil["Location"] == "/"
    assert (
        c.get(reverse("web:switch_language"), {"language": "xx"}).cookies.get("django_language")
        is None
    )
