"""The admin-edited holiday table (节假日安排), which overrides ``chinesecalendar``.

Each year the State Council General Office publishes the next year's holidays and adjusted
workdays (国务院办公厅关于部分节假日安排的通知), usually in November; a system admin enters them
here before a ``chinesecalendar`` release carries them, then marks the year complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One date whose status the admin sets, overriding the package for that date."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_(
            "Ticked: people work this day (including an adjusted weekend workday). "
            "Not ticked: a day off (public holiday)."
        ),
    )
    name = models.CharField(
        _("name"),
        max_length=50,
        blank=True,
        help_text=_("For example: Spring Festival, or National Day adjusted workday."),
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("The notice this comes from, e.g. the State Council General Office notice."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    # The date as read from the database, so that moving an entry to another year tells
    # both years' listeners (see signals.py).
    _loaded_date: dt.date | None = None

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday arrangement")
        verbose_name_plural = _("holiday arrangements")

    def __str__(self) -> str:
        status = _("working day") if self.is_workday else _("day off")
        label = f"{self.date.isoformat()} {status}"
        return f"{label} {self.name}" if self.name else label

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        # **kwargs: Django 6 adds fetch_mode.
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_date = instance.__dict__.get("date")
        return instance


class CalendarYear(models.Model):
    """A year an admin has entered completely: its dates are no longer provisional."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )
    complete = models.BooleanField(
        _("completely entered"),
        default=False,
        help_text=_(
            "Tick once every holiday and adjusted workday of this year from the State Council "
            "notice has been entered: deadlines falling in this year are then final, not "
            "provisional."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    _loaded_year: int | None = None

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=1, year__lte=9999), name="workdays_year_in_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        # **kwargs: Django 6 adds fetch_mode.
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_year = instance.__dict__.get("year")
        return instance
