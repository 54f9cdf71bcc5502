"""The data scope holds for search, and the target list page: labelled filters, "next"
links carrying the cursor and the filters, no total count."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from shuangsuiji.directory.models import TargetLibrary
from shuangsuiji.directory.search import TargetFilters, target_search
from shuangsuiji.organizations.models import User
from tests.conftest import PASSWORD

from .conftest import Directory

pytestmark = pytest.mark.django_db

STAFF = ["supervisor", "lead_admin", "dept_admin", "inspector", "sysadmin"]


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_searches_the_whole_county_register(
    directory: Directory, role: str
) -> None:
    # Market entities are county-wide reference data: every staff role reads all of them.
    page = target_search(
        user=directory.county.users[role], filters=TargetFilters(q="鑫源"), limit=200
    )
    assert {t.pk for t in page.items} == directory.ids("xinyuan_trade", "xinyuan_tea", "li_xinyuan")


def test_the_public_and_people_without_a_role_find_nothing(directory: Directory) -> None:
    nobody = User.objects.create_user(username="zhaoliu", password=PASSWORD, display_name="赵六")
    inactive = directory.county.users["supervisor"]
    inactive.is_active = False
    inactive.save()
    inactive = User.objects.get(pk=inactive.pk)
    for user in (AnonymousUser(), nobody, inactive):
        for filters in (TargetFilters(), TargetFilters(q="鑫源"), TargetFilters(q="91411523")):
            page = target_search(user=user, filters=filters)
            assert page.items == [] and not page.has_more


def login(county_users: dict[str, User], role: str) -> Client:
    c = Client()
    assert c.login(username=county_users[role].username, password=PASSWORD)
    return c


def rows_of(html: str) -> list[str]:
    body = html.split('data-testid="target-results"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>([^<]+)</td>", body)


def test_the_page_has_labelled_filters(directory: Directory) -> None:
    html = login(directory.county.users, "lead_admin").get(reverse("web:target_list")).content
    text = html.decode()
    for name in ("q", "township", "kind", "risk", "status", "library"):
        assert f'<label for="id_{name}">' in text
        assert f'name="{name}"' in text
    assert "新集镇" in text  # township choices
    assert "Page 1 of" not in text and "第 1 页" not in text


def test_the_page_walks_pages_by_cursor_keeping_the_filters(directory: Directory) -> None:
    d = directory
    for i in range(120):
        d.add(f"新县鑫源第{i + 1}分店", kind="个体工商户", township="balifan")
    c = login(d.county.users, "supervisor")
    url = reverse("web:target_list")
    params = {"q": "鑫源", "kind": "个体工商户", "township": str(d.townships["balifan"].pk)}
    names: list[str] = []
    response = c.get(url, params)
    for _ in range(10):
        assert response.status_code == 200
        text = response.content.decode()
        names += rows_of(text)
        m = re.search(r'<a href="\?([^"]+)" rel="next"', text)
        if not m:
            break
        assert "More results follow." in text or "更多" in text
        query = unescape(m.group(1))
        assert "after=" in query and "kind=" in query and "township=" in query and "q=" in query
        response = c.get(f"{url}?{query}")
    assert len(names) == 120 and len(set(names)) == 120
    assert all("鑫源第" in n for n in names)


def test_a_library_of_another_department_is_not_offered(directory: Directory) -> None:
    d = directory
    own = TargetLibrary.objects.create(department=d.county.health, kinds=["农民专业合作社"])
    other = TargetLibrary.objects.create(department=d.county.env, kinds=["企业"])
    c = login(d.county.users, "dept_admin")
    response = c.get(reverse("web:target_list"), {"library": own.pk})
    assert rows_of(response.content.decode()) == ["新县八里畈镇源鑫茶叶种植专业合作社"]
    response = c.get(reverse("web:target_list"), {"library": other.pk})
    text = response.content.decode()
    assert 'role="alert"' in text
    assert rows_of(text) == []


def test_a_bad_filter_value_is_an_error_not_a_crash(directory: Directory) -> None:
    c = login(directory.county.users, "supervisor")
    response = c.get(reverse("web:target_list"), {"risk": "Z", "township": "abc"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_page_needs_a_staff_role(directory: Directory) -> None:
    assert Client().get(reverse("web:target_list")).status_code == 302
    User.objects.create_user(username="zhaoliu", password=PASSWORD, display_name="赵六")
    c = Client()
    assert c.login(username="zhaoliu", password=PASSWORD)
    assert c.get(reverse("web:target_list")).status_code == 403
