"""Errors: one JSON shape with a stable code, the message in the caller's language, a 4xx
for every bad input and never a 500."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from shuangsuiji.api.api import api
from shuangsuiji.tasks import services as task_services
from tests.api.conftest import ApiClient, api_as
from tests.conftest import County
from tests.results.conftest import Dispatched
from tests.tasks.conftest import Scenario

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "field", "errors", "problems"}


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:400]
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code
    return body  # type: ignore[no-any-return]


def test_messages_are_chinese_by_default_and_english_on_request(county: County) -> None:
    missing = "/items/999999"
    zh = _error(api_as(county.users["dept_admin"]).get(missing), 404, "not_found")
    en = _error(api_as(county.users["dept_admin"], "en").get(missing), 404, "not_found")
    assert re.search(r"[\u4e00-\u9fff]", zh["message"])
    assert en["message"] == "No such record, or it is outside your data scope."
    # Accept-Language with weights, regions and unknown languages.
    client = api_as(county.users["dept_admin"])
    for header, english in (
        ("en-US,en;q=0.9", True),
        ("fr-FR, en;q=0.5", True),
        ("zh-CN,zh;q=0.9,en;q=0.8", False),
        ("de, fr", False),
        ("*", False),
    ):
        body = client.get(missing, **{"accept-language": header}).json()
        assert (body["message"] == en["message"]) is english, header


def test_field_errors_name_the_field_in_the_callers_language(county: County) -> None:
    admin = api_as(county.users["dept_admin"])
    body = _error(admin.post("/plans", {"department": county.health.pk}), 422, "validation_error")
    fields = {e["field"] for e in body["errors"]}
    assert {"body.year", "body.name", "body.items", "body.period_start"} <= fields
    assert all(e["type"] == "missing" for e in body["errors"])
    assert all(re.search(r"[\u4e00-\u9fff]", e["message"]) for e in body["errors"])
    english = api_as(county.users["dept_admin"], "en")
    body = _error(english.get("/items", {"limit": 500}), 422, "validation_error")
    assert body["errors"] == [
        {
            "field": "query.limit",
            "type": "less_than_equal",
            "message": "Ensure this value is less than or equal to 200.",
        }
    ]


def test_a_body_that_is_not_json_is_a_400(county: County) -> None:
    admin = api_as(county.users["dept_admin"])
    response = admin.client.post(
        "/api/plans", data="{not json", content_type="application/json", headers=admin.headers
    )
    _error(response, 400, "bad_request")


def test_domain_rules_give_their_own_codes(scenario: Scenario) -> None:
    admin = api_as(scenario.admin)
    task = task_services.task_create(
        department=scenario.county.health,
        actor=scenario.admin,
        plan=scenario.plan,
        name="公共场所卫生专项抽查",
        items=[scenario.county.items["health"]],
        quotas={"A": "1", "B": "1", "C": "1", "D": "1"},
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 20),
    )
    _error(admin.post(f"/tasks/{task.pk}/draw", {"entropy": ["掷骰 1 2 3"]}), 400,
           "task.wrong_state")  # fmt: skip
    admin.post(f"/tasks/{task.pk}/freeze")
    _error(admin.post(f"/tasks/{task.pk}/draw", {"entropy": ["  "]}), 400, "invalid")
    admin.post(f"/tasks/{task.pk}/draw", {"entropy": ["掷骰 1 2 3"]})
    _error(admin.post(f"/tasks/{task.pk}/draw", {"entropy": ["掷骰 4 5 6"]}), 400,
           "task.draw_already_made")  # fmt: skip
    # An approved plan is locked; a plan name is used once per department and year.
    body = {
        "department": scenario.county.health.pk,
        "year": 2026,
        "name": scenario.plan.name,
        "items": [scenario.county.items["health"].pk],
        "target_scope": "全县",
        "ratios": {"A": "5%"},
        "period_start": "2026-03-01",
        "period_end": "2026-12-20",
        "inspecting_body": "新县卫生健康委员会",
    }
    _error(admin.post("/plans", body), 409, "conflict")
    assert admin.post("/plans", {**body, "ratios": {"A": "many"}}).json()["field"] is None
    unknown = _error(admin.post("/plans", {**body, "name": "新计划", "items": [999999]}), 400,
                     "invalid")  # fmt: skip
    assert unknown["field"] == "items"


def test_an_infeasible_matching_names_the_targets(dispatched: Dispatched) -> None:
    s = dispatched.scenario
    task = task_services.task_create(
        department=s.county.health,
        actor=s.admin,
        plan=s.plan,
        name="需危化品专长的专项抽查",
        items=[s.county.items["health"]],
        quotas={"A": "1", "B": "1", "C": "1", "D": "1"},
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 20),
        required_expertise=["危险化学品"],
    )
    task_services.task_freeze(task=task, actor=s.admin)
    task_services.task_draw(task=task, actor=s.admin, entropy=["掷骰 6 6 6"])
    body = _error(api_as(s.admin, "en").post(f"/tasks/{task.pk}/match"), 400,
                  "task.matching_infeasible")  # fmt: skip
    assert body["problems"] and all(p["code"] and p["message"] for p in body["problems"])
    task.refresh_from_db()
    assert task.status == "drawn"  # nothing written


def test_an_unexpected_failure_is_still_json_and_logged(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shuangsuiji.api.routers import directory

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug, not bad input")

    monkeypatch.setattr(directory, "item_json", broken)
    response = api_as(county.users["sysadmin"], "en").get("/items")
    _error(response, 500, "server_error")
    assert "bug" not in response.json()["message"]


# --- bad input everywhere -----------------------------------------------------------------

BAD_IDS = ["0", "-1", "99999999999999999999999", "abc", "1.5", "%00", "9007199254740992"]
BAD_QUERY: list[dict[str, str]] = [
    {"limit": "0"},
    {"limit": "1000000000000000000000"},
    {"offset": "-1"},
    {"offset": "99999999999999999999"},
    {"q": "\x00"},
    {"q": "x" * 500},
    {"q": "'; DROP TABLE directory_target; --"},
    {"year": "1"},
    {"year": "二〇二六"},
    {"department": "-5"},
    {"status": "nonsense"},
    {"after": "\x00~\x00"},
    {"after": "ZZZZZZ~99999999999999999999999"},
    {"date": "2026-02-30"},
    {"credit_code": "\x00"},
    {"format": "pdf"},
    {"published_from": "9999-99-99"},
]
BAD_BODIES: list[Any] = [
    None,
    [],
    "text",
    12,
    {"name": "\x00"},
    {"name": {"nested": ["deep"]}},
    {"department": 10**30, "year": -1, "items": ["x"]},
    {"entropy": []},
    {"entropy": ["a" * 1000]},
    {"entropy": ["ok", "\x00"]},
    {"reason": ""},
    {"note": "x" * 10000},
    {"inspection_date": "2026-13-01", "present": [{"inspector": "x"}]},
    {"ratios": {"E": "5%"}, "quotas": {"A": "\x00"}},
]


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [(m.upper(), p) for p, ops in schema["paths"].items() for m in ops]


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize("method,path", _operations())
def test_bad_input_is_a_4xx_never_a_500(method: str, path: str, county: County) -> None:
    client = api_as(county.users["sysadmin"])
    anonymous = ApiClient()
    url = path.removeprefix("/api")
    for bad_id in BAD_IDS if "{" in path else ["1"]:
        target = _fill(url, bad_id)
        for query in BAD_QUERY:
            for c in (client, anonymous):
                if method == "GET":
                    response = c.get(target, query)
                else:
                    response = c.client.generic(
                        method, "/api" + target + "?" + "&".join(f"{k}=1" for k in query),
                        data="{}", content_type="application/json", headers=c.headers,
                    )  # fmt: skip
                assert response.status_code < 500, (method, target, query)
        if method != "GET":
            for body in BAD_BODIES:
                response = client.send(method, target, body)
                assert 400 <= response.status_code < 500, (method, target, body)
                assert set(response.json()) == ERROR_KEYS


def test_what_schemathesis_found_stays_fixed(county: County) -> None:
    admin = api_as(county.users["lead_admin"])
    # A multipart body without its boundary could not be read: 400, not a server error.
    broken = admin.client.post(
        "/api/exchange/entities",
        data=b"--x\r\n",
        content_type="multipart/form-data",
        headers=admin.headers,
    )
    _error(broken, 400, "bad_request")
    # In a JSON body a flag is a JSON boolean and a number a JSON number, as documented.
    item = f"/items/{county.items['lead'].pk}"
    for body in ({"active": 0}, {"is_key": "true"}, {"name": ["x"]}):
        _error(admin.patch(item, body), 422, "validation_error")
    _error(admin.patch(item, [None, None]), 400, "bad_request")
    plan = {"department": float(county.lead.pk), "year": "2027"}
    fields = {e["field"] for e in admin.post("/plans", plan).json()["errors"]}
    assert {"body.department", "body.year"} <= fields
    assert county.items["lead"].name == "企业公示信息抽查"
