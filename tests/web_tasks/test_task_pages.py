"""Task pages: create (from the plan or ad hoc with a reason), the next allowed step only,
freeze, and who may see and act."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.tasks.models import Freeze, Task, TaskStatus
from tests.web_tasks.conftest import ACTS, ROLES, SEES, Web


def refusal(role: str) -> int:
    return 302 if role == "anonymous" else 403 if role in SEES else 404


def task_form(web: Web, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "plan": str(web.s.plan.pk),
        "adhoc_reason": "",
        "name": "住宿场所卫生专项抽查",
        "items": [web.s.county.items["health"].pk],
        "scope": "全县住宿场所",
        "quota_A": "5%",
        "quota_B": "10%",
        "quota_C": "20%",
        "quota_D": "2",
        "inspectors_per_target": "2",
        "inspector_cap": "10",
        "period_start": "2026-12-01",
        "period_end": "2026-12-20",
        "extra_tickets_abnormal": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_creating_a_task_is_for_the_departments_own_admins(web: Web, role: str) -> None:
    url = reverse("web:task_create", args=[web.s.county.health.pk])
    c = web.client(role)
    get, post = c.get(url), c.post(url, task_form(web))
    if role in ACTS:
        assert get.status_code == 200 and post.status_code == 302
        task = Task.objects.get()
        assert task.number == "新卫健抽查〔2026〕1号" and task.plan == web.s.plan
        assert task.quotas == {"A": "5%", "B": "10%", "C": "20%", "D": "2"}
        assert task.inspector_cap == 10 and task.status == TaskStatus.DRAFT
    else:
        assert not Task.objects.exists()
        assert get.status_code == post.status_code == refusal(role)


@pytest.mark.django_db
def test_the_form_starts_from_the_plan(web: Web) -> None:
    url = reverse("web:task_create", args=[web.s.county.health.pk])
    form = web.admin.get(url, {"plan": web.s.plan.pk}).context["form"]
    assert form.initial["plan"] == web.s.plan
    assert form.initial["quota_B"] == "10%"
    assert form.initial["period_end"] == web.s.plan.period_end


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"plan": "", "adhoc_reason": ""}, "adhoc_reason"),
        ({"plan": "", "adhoc_reason": "   "}, "adhoc_reason"),
        ({"quota_A": "5percent"}, "quota_A"),
        ({"quota_C": "-3"}, "quota_C"),
        ({"quota_D": ""}, "quota_D"),
        ({"period_start": "2026-12-20", "period_end": "2026-12-01"}, "period_end"),
        ({"inspectors_per_target": "1"}, "inspectors_per_target"),
        ({"items": []}, "items"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_task_input_shows_form_errors_and_writes_nothing(
    web: Web, overrides: dict[str, Any], field: str
) -> None:
    events = AuditEvent.objects.count()
    response = web.admin.post(
        reverse("web:task_create", args=[web.s.county.health.pk]), task_form(web, **overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Task.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_an_ad_hoc_task_records_its_reason(web: Web) -> None:
    response = web.admin.post(
        reverse("web:task_create", args=[web.s.county.health.pk]),
        task_form(web, plan="", adhoc_reason="县政府交办：节前公共场所卫生专项检查"),
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.plan is None and task.adhoc_reason == "县政府交办：节前公共场所卫生专项检查"
    page = web.admin.get(reverse("web:task_detail", args=[task.pk])).content.decode()
    assert "县政府交办：节前公共场所卫生专项检查" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_task_list_and_detail_by_role(web: Web, role: str) -> None:
    task = web.task()
    c = web.client(role)
    listing = c.get(reverse("web:task_list"))
    detail = c.get(reverse("web:task_detail", args=[task.pk]))
    if role == "anonymous":
        assert listing.status_code == detail.status_code == 302
    elif role == "inspector":
        assert listing.status_code == 403 and detail.status_code == 404
    elif role in SEES:
        assert listing.status_code == detail.status_code == 200
        assert task.number in listing.content.decode()
    else:
        assert listing.status_code == 200 and detail.status_code == 404
        assert task.number not in listing.content.decode()


@pytest.mark.django_db
def test_detail_offers_only_the_next_step_of_the_fixed_order(web: Web) -> None:
    task = web.task()

    def offered() -> set[str]:
        page = web.admin.get(reverse("web:task_detail", args=[task.pk])).content.decode()
        markers = ["freeze", "ceremony", "match", "redraw", "notices"]
        return {m for m in markers if f'data-testid="{m}"' in page}

    assert offered() == {"freeze"}
    web.client("dept_admin").post(reverse("web:task_freeze", args=[task.pk]))
    assert offered() == {"ceremony"}
    web.client("dept_admin").post(
        reverse("web:task_draw", args=[task.pk]), {"entries": "见证人掷骰 6 1 3"}
    )
    assert offered() == {"match", "redraw"}
    web.client("dept_admin").post(reverse("web:task_match", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == TaskStatus.MATCHED
    assert offered() <= {"notices"}


@pytest.mark.django_db
def test_the_supervisor_sees_no_action_on_the_task_page(web: Web) -> None:
    task = web.task()
    page = web.client("supervisor").get(reverse("web:task_detail", args=[task.pk]))
    assert page.status_code == 200 and 'data-testid="freeze"' not in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_freeze_by_role(web: Web, role: str) -> None:
    task = web.task()
    response = web.client(role).post(reverse("web:task_freeze", args=[task.pk]))
    task.refresh_from_db()
    if role in ACTS:
        assert response.status_code == 302 and task.status == TaskStatus.FROZEN
    else:
        assert response.status_code == refusal(role)
        assert task.status == TaskStatus.DRAFT and not Freeze.objects.exists()


@pytest.mark.django_db
def test_freeze_shows_digest_size_strata_excluded_and_commitment_but_not_the_secret(
    web: Web,
) -> None:
    task = web.task()
    web.admin.post(reverse("web:task_freeze", args=[task.pk]))
    freeze = Freeze.objects.get(task=task)
    commitment = task.commitments.get()
    page = web.admin.get(reverse("web:task_detail", args=[task.pk])).content.decode()
    assert freeze.population_digest in page and commitment.commitment in page
    assert f'data-testid="population-size">{freeze.population_size}' in page
    assert str(freeze.excluded_count) in page and freeze.quota_line in page
    assert commitment.secret not in page


@pytest.mark.django_db
def test_freezing_twice_is_refused_with_a_message(web: Web) -> None:
    task = web.frozen()
    response = web.admin.post(reverse("web:task_freeze", args=[task.pk]), follow=True)
    with translation.override("zh-hans"):
        message = gettext("The population of this task is already frozen.")
    assert message in response.content.decode()
    assert Freeze.objects.filter(task=task).count() == 1
