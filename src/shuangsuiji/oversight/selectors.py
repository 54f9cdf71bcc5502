"""Selectors of the supervision figures: what a user may see goes through the one
data-scope policy, then the figures are computed for those departments only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department
from shuangsuiji.organizations.policy import Action, AnyUser

from .figures import Dashboard, total_of
from .metrics import department_metrics
from .periods import Period
from .trend import monthly_trend


def visible_departments(user: AnyUser) -> list[Department]:
    """The departments whose figures ``user`` may see: the policy's view scope (all for
    the county supervisor, own department for a department admin, none for an inspector)."""
    departments = policy.departments_user_acts_for(user, Action.VIEW)
    return sorted(departments, key=lambda d: (d.sort_order, d.code))


def dashboard(
    *,
    user: AnyUser,
    period: Period,
    department_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    total_name: str = "",
) -> Dashboard:
    """The dashboard's figures for what ``user`` may see, optionally narrowed to some of
    those departments (ids outside the user's scope are ignored)."""
    today = today or timezone.localdate()
    departments = visible_departments(user)
    if department_ids is not None:
        wanted = set(department_ids)
        departments = [d for d in departments if d.pk in wanted]
    rows = department_metrics(departments=departments, period=period, today=today)
    return Dashboard(
        period=period,
        today=today,
        rows=rows,
        total=total_of(rows, total_name, period.year),
        months=monthly_trend(
            department_ids=[d.pk for d in departments], period=period, today=today
        ),
    )
