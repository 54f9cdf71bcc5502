"""Lists: limit and offset (capped), keyset pages of the register, filters; the rate limit;
the OpenAPI document and its page, with nothing loaded from another host."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.plans import services as plan_services
from tests.api.conftest import ApiClient, api_as
from tests.conftest import County
from tests.tasks.conftest import Scenario

pytestmark = pytest.mark.django_db


def _items(county: County, n: int) -> None:
    for k in range(n):
        InspectionItem.objects.create(
            department=county.health,
            code=f"WJ-{100 + k:03d}",
            name=f"医疗机构依法执业检查{k}",
            legal_basis="《医疗机构管理条例》",
            inspecting_body=county.health.name,
            method="实地核查",
            is_key=k % 3 == 0,
            active=k % 5 != 0,
            is_published=k % 2 == 0,
        )


def test_limit_and_offset_walk_the_whole_list_once(county: County) -> None:
    _items(county, 23)
    api = api_as(county.users["dept_admin"])
    seen: list[int] = []
    offset = 0
    while True:
        page = api.get("/items", {"limit": 10, "offset": offset}).json()
        assert page["count"] == 24 and page["limit"] == 10 and page["offset"] == offset
        seen += [row["id"] for row in page["items"]]
        offset += 10
        if offset >= page["count"]:
            break
    assert len(seen) == len(set(seen)) == 24
    assert api.get("/items", {"limit": 201}).status_code == 422
    assert api.get("/items", {"offset": 1_000_001}).status_code == 422
    assert api.get("/items", {"offset": 500}).json()["items"] == []


def test_item_filters(county: County) -> None:
    _items(county, 15)
    api = api_as(county.users["dept_admin"])

    def ids(**params: Any) -> set[str]:
        return {r["code"] for r in api.get("/items", params).json()["items"]}

    assert ids(department=county.health.pk) == {"WJ-001"} | {f"WJ-{100 + k}" for k in range(15)}
    assert ids(is_key="true") == {f"WJ-{100 + k}" for k in range(15) if k % 3 == 0}
    assert ids(active="false") == {f"WJ-{100 + k}" for k in range(15) if k % 5 == 0}
    assert ids(q="执业检查1") == {"WJ-101", "WJ-110", "WJ-111", "WJ-112", "WJ-113", "WJ-114"}
    # The public sees the published items only, whoever's they are.
    public = {r["code"] for r in ApiClient().get("/items", {"limit": 200}).json()["items"]}
    assert public == {f"WJ-{100 + k}" for k in range(15) if k % 2 == 0}


def test_plan_and_task_filters(scenario: Scenario) -> None:
    county, admin = scenario.county, scenario.admin
    plan_services.plan_create(
        department=county.health,
        actor=admin,
        year=2027,
        items=[county.items["health"]],
        name="2027年度医疗卫生抽查计划",
        target_scope="全县医疗机构",
        ratios={"A": "5%"},
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 10, 31),
        inspecting_body=county.health.name,
    )
    api = api_as(admin)

    def names(**params: Any) -> list[str]:
        return [p["name"] for p in api.get("/plans", params).json()["items"]]

    assert names(year=2027) == ["2027年度医疗卫生抽查计划"]
    assert names(status="approved") == [scenario.plan.name]
    assert names(q="医疗卫生", department=county.health.pk) == ["2027年度医疗卫生抽查计划"]
    assert names(department=county.env.pk) == []
    assert api.get("/plans", {"status": "archived"}).status_code == 422
    # Without a token: the approved plan only.
    public = ApiClient().get("/plans").json()["items"]
    assert [p["name"] for p in public] == [scenario.plan.name]


def test_the_register_in_keyset_pages(scenario: Scenario) -> None:
    api = api_as(scenario.admin)
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 25, **({"after": after} if after else {})}
        page = api.get("/targets", params).json()
        seen += [t["id"] for t in page["items"]]
        pages += 1
        after = page["next_cursor"]
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 120 and pages == 5
    assert seen == sorted(seen)
    first = scenario.targets[0]
    found = api.get("/targets", {"q": first.credit_code}).json()["items"]
    assert [t["credit_code"] for t in found] == [first.credit_code]
    assert found[0]["risk_class"] == first.risk_class
    by_kind = api.get("/targets", {"kind": "个体工商户", "limit": 200}).json()["items"]
    assert by_kind and {t["kind"] for t in by_kind} == {"个体工商户"}
    in_library = api.get("/targets", {"library": scenario.county.health.pk, "limit": 5})
    assert in_library.status_code == 200
    # The public: a name or code is needed, and internal facts are left out.
    public = ApiClient()
    assert public.get("/targets").json() == {"items": [], "next_cursor": None}
    shown = public.get("/targets", {"q": first.credit_code}).json()["items"][0]
    assert shown["name"] == first.name
    assert shown["risk_class"] is None and shown["legal_rep"] is None and shown["phone"] is None
    assert public.get("/targets", {"library": scenario.county.health.pk}).status_code == 404


def test_api_is_rate_limited_per_client(county: County, settings: Any) -> None:
    settings.SHUANGSUIJI_PUBLIC_RATE = "4/m"
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.77")
    codes = [client.get("/api/items").status_code for _ in range(6)]
    assert codes == [200] * 4 + [429] * 2
    assert Client(REMOTE_ADDR="198.51.100.7").get("/api/items").status_code == 200
    cache.clear()


def test_the_openapi_document_and_its_page_are_served_from_here(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] == "Shuangsuiji API"
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert schema["paths"]["/api/items"]["get"]["security"] == [{"BearerToken": []}, {}]
    assert schema["paths"]["/api/inspectors"]["get"]["security"] == [{"BearerToken": []}]
    page = Client().get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    external = re.findall(r"""(?:src|href)=["']((?:https?:)?//[^"']+)""", html)
    assert external == [], external
    assert '"validatorUrl": null' in html
    for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html):
        assert Client().get(asset).status_code == 200, asset
