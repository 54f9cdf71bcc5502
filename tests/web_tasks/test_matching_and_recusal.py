"""Matching through the task page (teams, and an infeasible matching that changes nothing,
explained in the user's language), and recusal by the inspector or on their behalf."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import Conflict, Inspector, Target
from shuangsuiji.tasks.models import Assignment, Draw, Matching, Recusal, TaskStatus
from tests.web_tasks.conftest import ACTS, ROLES, SEES, Web


def refusal(role: str) -> int:
    return 302 if role == "anonymous" else 403 if role in SEES else 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_matching_by_role_shows_teams_with_names_and_certificates(web: Web, role: str) -> None:
    task = web.drawn()
    response = web.client(role).post(reverse("web:task_match", args=[task.pk]))
    task.refresh_from_db()
    if role not in ACTS:
        assert response.status_code == refusal(role)
        assert task.status == TaskStatus.DRAWN and not Matching.objects.exists()
        return
    assert response.status_code == 302 and task.status == TaskStatus.MATCHED
    page = web.admin.get(reverse("web:task_detail", args=[task.pk])).content.decode()
    assert 'data-testid="teams"' in page
    for a in Assignment.objects.filter(task=task).select_related("inspector", "target"):
        assert a.inspector.name in page and a.inspector.certificate_no in page
        assert a.target.credit_code in page


def _conflict_everyone_but_one(web: Web, target: Target) -> None:
    for inspector in Inspector.objects.filter(department=web.s.county.health)[1:]:
        Conflict.objects.create(
            inspector=inspector,
            target=target,
            reason="近亲属在该单位任职",
            valid_from=dt.date(2026, 1, 1),
            declared_by=web.s.admin,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "english"), [("zh-hans", False), ("en", True)])
def test_infeasible_matching_names_the_target_and_constraint_and_changes_nothing(
    web: Web, language: str, english: bool
) -> None:
    task = web.drawn()
    first = Draw.objects.get(task=task).drawn.first()
    assert first is not None
    victim = Target.objects.get(pk=first.target_id)
    _conflict_everyone_but_one(web, victim)
    events = AuditEvent.objects.count()
    c = web.client("dept_admin")
    c.post(reverse("set_language"), {"language": language, "next": "/"})
    response = c.post(reverse("web:task_match", args=[task.pk]))
    assert response.status_code == 200
    problems = response.context["problems"]
    assert any(p["target_id"] == victim.credit_code for p in problems)
    page = response.content.decode()
    assert 'data-testid="matching-problems"' in page and victim.name in page
    mine = next(p for p in problems if p["target_id"] == victim.credit_code)
    assert mine["message"].isascii() == english
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAWN
    assert not Assignment.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_inspector_sees_only_own_assignments_and_recuses_one(web: Web) -> None:
    task = web.matched_with_three_inspectors()
    own = web.s.county.inspectors["own"]
    mine = Assignment.objects.filter(task=task, inspector=own)
    others = Assignment.objects.filter(task=task).exclude(inspector=own)
    assert mine.exists() and others.exists()
    c = web.client("inspector")
    home = c.get(reverse("web:my")).content.decode()
    assert task.number in home
    for a in mine:
        assert reverse("web:assignment_recuse", args=[a.pk]) in home
    for a in others:
        assert reverse("web:assignment_recuse", args=[a.pk]) not in home
        assert c.get(reverse("web:assignment_recuse", args=[a.pk])).status_code == 404
    assert c.get(reverse("web:task_detail", args=[task.pk])).status_code == 404
    assignment = mine.first()
    assert assignment is not None
    url = reverse("web:assignment_recuse", args=[assignment.pk])
    assert c.get(url).status_code == 200
    missing = c.post(url, {"reason": "", "next": reverse("web:my")})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    assert not Recusal.objects.exists()
    done = c.post(url, {"reason": "本人配偶在该单位任职", "next": reverse("web:my")})
    assert done.status_code == 302 and done["Location"] == reverse("web:my")
    recusal = Recusal.objects.get()
    assert recusal.assignment == assignment and recusal.reason == "本人配偶在该单位任职"
    assert recusal.replacement.active and recusal.replacement.inspector != own
    assignment.refresh_from_db()
    assert not assignment.active
    page = web.admin.get(reverse("web:task_detail", args=[task.pk])).content.decode()
    assert "本人配偶在该单位任职" in page and recusal.replacement.inspector.name in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_recusal_on_behalf_by_role(web: Web, role: str) -> None:
    task = web.matched_with_three_inspectors()
    assignment = (
        Assignment.objects.filter(task=task)
        .exclude(inspector=web.s.county.inspectors["own"])
        .first()
    )
    assert assignment is not None
    url = reverse("web:assignment_recuse", args=[assignment.pk])
    response = web.client(role).post(url, {"reason": "曾在该单位兼职"})
    if role in ACTS:
        assert response.status_code == 302
        assert response["Location"] == reverse("web:task_detail", args=[task.pk])
        assert Recusal.objects.filter(assignment=assignment).exists()
    else:
        assert response.status_code == refusal(role)
        assert not Recusal.objects.exists()


@pytest.mark.django_db
def test_the_supervisor_sees_an_assignment_but_cannot_recuse(web: Web) -> None:
    task = web.matched_with_three_inspectors()
    assignment = Assignment.objects.filter(task=task).first()
    assert assignment is not None
    page = web.client("supervisor").get(reverse("web:assignment_recuse", args=[assignment.pk]))
    assert page.status_code == 200 and 'data-testid="recuse-submit"' not in page.content.decode()


@pytest.mark.django_db
def test_a_recusal_that_cannot_be_refilled_shows_why_and_changes_nothing(web: Web) -> None:
    # Three targets, three inspectors, two per team, at most two targets each: every
    # inspector is fully loaded, so nobody can take a recused member's place.
    task = web.matched_with_three_inspectors(
        quotas={"A": "1", "B": "1", "C": "1", "D": "0"}, inspector_cap=2
    )
    assignment = Assignment.objects.filter(task=task).first()
    assert assignment is not None
    events = AuditEvent.objects.count()
    response = web.admin.post(
        reverse("web:assignment_recuse", args=[assignment.pk]), {"reason": "身体原因"}
    )
    assert response.status_code == 200 and response.context["problems"]
    assert 'role="alert"' in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.active and not Recusal.objects.exists()
    assert AuditEvent.objects.count() == events
