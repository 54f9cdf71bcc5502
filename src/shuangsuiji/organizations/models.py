"""Regions (GB/T 2260), the department tree, users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division with its GB/T 2260 code (e.g. 411523 新县)."""

    code = models.CharField(_("region code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    full_name = models.CharField(_("full name"), max_length=128, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.full_name or self.name


class Department(models.Model):
    """A government department.  ``path`` is the materialised tree path used for the
    "department and below" data scope: an indexed prefix match instead of a recursive query."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=128)
    short_name = models.CharField(
        _("short name"), max_length=32, help_text=_("Used in task numbers, e.g. 新市监")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_lead = models.BooleanField(
        _("lead department"), default=False, help_text=_("Coordinates joint inspections (牵头)")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="department_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else f"{self.region.code}/"
        return f"{prefix}{self.code}/"


class Role(models.TextChoices):
    COUNTY_SUPERVISOR = "county_supervisor", _("County supervisor")
    LEAD_ADMIN = "lead_admin", _("Lead-department administrator")
    DEPARTMENT_ADMIN = "department_admin", _("Department administrator")
    INSPECTOR = "inspector", _("Inspector")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class User(AbstractUser):
    """A person who logs in.  Roles live in :class:`RoleAssignment` so one person can hold
    several (e.g. a department admin who is also a certified inspector)."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text=_("The department the role applies to (not needed for county-wide roles)"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "department"], name="role_assignment_unique"
            ),
            # Department-bound roles must name their department; county-wide ones must not.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=["lead_admin", "department_admin", "inspector"],
                        department__isnull=False,
                    )
                    | models.Q(
                        role__in=["county_supervisor", "system_admin"], department__isnull=True
                    )
                ),
                name="role_assignment_department_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
