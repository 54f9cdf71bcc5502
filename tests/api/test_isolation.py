"""A token of one department can neither read nor change another department's data,
through any endpoint.

The endpoints are read from the OpenAPI document, and every one must have a case here:
a new endpoint fails this test until someone has said how it keeps to the data scope.
Department B is 卫健委 with a dispatched task, results, a follow-up and drafts; the callers
are an administrator and an inspector of 生态环境局 and the administrator of 市场监管局
(whose scope is its own tree).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from shuangsuiji.api.api import api
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import Inspector
from shuangsuiji.organizations.models import Role, RoleAssignment, User
from shuangsuiji.plans import services as plan_services
from shuangsuiji.plans.models import AnnualPlan
from shuangsuiji.results import services as result_services
from shuangsuiji.results.models import FollowUp, Publication, Result
from shuangsuiji.tasks import services as task_services
from shuangsuiji.tasks.models import Task
from tests.api.conftest import ApiClient, api_as
from tests.conftest import PASSWORD
from tests.results.conftest import Dispatched

pytestmark = pytest.mark.django_db

SECRET_FINDINGS = "内部记录：卫健委现场笔录（不公开）"
DRAFT_PLAN = "卫健委内部计划草案"
DRAFT_TASK = "卫健委内部任务草案"
MARKERS = (SECRET_FINDINGS, DRAFT_PLAN, DRAFT_TASK)


@dataclass
class World:
    """Department B's records (卫健委)."""

    d: Dispatched
    draft_plan: AnnualPlan
    draft_task: Task
    submitted: Result
    published: Result
    publication: Publication
    follow_up: FollowUp

    @property
    def county(self) -> Any:
        return self.d.scenario.county


def _result(d: Dispatched, n: int, findings: str) -> Result:
    target = d.drawn[n]
    return result_services.result_save(
        actor=d.member_user(target),
        task=d.task,
        target=target,
        data=d.data(target, findings=findings),
        submit=True,
    )


