"""The result pages: entry form with uploads, review, the overdue list, follow-up and
referral, and the public side, which must never show withheld text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shuangsuiji.organizations.models import User
from shuangsuiji.results import services as svc
from shuangsuiji.results.models import (
    Attachment,
    Confidentiality,
    FollowUp,
    Result,
    ResultCategory,
    ResultStatus,
)
from tests.conftest import PASSWORD
from tests.results.conftest import Dispatched

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRET = "配方中含有专有成分XQ-7号"


def login(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def entry_post(d: Dispatched, target, **extra):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    data = {
        "inspection_date": (today - dt.timedelta(days=1)).isoformat(),
        "result_date": today.isoformat(),
        "category": ResultCategory.objects.get(code="R01").pk,
        "findings": "现场检查未发现问题。",
        "confidentiality": "none",
        "public_findings": "",
    }
    for i in d.team(target):
        data[f"present_{i.pk}"] = "on"
        data[f"shown_{i.pk}"] = "on"
    for item in d.task.items.all():
        data[f"outcome_{item.pk}"] = "ok"
        data[f"note_{item.pk}"] = ""
    data.update(extra)
    return data


def test_entry_page_with_photo_then_submit(dispatched: Dispatched, settings, tmp_path) -> None:
    settings.SHUANGSUIJI_PRIVATE_DIR = tmp_path
    target = dispatched.drawn[0]
    c = login(dispatched.member_user(target))
    url = reverse("web:result_entry", args=[dispatched.task.pk, target.pk])
    page = c.get(url)
    assert page.status_code == 200 and target.name in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    r = c.post(url, {**entry_post(dispatched, target), "photos": photo, "submit": "1"})
    assert r.status_code == 302
    result = Result.objects.get()
    assert result.status == ResultStatus.SUBMITTED
    a = Attachment.objects.get()
    assert a.original_name == "现场照片.png"
    download = c.get(reverse("web:attachment_download", args=[a.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    # The public never gets evidence, even of a published result.
    svc.result_publish(actor=dispatched.admin, result=result)
    assert Client().get(reverse("web:attachment_download", args=[a.pk])).status_code == 302
    other_dept = login(dispatched.scenario.county.users["lead_admin"])
    assert other_dept.get(reverse("web:attachment_download", args=[a.pk])).status_code == 404


def test_bad_upload_keeps_nothing_and_explains(dispatched: Dispatched, settings, tmp_path) -> None:
    settings.SHUANGSUIJI_PRIVATE_DIR = tmp_path
    target = dispatched.drawn[0]
    c = login(dispatched.member_user(target))
    url = reverse("web:result_entry", args=[dispatched.task.pk, target.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = c.post(url, {**entry_post(dispatched, target, findings="要保留的文字"), "documents": bad})
    assert r.status_code == 200
    body = r.content.decode()
    assert "报告.pdf" in body and "要保留的文字" in body
    assert not Result.objects.exists() and not Attachment.objects.exists()


def test_one_inspector_present_is_refused_on_the_page(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    team = dispatched.team(target)
    c = login(dispatched.member_user(target))
    data = entry_post(dispatched, target)
    del data[f"present_{team[1].pk}"]
    r = c.post(reverse("web:result_entry", args=[dispatched.task.pk, target.pk]), data)
    assert r.status_code == 200 and 'data-testid="form-errors"' in r.content.decode()
    assert not Result.objects.exists()


def test_someone_not_assigned_gets_404(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    c = login(dispatched.admin)
    url = reverse("web:result_entry", args=[dispatched.task.pk, target.pk])
    assert c.get(url).status_code == 404
    assert c.post(url, entry_post(dispatched, target)).status_code == 404
    assert not Result.objects.exists()


def test_reviewer_returns_and_publishes_through_pages(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    user = dispatched.member_user(target)
    result = svc.result_save(
        actor=user, task=dispatched.task, target=target, data=dispatched.data(target), submit=True
    )
    admin = login(dispatched.admin)
    desk = admin.get(reverse("web:department_results", args=[result.department_id]))
    assert target.name in desk.content.decode()
    r = admin.post(reverse("web:result_return", args=[result.pk]), {"reason": "请补充照片"})
    assert r.status_code == 302
    result.refresh_from_db()
    assert result.status == ResultStatus.RETURNED
    mine = login(user).get(reverse("web:my")).content.decode()
    assert reverse("web:result_entry", args=[dispatched.task.pk, target.pk]) in mine
    svc.result_submit(actor=user, result=result)
    admin.post(reverse("web:result_publish", args=[result.pk]))
    result.refresh_from_db()
    assert result.status == ResultStatus.PUBLISHED
    supervisor = login(dispatched.scenario.county.users["supervisor"])
    assert supervisor.get(reverse("web:result_detail", args=[result.pk])).status_code == 200


def test_overdue_list_flags_late_result(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    old = timezone.localdate() - dt.timedelta(days=60)
    svc.result_save(
        actor=dispatched.member_user(target),
        task=dispatched.task,
        target=target,
        data=dispatched.data(target, inspection_date=old, result_date=old),
        submit=True,
    )
    page = login(dispatched.admin).get(
        reverse("web:department_results", args=[dispatched.task.department_id])
    )
    html = page.content.decode()
    overdue = html[html.index('data-testid="overdue-list"') :]
    overdue = overdue[: overdue.index("</table>")]
    assert target.name in overdue
    assert re.search(r'data-testid="overdue-count">1<', html)


def test_referral_lands_in_the_receiving_inbox_and_closes_with_note(dispatched: Dispatched) -> None:
    county = dispatched.scenario.county
    target = dispatched.drawn[0]
    result = svc.result_save(
        actor=dispatched.member_user(target),
        task=dispatched.task,
        target=target,
        data=dispatched.data(target),
        submit=True,
    )
    svc.result_publish(actor=dispatched.admin, result=result)
    admin = login(dispatched.admin)
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    r = admin.post(
        reverse("web:followup_create", args=[result.pk]),
        {
            "action": "refer",
            "description": "疑似无证经营食品，移送市场监管局",
            "due_date": due,
            "to_department": county.lead.pk,
        },
    )
    assert r.status_code == 302
    referral = FollowUp.objects.get()
    assert referral.department == county.lead and referral.referred_by == county.health
    lead = login(county.users["lead_admin"])
    inbox = lead.get(reverse("web:followup_inbox")).content.decode()
    assert "疑似无证经营食品" in inbox
    # The receiving department sees the result with its evidence.
    assert lead.get(reverse("web:result_detail", args=[result.pk])).status_code == 200
    # Closing needs a note; the sender cannot close it.
    lead.post(reverse("web:followup_close", args=[referral.pk]), {"note": ""})
    referral.refresh_from_db()
    assert referral.state == "open"
    admin.post(reverse("web:followup_close", args=[referral.pk]), {"note": "已处理"})
    referral.refresh_from_db()
    assert referral.state == "open"
    lead.post(reverse("web:followup_close", args=[referral.pk]), {"note": "已立案调查"})
    referral.refresh_from_db()
    assert referral.state == "closed" and referral.closing_note == "已立案调查"


def test_withheld_text_never_appears_on_public_pages_or_exports(dispatched: Dispatched) -> None:
    target = dispatched.drawn[0]
    result = svc.result_save(
        actor=dispatched.member_user(target),
        task=dispatched.task,
        target=target,
        data=dispatched.data(
            target,
            category=ResultCategory.objects.get(code="R07"),
            findings=f"发现问题：{SECRET}未按规定标注，已责令改正。",
            confidentiality=Confidentiality.TRADE_SECRET,
            public_findings="发现标签标注问题，已责令改正。",
        ),
        submit=True,
    )
    publication = svc.result_publish(actor=dispatched.admin, result=result)
    assert publication is not None
    anon = Client()
    pages = [
        reverse("web:public_home"),
        reverse("web:public_results"),
        reverse("web:public_results") + f"?q={target.credit_code}",
        reverse("web:public_results") + f"?q={target.name[:4]}",
        reverse("web:public_result_detail", args=[publication.pk]),
        reverse("web:public_entity", args=[target.credit_code]),
        reverse("web:public_results_csv"),
        reverse("web:public_task_list"),
        reverse("web:public_task_detail", args=[dispatched.task.pk]),
    ]
    seen_public_text = False
    for url in pages:
        r = anon.get(url)
        assert r.status_code == 200, url
        body = r.content.decode("utf-8-sig")
        assert SECRET not in body, url
        seen_public_text |= "发现标签标注问题" in body
    assert seen_public_text
    # The staff page still shows the full findings to the department.
    staff = login(dispatched.admin).get(reverse("web:result_detail", args=[result.pk]))
    assert SECRET in staff.content.decode()
