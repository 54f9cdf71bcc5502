"""Admin for the holiday table (system administrators only, like the rest of the admin).

Next year's holidays go in either row by row (the changelist edits status, name and source
in place), or all at once by pasting the notice as CSV lines into the calendar year's form.
Calendar rows are reference data, not audit-chain events; the editor is recorded in
``updated_by``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from shuangsuiji.web.admin_site import PolicyAdminMixin, admin_site

from .calendar import package_is_workday
from .cli import CalendarFileRejected, DayEntry, parse_calendar_csv, save_calendar_days
from .models import CalendarDay, CalendarYear
from .signals import batched_changes


class CalendarAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """One ``calendar_changed`` per request, sent inside the request's transaction."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # list_editable saves and bulk deletes otherwise send one signal per row.
        with transaction.atomic(), batched_changes():
            return super().changelist_view(request, extra_context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        with transaction.atomic(), batched_changes():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


def _status(workday: bool | None) -> str:
    if workday is None:
        return str(_("unknown"))
    return str(_("working day") if workday else _("day off"))


@admin.register(CalendarDay, site=admin_site)
class CalendarDayAdmin(CalendarAdmin):
    list_display = (
        "date",
        "weekday",
        "is_workday",
        "name",
        "source",
        "package_status",
        "updated_at",
        "updated_by",
    )
    list_display_links = ("date",)
    list_editable = ("is_workday", "name", "source")
    list_filter = (YearFilter, "is_workday")
    date_hierarchy = "date"
    search_fields = ("name", "source")
    ordering = ("-date",)
    list_per_page = 100
    list_select_related = ("updated_by",)
    readonly_fields = ("updated_at", "updated_by")

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    @admin.display(description=_("chinesecalendar says"))
    def package_status(self, obj: CalendarDay) -> str:
        # Shows whether the entry still changes anything once a package release has the year.
        return _status(package_is_workday(obj.date))


class CalendarYearForm(forms.ModelForm):
    days = forms.CharField(
        label=_("Holidays and adjusted workdays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        help_text=_(
            "Optional. One date per line as CSV: date,is_workday,name[,source], for example "
            "2027-01-01,休息,元旦 or 2027-02-20,上班,春节调休上班. is_workday takes "
            "1/0/true/false/上班/休息. Dates already entered are updated."
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ("year", "complete")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = (cleaned.get("days") or "").strip()
        year = cleaned.get("year")
        self.entries: list[DayEntry] = []
        if text and year:
            has_header = text.splitlines()[0].strip().lower().startswith("date")
            try:
                self.entries = parse_calendar_csv(text, year=year, header=has_header)
            except CalendarFileRejected as exc:
                self.add_error("days", [str(p) for p in exc.problems])
        return cleaned


@admin.register(CalendarYear, site=admin_site)
class CalendarYearAdmin(CalendarAdmin):
    form = CalendarYearForm
    list_display = ("year", "complete", "entered_days", "package_knows", "updated_at")
    list_filter = ("complete",)
    readonly_fields = ("updated_at", "updated_by")
    actions = ("mark_complete", "mark_incomplete")

    @admin.display(description=_("days entered"))
    def entered_days(self, obj: CalendarYear) -> int:
        return CalendarDay.objects.filter(date__year=obj.year).count()

    @admin.display(description=_("known to chinesecalendar"), boolean=True)
    def package_knows(self, obj: CalendarYear) -> bool:
        return package_is_workday(dt.date(obj.year, 1, 1)) is not None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        entries = getattr(form, "entries", [])
        if entries:
            save_calendar_days(entries, actor=request.user)

    def _set_complete(self, request: HttpRequest, queryset: QuerySet[Any], value: bool) -> None:
        # Saved one by one, not with update(), so that listeners hear about it.
        for year in queryset:
            year.complete = value
            year.updated_by = request.user
            year.save()

    @admin.action(description=_("Mark as completely entered"), permissions=["change"])
    def mark_complete(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_complete(request, queryset, True)

    @admin.action(description=_("Mark as not completely entered"), permissions=["change"])
    def mark_incomplete(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._set_complete(request, queryset, False)
