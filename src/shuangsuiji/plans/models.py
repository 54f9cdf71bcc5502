"""Annual plans.  Once approved a plan is locked: every later change is a
:class:`PlanAmendment` with its reason, kept and shown publicly (R5)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class AnnualPlan(models.Model):
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("department"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("plan name"), max_length=200)
    items = models.ManyToManyField(
        "directory.InspectionItem", related_name="plans", verbose_name=_("inspection items")
    )
    participants = models.ManyToManyField(
        "organizations.Department",
        blank=True,
        related_name="joint_plans",
        verbose_name=_("participating departments"),
        help_text=_("A joint plan (联合抽查计划) counts toward every participant's annual plan"),
    )
    target_scope = models.TextField(_("target scope"))
    # Ratio per credit risk class, as quota text of the lottery ("5%", "12.5%", or a count).
    ratios = models.JSONField(_("ratio per risk class"), default=dict)
    frequency = models.CharField(_("frequency"), max_length=200, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    inspecting_body = models.CharField(_("inspecting body"), max_length=200)
    planned_tasks = models.PositiveIntegerField(_("planned tasks"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year", "department__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year", "name"], name="plan_unique_name"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def due_date(self) -> dt.date:
        """Plans are due by 20 January of their year."""
        return dt.date(self.year, 1, 20)

    @property
    def locked(self) -> bool:
        return self.status == PlanStatus.APPROVED


class PlanAmendment(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField(_("amendment number"))
    reason = models.TextField(_("reason"))
    # {field: [before, after]} in plain JSON values, for the public page.
    changes = models.JSONField(_("changes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan amendment")
        verbose_name_plural = _("plan amendments")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="amendment_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.number}"
