"""Stored deadlines follow the holiday calendar; reminders go to the responsible staff once
a day, in the app and by mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from shuangsuiji.cli import main
from shuangsuiji.results import services as svc
from shuangsuiji.results.models import Reminder, Result
from shuangsuiji.results.services.reminders import send_reminders
from shuangsuiji.workdays.models import CalendarDay, CalendarYear
from tests.results.conftest import Dispatched

pytestmark = pytest.mark.django_db


def _result(d: Dispatched, days_ago: int = 1) -> Result:
    target = d.drawn[0]
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return svc.result_save(
        actor=d.member_user(target),
        task=d.task,
        target=target,
        data=d.data(target, inspection_date=day, result_date=day),
        submit=True,
    )


def test_deadline_into_2027_is_provisional_until_admin_enters_holidays(
    dispatched: Dispatched,
) -> None:
    result = _result(dispatched)
    # A result of Monday 28 December 2026 (set directly: the service refuses future dates).
    Result.objects.filter(pk=result.pk).update(
        inspection_date=dt.date(2026, 12, 28), result_date=dt.date(2026, 12, 28)
    )
    from shuangsuiji.results.services.deadlines import recompute_deadlines

    recompute_deadlines()
    result.refresh_from_db()
    # 29–31 Dec are working days 1–3; 2027 unknown: weekdays count, so 1 Jan is the 4th and
    # the 20th is Monday 25 January.
    assert (result.deadline, result.deadline_provisional) == (dt.date(2027, 1, 25), True)
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, complete=True)
    result.refresh_from_db()
    # The calendar change recomputed it: New Year's Day off moves it a day, and it is firm.
    assert (result.deadline, result.deadline_provisional) == (dt.date(2027, 1, 26), False)


def test_published_results_keep_their_deadline(dispatched: Dispatched) -> None:
    result = _result(dispatched)
    svc.result_publish(actor=dispatched.admin, result=result)
    before = Result.objects.get(pk=result.pk).deadline
    CalendarDay.objects.create(date=before - dt.timedelta(days=1), is_workday=False, name="测试")
    assert Result.objects.get(pk=result.pk).deadline == before


def test_overdue_reminders_once_a_day_in_app_and_by_mail(dispatched: Dispatched, settings) -> None:
    settings.EMAIL_HOST = "smtp.example.invalid"
    admin = dispatched.admin
    admin.email = "wj_admin@example.cn"
    admin.save()
    result = _result(dispatched, days_ago=60)
    today = timezone.localdate()
    run = send_reminders(today)
    recipients = set(
        Reminder.objects.filter(kind="overdue").values_list("user__username", flat=True)
    )
    assert admin.username in recipients and result.entered_by.username in recipients
    assert run.emailed == 1 and mail.outbox[0].to == ["wj_admin@example.cn"]
    assert result.target.name in mail.outbox[0].body
    again = send_reminders(today)
    assert again.created == 0 and len(mail.outbox) == 1


def test_remind_cli(dispatched: Dispatched, capsys: pytest.CaptureFixture[str]) -> None:
    _result(dispatched, days_ago=60)
    assert main(["remind"]) == 0
    assert "reminders:" in capsys.readouterr().out
    assert Reminder.objects.filter(kind="overdue").exists()
    assert main(["remind", "--date", "28/11/2026"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
