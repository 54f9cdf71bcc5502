"""The holiday table in the admin: system administrators only; edits record the editor and
tell listeners once per request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.workdays.models import CalendarDay, CalendarYear
from shuangsuiji.workdays.signals import calendar_changed
from tests.conftest import PASSWORD, County

pytestmark = pytest.mark.django_db

ROLES = ["supervisor", "lead_admin", "dept_admin", "inspector", "sysadmin"]


def client_for(county: County, role: str) -> Client:
    c = Client()
    assert c.login(username=county.users[role].username, password=PASSWORD)
    return c


@pytest.fixture
def heard() -> Iterator[list[set[int]]]:
    calls: list[set[int]] = []

    def receiver(sender: Any, *, years: set[int], **kwargs: Any) -> None:
        calls.append(years)

    calendar_changed.connect(receiver, dispatch_uid="tests.workdays.admin")
    yield calls
    calendar_changed.disconnect(dispatch_uid="tests.workdays.admin")


@pytest.mark.parametrize("role", ROLES)
def test_only_system_administrators_reach_the_calendar_admin(county: County, role: str) -> None:
    day = CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    year = CalendarYear.objects.create(year=2027)
    c = client_for(county, role)
    pages = [
        reverse("admin:workdays_calendarday_changelist"),
        reverse("admin:workdays_calendarday_change", args=[day.pk]),
        reverse("admin:workdays_calendarday_add"),
        reverse("admin:workdays_calendaryear_changelist"),
        reverse("admin:workdays_calendaryear_change", args=[year.pk]),
    ]
    for url in pages:
        response = c.get(url)
        if role == "sysadmin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302 and "login" in response["Location"], url


def test_the_changelist_edits_rows_in_place_and_records_the_editor(
    county: County, heard: list[set[int]]
) -> None:
    first = CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=True, name="元旦")
    second = CalendarDay.objects.create(date=dt.date(2028, 1, 1), is_workday=True, name="")
    heard.clear()
    c = client_for(county, "sysadmin")
    url = reverse("admin:workdays_calendarday_changelist")
    page = c.get(url)
    assert "元旦" in page.content.decode()
    rows = [second, first]  # newest first
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = str(row.pk)
        data[f"form-{i}-name"] = "元旦"
        data[f"form-{i}-source"] = "国办发明电〔2026〕8号"
        # is_workday unticked: both become days off.
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    for row in rows:
        row.refresh_from_db()
        assert not row.is_workday and row.name == "元旦"
        assert row.updated_by == county.users["sysadmin"]
    assert heard == [{2027, 2028}]


def test_pasting_a_years_notice_into_the_year_form(county: County, heard: list[set[int]]) -> None:
    c = client_for(county, "sysadmin")
    response = c.post(
        reverse("admin:workdays_calendaryear_add"),
        {
            "year": "2027",
            "complete": "on",
            "days": "2027-01-01,休息,元旦\n2027-02-20,上班,春节调休上班,国办发明电〔2026〕8号\n",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CalendarYear.objects.get(year=2027).complete
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 20)).is_workday
    assert CalendarDay.objects.get(date=dt.date(2027, 1, 1)).updated_by == county.users["sysadmin"]
    assert heard == [{2027}]


def test_a_bad_pasted_line_is_shown_and_nothing_is_saved(county: County) -> None:
    c = client_for(county, "sysadmin")
    response = c.post(
        reverse("admin:workdays_calendaryear_add"),
        {"year": "2027", "complete": "on", "days": "2027-01-01,休息,元旦\n2028-02-20,上班,调休"},
    )
    assert response.status_code == 200
    assert "第2行 date 列：日期不在2027年" in response.content.decode()
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()


def test_marking_years_complete_from_the_list(county: County, heard: list[set[int]]) -> None:
    year = CalendarYear.objects.create(year=2027)
    heard.clear()
    c = client_for(county, "sysadmin")
    response = c.post(
        reverse("admin:workdays_calendaryear_changelist"),
        {"action": "mark_complete", "_selected_action": [str(year.pk)]},
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.complete and year.updated_by == county.users["sysadmin"]
    assert heard == [{2027}]
