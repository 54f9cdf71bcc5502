"""Entry by the team, review, publication: "谁检查、谁录入、谁公示"."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.credit.models import CreditRecordEntry
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.results import services as svc
from shuangsuiji.results.models import (
    Attachment,
    Confidentiality,
    Publication,
    Result,
    ResultCategory,
    ResultStatus,
)
from shuangsuiji.results.services.attachments import attachment_path
from tests.results.conftest import Dispatched

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"

pytestmark = pytest.mark.django_db


def test_team_member_enters_and_reviewer_publishes(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    inspector_user = dispatched.member_user(target)
    result = svc.result_save(
        actor=inspector_user, task=dispatched.task, target=target, data=dispatched.data(target)
    )
    assert result.status == ResultStatus.DRAFT
    assert result.deadline > result.result_date
    svc.result_submit(actor=inspector_user, result=result)
    publication = svc.result_publish(actor=dispatched.admin, result=result)
    assert publication is not None
    result.refresh_from_db()
    assert result.status == ResultStatus.PUBLISHED
    assert publication.credit_code == target.credit_code and not publication.late
    entry = CreditRecordEntry.objects.get(target=target)
    assert entry.result_id == result.pk and dispatched.task.number in entry.source
    actions = list(
        AuditEvent.objects.filter(object_type="results.Result")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["result.enter", "result.submit", "result.publish"]
    assert verify_chain().ok


def test_fewer_than_two_present_is_refused(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    team = dispatched.team(target)
    data = dispatched.data(target, present={team[0].pk: True})
    with pytest.raises(DomainError, match=r"至少|At least two"):
        svc.result_save(actor=team[0].user, task=dispatched.task, target=target, data=data)
    assert not Result.objects.exists()


def test_certificate_not_shown_is_refused(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    team = dispatched.team(target)
    data = dispatched.data(target, present={team[0].pk: True, team[1].pk: False})
    with pytest.raises(DomainError):
        svc.result_save(actor=team[0].user, task=dispatched.task, target=target, data=data)
    assert not Result.objects.exists()


def test_someone_not_assigned_cannot_enter(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    on_team = {i.pk for i in dispatched.team(target)}
    outsider = next(
        i
        for i in dispatched.team(dispatched.drawn[1])
        + list(
            type(dispatched.team(target)[0]).objects.filter(
                department=dispatched.scenario.county.health
            )
        )
        if i.pk not in on_team and i.user_id
    )
    with pytest.raises(DomainError, match=r"谁检查|assigned"):
        svc.result_save(
            actor=outsider.user, task=dispatched.task, target=target, data=dispatched.data(target)
        )
    # Nor the department admin: entry is the team's.
    with pytest.raises(DomainError):
        svc.result_save(
            actor=dispatched.admin,
            task=dispatched.task,
            target=target,
            data=dispatched.data(target),
        )
    assert not Result.objects.exists()


def test_expired_certificate_on_inspection_day_is_refused(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    team = dispatched.team(target)
    long_ago = dt.date(2025, 6, 1)  # before every scenario inspector's certificate
    data = dispatched.data(target, inspection_date=long_ago, result_date=long_ago)
    with pytest.raises(DomainError, match=r"certificate|执法证|证件"):
        svc.result_save(actor=team[0].user, task=dispatched.task, target=target, data=data)


def test_withheld_needs_public_text(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    team = dispatched.team(target)
    data = dispatched.data(target, confidentiality=Confidentiality.TRADE_SECRET, public_findings="")
    with pytest.raises(DomainError):
        svc.result_save(actor=team[0].user, task=dispatched.task, target=target, data=data)


def test_return_then_fix_then_publish(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    user = dispatched.member_user(target)
    result = svc.result_save(
        actor=user, task=dispatched.task, target=target, data=dispatched.data(target), submit=True
    )
    with pytest.raises(DomainError):
        svc.result_return(actor=dispatched.admin, result=result, reason="  ")
    svc.result_return(actor=dispatched.admin, result=result, reason="检查日期有误")
    result.refresh_from_db()
    assert result.status == ResultStatus.RETURNED and result.return_reason == "检查日期有误"
    assert user.reminders.filter(kind="returned").exists()
    with pytest.raises(DomainError):
        svc.result_publish(actor=dispatched.admin, result=result)
    svc.result_save(
        actor=user,
        task=dispatched.task,
        target=target,
        data=dispatched.data(target, findings="更正后：未发现问题。"),
        submit=True,
    )
    svc.result_publish(actor=dispatched.admin, result=result)
    result.refresh_from_db()
    assert result.status == ResultStatus.PUBLISHED
    # Published results cannot be changed by the team any more.
    with pytest.raises(DomainError):
        svc.result_save(
            actor=user, task=dispatched.task, target=target, data=dispatched.data(target)
        )


def test_inspector_cannot_review_and_supervisor_cannot_publish(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    team = dispatched.team(target)
    result = svc.result_save(
        actor=team[0].user,
        task=dispatched.task,
        target=target,
        data=dispatched.data(target),
        submit=True,
    )
    with pytest.raises(NotAllowed):
        svc.result_publish(actor=team[1].user, result=result)
    with pytest.raises(NotAllowed):
        svc.result_publish(actor=dispatched.scenario.county.users["supervisor"], result=result)
    result.refresh_from_db()
    assert result.status == ResultStatus.SUBMITTED


def test_overdue_publication_is_flagged_late(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    user = dispatched.member_user(target)
    today = timezone.localdate()
    old = today - dt.timedelta(days=60)
    result = svc.result_save(
        actor=user,
        task=dispatched.task,
        target=target,
        data=dispatched.data(target, inspection_date=old, result_date=old),
        submit=True,
    )
    assert result.deadline < today
    from shuangsuiji.results import selectors

    assert list(selectors.overdue([result.department_id], today)) == [result]
    publication = svc.result_publish(actor=dispatched.admin, result=result)
    assert publication is not None
    assert publication.late and publication.working_days_late > 0
    result.refresh_from_db()
    assert result.late_working_days == publication.working_days_late
    assert list(selectors.late_parts([result.department_id])) == [result]
    assert not selectors.overdue([result.department_id], today).exists()


def test_refusal_is_published_as_such(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    user = dispatched.member_user(target)
    category = ResultCategory.objects.get(name="不配合检查情节严重")
    result = svc.result_save(
        actor=user,
        task=dispatched.task,
        target=target,
        data=dispatched.data(target, refused=True, category=category),
        submit=True,
    )
    publication = svc.result_publish(actor=dispatched.admin, result=result)
    assert publication is not None
    assert publication.refused and publication.category_name == "不配合检查情节严重"


def test_attachments_checked_by_content_and_kept_private(
    dispatched: Dispatched, settings, tmp_path
) -> None:
    settings.SHUANGSUIJI_PRIVATE_DIR = tmp_path / "private"
    target = dispatched.drawn[0]
    user = dispatched.member_user(target)
    result = svc.result_save(
        actor=user, task=dispatched.task, target=target, data=dispatched.data(target)
    )
    photo = svc.attachment_add(
        actor=user,
        result=result,
        kind="photo",
        name="现场.png",
        stream=io.BytesIO(PNG),
        size=len(PNG),
    )
    assert attachment_path(photo).read_bytes() == PNG
    assert str(attachment_path(photo)).startswith(str(tmp_path / "private"))
    with pytest.raises(DomainError, match="PDF"):
        svc.attachment_add(
            actor=user,
            result=result,
            kind="document",
            name="x.pdf",
            stream=io.BytesIO(PNG),
            size=len(PNG),
        )
    fake = b"<html><script>alert(1)</script>"
    with pytest.raises(DomainError):
        svc.attachment_add(
            actor=user,
            result=result,
            kind="photo",
            name="x.jpg",
            stream=io.BytesIO(fake),
            size=len(fake),
        )
    settings.SHUANGSUIJI_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(DomainError, match=r"large|过大|MB"):
        svc.attachment_add(
            actor=user,
            result=result,
            kind="third_party",
            name="r.pdf",
            stream=io.BytesIO(PDF),
            size=len(PDF),
        )
    assert Attachment.objects.count() == 1
    assert Publication.objects.count() == 0
