"""Reminders about publication deadlines (逾期提醒), run daily (systemd timer or cron:
``shuangsuiji remind``).  Each responsible person gets at most one reminder per result,
kind and day, in the app and, when e-mail is configured, by mail."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from shuangsuiji.organizations.models import User

from .. import selectors
from ..models import Reminder, Result
from .followup import department_admins

log = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    created: int = 0
    emailed: int = 0
    failed_mail: int = 0


def _recipients(result: Result) -> list[User]:
    people = {result.entered_by_id: result.entered_by}
    for admin in department_admins(result.department):
        people[admin.pk] = admin
    return [u for u in people.values() if u.is_active]


def send_reminders(today: dt.date) -> ReminderRun:
    run = ReminderRun()
    all_departments = Result.objects.values_list("department_id", flat=True).distinct()
    batches = [
        (Reminder.Kind.OVERDUE, selectors.overdue(all_departments, today)),
        (Reminder.Kind.DUE_SOON, selectors.due_soon(all_departments, today)),
    ]
    for kind, results in batches:
        for result in results:
            if kind == Reminder.Kind.OVERDUE:
                message = _("Overdue: the result for %(target)s (%(task)s) was due on %(date)s.")
            else:
                message = _("Due soon: publish the result for %(target)s (%(task)s) by %(date)s.")
            text = message % {
                "target": result.target.name,
                "task": result.task.number,
                "date": result.deadline.isoformat(),
            }
            for user in _recipients(result):
                reminder, created = Reminder.objects.get_or_create(
                    user=user, result=result, kind=kind, day=today, defaults={"message": text}
                )
                if not created:
                    continue
                run.created += 1
                if settings.EMAIL_HOST and user.email:
                    try:
                        send_mail(_("Shuangsuiji reminder"), text, None, [user.email])
                    except OSError:
                        # A mail outage must not stop the in-app reminders.
                        log.warning("reminder mail to %s failed", user.email, exc_info=True)
                        run.failed_mail += 1
                        continue
                    reminder.emailed = True
                    reminder.save(update_fields=["emailed"])
                    run.emailed += 1
    return run