@pytest.fixture
def world(dispatched: Dispatched) -> World:
    d = dispatched
    county = d.scenario.county
    admin = d.admin
    draft_plan = plan_services.plan_create(
        department=county.health,
        actor=admin,
        year=2027,
        items=[county.items["health"]],
        name=DRAFT_PLAN,
        target_scope="全县医疗机构",
        ratios={"A": "5%"},
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 6, 30),
        inspecting_body="新县卫生健康委员会",
    )
    draft_task = task_services.task_create(
        department=county.health,
        actor=admin,
        plan=d.scenario.plan,
        name=DRAFT_TASK,
        items=[county.items["health"]],
        quotas={"A": "1", "B": "1", "C": "1", "D": "1"},
        period_start=dt.date(2026, 12, 1),
        period_end=dt.date(2026, 12, 20),
    )
    submitted = _result(d, 0, SECRET_FINDINGS)
    published = _result(d, 1, "未发现问题。")
    result_services.result_publish(actor=admin, result=published)
    follow_up = result_services.followup_create(
        actor=admin,
        result=submitted,
        action="correct",
        description="责令整改",
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    publication = Publication.objects.get(
        task_number=d.task.number, credit_code=d.drawn[1].credit_code
    )
    return World(d, draft_plan, draft_task, submitted, published, publication, follow_up)


def _env_user(county: Any, role: str) -> User:
    user = User.objects.create_user(
        username=f"hb_{role}", password=PASSWORD, display_name="周环保", department=county.env
    )
    RoleAssignment.objects.create(user=user, role=role, department=county.env)
    return user


# --- the cases --------------------------------------------------------------------------------


@dataclass
class Probe:
    """One request by department A.

    ``denied``: must be 403 or 404 and write nothing.  ``hidden``: a list that must not
    name any of ``ids``.  ``public``: B's record that the public portal shows anyway, or
    county-wide reference data; it must still show none of B's private text.
    ``register``: the county-wide register, which only the lead department keeps.
    """

    method: str
    path: str
    expect: str  # denied | hidden | public
    body: Any = None
    params: dict[str, Any] | None = None
    ids: frozenset[int] = frozenset()


def _result_body(w: World) -> dict[str, Any]:
    item = w.county.items["health"]
    inspector = Inspector.objects.filter(department=w.county.env).first()
    return {
        "inspection_date": "2026-11-20",
        "result_date": "2026-11-21",
        "category": "R01",
        "present": [{"inspector": inspector.pk if inspector else 1}],
        "outcomes": [{"item": item.pk, "outcome": "ok"}],
    }


def _task_body(w: World) -> dict[str, Any]:
    return {
        "department": w.county.health.pk,
        "name": "越权任务",
        "items": [w.county.items["health"].pk],
        "quotas": {"A": "1"},
        "period_start": "2026-12-01",
        "period_end": "2026-12-20",
        "adhoc_reason": "测试",
    }


def _plan_body(w: World) -> dict[str, Any]:
    return {
        "department": w.county.health.pk,
        "year": 2027,
        "name": "越权计划",
        "items": [w.county.items["health"].pk],
        "target_scope": "全县",
        "ratios": {"A": "5%"},
        "period_start": "2027-03-01",
        "period_end": "2027-06-30",
        "inspecting_body": "新县卫生健康委员会",
    }


def _ids(*objs: Any) -> frozenset[int]:
    return frozenset(o.pk for o in objs)


CASES: dict[tuple[str, str], Callable[[World], list[Probe]]] = {
    ("GET", "/api/me"): lambda w: [Probe("GET", "/me", "public")],
    # --- directory
    ("GET", "/api/items"): lambda w: [
        Probe("GET", "/items", "hidden", ids=_ids(w.county.items["health"])),
        Probe(
            "GET",
            "/items",
            "hidden",
            params={"department": w.county.health.pk},
            ids=_ids(w.county.items["health"]),
        ),
    ],
    ("GET", "/api/items/{item_id}"): lambda w: [
        Probe("GET", f"/items/{w.county.items['health'].pk}", "denied")
    ],
    ("PATCH", "/api/items/{item_id}"): lambda w: [
        Probe("PATCH", f"/items/{w.county.items['health'].pk}", "denied", body={"name": "改"})
    ],
    # The market-entity register is county-wide: every department reads all of it.
    ("GET", "/api/targets"): lambda w: [Probe("GET", "/targets", "public")],
    ("GET", "/api/targets/{target_id}"): lambda w: [
        Probe("GET", f"/targets/{w.d.drawn[0].pk}", "public")
    ],
    ("GET", "/api/inspectors"): lambda w: [
        Probe(
            "GET",
            "/inspectors",
            "hidden",
            ids=frozenset(
                Inspector.objects.filter(department=w.county.health).values_list("pk", flat=True)
            ),
        )
    ],
    ("GET", "/api/inspectors/{inspector_id}"): lambda w: [
        Probe("GET", f"/inspectors/{w.county.inspectors['own'].pk}", "denied")
    ],
    # --- plans
    ("GET", "/api/plans"): lambda w: [Probe("GET", "/plans", "hidden", ids=_ids(w.draft_plan))],
    ("POST", "/api/plans"): lambda w: [Probe("POST", "/plans", "denied", body=_plan_body(w))],
    ("GET", "/api/plans/{plan_id}"): lambda w: [
        Probe("GET", f"/plans/{w.draft_plan.pk}", "denied"),
        Probe("GET", f"/plans/{w.d.scenario.plan.pk}", "public"),  # approved: public (R5)
    ],
    ("POST", "/api/plans/{plan_id}/submit"): lambda w: [
        Probe("POST", f"/plans/{w.draft_plan.pk}/submit", "denied")
    ],
    ("POST", "/api/plans/{plan_id}/approve"): lambda w: [
        Probe("POST", f"/plans/{w.draft_plan.pk}/approve", "denied"),
        Probe("POST", f"/plans/{w.d.scenario.plan.pk}/approve", "denied"),
    ],
    # --- tasks
    ("GET", "/api/tasks"): lambda w: [Probe("GET", "/tasks", "hidden", ids=_ids(w.draft_task))],
    ("POST", "/api/tasks"): lambda w: [Probe("POST", "/tasks", "denied", body=_task_body(w))],
    ("GET", "/api/tasks/{task_id}"): lambda w: [
        Probe("GET", f"/tasks/{w.draft_task.pk}", "denied"),
        Probe("GET", f"/tasks/{w.d.task.pk}", "public"),  # announced: public (R13)
    ],
    **{
        ("POST", f"/api/tasks/{{task_id}}/{step}"): (
            lambda w, step=step, body=body: [
                Probe("POST", f"/tasks/{w.draft_task.pk}/{step}", "denied", body=body),
                Probe("POST", f"/tasks/{w.d.task.pk}/{step}", "denied", body=body),
            ]
        )
        for step, body in (
            ("freeze", None),
            ("draw", {"entropy": ["越权"]}),
            ("match", None),
            ("dispatch", None),
        )
    },
    ("GET", "/api/tasks/{task_id}/draws"): lambda w: [
        Probe("GET", f"/tasks/{w.draft_task.pk}/draws", "denied"),
        Probe("GET", f"/tasks/{w.d.task.pk}/draws", "public"),
    ],
    ("GET", "/api/tasks/{task_id}/drawn"): lambda w: [
        Probe("GET", f"/tasks/{w.draft_task.pk}/drawn", "denied"),
        Probe("GET", f"/tasks/{w.d.task.pk}/drawn", "public"),
    ],
    ("GET", "/api/tasks/{task_id}/assignments"): lambda w: [
        Probe("GET", f"/tasks/{w.draft_task.pk}/assignments", "denied"),
        Probe(
            "GET",
            f"/tasks/{w.d.task.pk}/assignments",
            "hidden",
            ids=frozenset(w.d.task.assignments.values_list("pk", flat=True)),
        ),
    ],
    # --- results
    ("GET", "/api/results"): lambda w: [
        Probe("GET", "/results", "hidden", ids=_ids(w.submitted, w.published)),
        Probe(
            "GET",
            "/results",
            "hidden",
            params={"department": w.county.health.pk},
            ids=_ids(w.submitted, w.published),
        ),
    ],
    ("GET", "/api/results/{result_id}"): lambda w: [
        Probe("GET", f"/results/{w.submitted.pk}", "denied"),
        # Even published: the public reads the publication, never the result itself.
        Probe("GET", f"/results/{w.published.pk}", "denied"),
    ],
    ("PUT", "/api/tasks/{task_id}/targets/{target_id}/result"): lambda w: [
        Probe(
            "PUT",
            f"/tasks/{w.d.task.pk}/targets/{w.d.drawn[0].pk}/result",
            "denied",
            body=_result_body(w),
        )
    ],
    **{
        ("POST", f"/api/results/{{result_id}}/{action}"): (
            lambda w, action=action, body=body: [
                Probe("POST", f"/results/{w.submitted.pk}/{action}", "denied", body=body)
            ]
        )
        for action, body in (
            ("submit", None),
            ("publish", None),
            ("return", {"reason": "越权退回"}),
            (
                "follow-ups",
                {"action": "correct", "description": "越权", "due_date": "2027-01-31"},
            ),
        )
    },
    ("GET", "/api/follow-ups"): lambda w: [
        Probe("GET", "/follow-ups", "hidden", ids=_ids(w.follow_up))
    ],
    ("POST", "/api/follow-ups/{followup_id}/close"): lambda w: [
        Probe("POST", f"/follow-ups/{w.follow_up.pk}/close", "denied", body={"note": "越权"})
    ],
    # Publications, the participation answer and the exchange exports are public (一公开).
    ("GET", "/api/publications"): lambda w: [Probe("GET", "/publications", "public")],
    ("GET", "/api/publications/{publication_id}"): lambda w: [
        Probe("GET", f"/publications/{w.publication.pk}", "public")
    ],
    ("GET", "/api/credit/answer"): lambda w: [
        Probe(
            "GET",
            "/credit/answer",
            "public",
            params={"credit_code": w.d.drawn[0].credit_code, "activity": "procurement"},
        )
    ],
    ("GET", "/api/exchange/results"): lambda w: [
        Probe("GET", "/exchange/results", "public", params={"format": "csv"})
    ],
    ("GET", "/api/exchange/draws"): lambda w: [
        Probe("GET", "/exchange/draws", "public", params={"format": "csv"})
    ],
    # The register is county-wide, kept by the lead department (市场监管局) alone.
    ("POST", "/api/exchange/entities"): lambda w: [
        Probe("UPLOAD", "/exchange/entities", "register")
    ],
}


def test_every_endpoint_has_an_isolation_case() -> None:
    schema = api.get_openapi_schema()
    routes = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert routes == set(CASES), (
        f"endpoints without a case: {sorted(routes - set(CASES))}; "
        f"cases without an endpoint: {sorted(set(CASES) - routes)}"
    )


def _send(client: ApiClient, probe: Probe) -> Any:
    if probe.method == "GET":
        return client.get(probe.path, probe.params)
    if probe.method == "UPLOAD":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(
            "entities.csv", "统一社会信用代码,企业名称,类型,登记状态\n".encode(), "text/csv"
        )
        return client.client.post("/api" + probe.path, {"file": upload}, headers=client.headers)
    return client.send(probe.method, probe.path, probe.body)


def _text(response: Any) -> str:
    content = response.content.decode("utf-8", "replace")
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return content


@pytest.mark.parametrize("attacker", ["env_admin", "env_inspector", "lead_admin"])
def test_another_departments_token_gets_nothing_of_its_data(world: World, attacker: str) -> None:
    county = world.county
    users = {
        "env_admin": lambda: _env_user(county, Role.DEPARTMENT_ADMIN),
        "env_inspector": lambda: _env_user(county, Role.INSPECTOR),
        "lead_admin": lambda: county.users["lead_admin"],
    }
    user = users[attacker]()
    client = api_as(user)
    checked = 0
    for route, make in CASES.items():
        for probe in make(world):
            before = AuditEvent.objects.count()
            response = _send(client, probe)
            where = f"{route} {probe.method} {probe.path}"
            assert response.status_code < 500, where
            text = _text(response)
            for marker in MARKERS:
                assert marker not in text, f"{where} shows B's {marker}"
            expect = probe.expect
            if expect == "register":
                expect = "public" if attacker == "lead_admin" else "denied"
            if expect == "denied":
                assert response.status_code in (403, 404), (where, response.status_code, text)
                assert response.json()["code"] in ("not_allowed", "not_found"), where
                assert AuditEvent.objects.count() == before, f"{where} wrote an audit row"
            elif expect == "hidden":
                assert response.status_code == 200, (where, text)
                shown = {row["id"] for row in response.json()["items"]}
                assert not shown & probe.ids, f"{where} lists B's rows {shown & probe.ids}"
            else:
                assert response.status_code == 200, (where, text)
            checked += 1
    assert checked >= len(CASES)
    # Nothing of B changed.
    world.draft_plan.refresh_from_db()
    world.draft_task.refresh_from_db()
    world.submitted.refresh_from_db()
    assert world.draft_plan.status == "draft" and world.draft_task.status == "draft"
    assert world.submitted.status == "submitted"
    assert world.county.items["health"].name == "公共场所卫生监督检查"
