"""Admin registrations (system administrators only; see admin_site.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from shuangsuiji.audit import chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.organizations.models import Department, Region, RoleAssignment, User
from shuangsuiji.results.models import ResultCategory

from .admin_site import PolicyAdminMixin, admin_site


class AuditedAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Admin saves and deletes are changes like any other: on the audit chain, atomically."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            chain.record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                obj=obj,
                payload={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            chain.record(
                actor=request.user, action="admin.delete", obj=obj, payload={"repr": str(obj)}
            )
            super().delete_model(request, obj)


@admin.register(Region, site=admin_site)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "full_name", "parent")
    search_fields = ("code", "name")


@admin.register(Department, site=admin_site)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "code", "short_name", "region", "is_lead", "path")
    list_filter = ("is_lead",)
    readonly_fields = ("path",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.path = obj.compute_path()
        super().save_model(request, obj, form, change)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User, site=admin_site)
class ShuangsuijiUserAdmin(PolicyAdminMixin, UserAdmin):
    list_display = ("username", "display_name", "department", "is_active")
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("双随机", {"fields": ("display_name", "department")}),
    )


@admin.register(InspectionItem, site=admin_site)
class InspectionItemAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name", "department", "method", "is_key", "is_published")
    list_filter = ("department", "is_key", "is_published")
    search_fields = ("code", "name")


@admin.register(Inspector, site=admin_site)
class InspectorAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "department", "certificate_no", "certificate_valid_to", "status")
    list_filter = ("department", "status")
    search_fields = ("name", "certificate_no")


@admin.register(Target, site=admin_site)
class TargetAdmin(AuditedAdmin):
    list_display = ("name", "credit_code", "kind", "status", "risk_class")
    list_filter = ("kind", "status", "risk_class")
    search_fields = ("=credit_code",)
    show_full_result_count = False  # counting 10 million rows on every page is wasted work


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


@admin.register(ResultCategory, site=admin_site)
class ResultCategoryAdmin(AuditedAdmin):
    """The standard result categories, editable: a province may rename or add one."""

    list_display = (
        "code",
        "name",
        "name_en",
        "sort_order",
        "active",
        "problem_found",
        "proposes_abnormal",
    )
    list_editable = ("sort_order", "active")
    list_filter = ("active", "problem_found")
    search_fields = ("code", "name", "name_en")


# --- Credit linkage (issue 8): the lists and the rule table, kept by system administrators.
from shuangsuiji.credit.models import CreditList, EffectRule  # noqa: E402 - appended block


class CreditSettingsAdmin(AuditedAdmin, SimpleHistoryAdmin):
    """The lists and the rule table decide who may take part in procurement and who is
    drawn more often: each save is audited with the values saved, not only the field names,
    and nothing is deleted (a rule is switched off; its history stays)."""

    audited_fields: tuple[str, ...] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            # Skips AuditedAdmin's own audit row (this one carries the values).
            super(AuditedAdmin, self).save_model(request, obj, form, change)
            chain.record(
                actor=request.user,
                action=f"credit.{obj._meta.model_name}.{'change' if change else 'add'}",
                obj=obj,
                payload={
                    "fields": sorted(form.changed_data),
                    "values": {f: getattr(obj, f) for f in self.audited_fields},
                },
            )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditList, site=admin_site)
class CreditListAdmin(CreditSettingsAdmin):
    list_display = ("name", "code", "department", "active", "sort_order")
    list_editable = ("active",)
    audited_fields = ("code", "name", "name_en", "department_id", "legal_basis", "active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code is how the rules, imports and the API name a list: fixed once created.
        return ("code",) if obj is not None else ()


@admin.register(EffectRule, site=admin_site)
class EffectRuleAdmin(CreditSettingsAdmin):
    list_display = ("credit_list", "effect", "activity", "tickets", "stratum", "active")
    list_filter = ("credit_list", "effect", "active")
    audited_fields = (
        "credit_list_id",
        "effect",
        "activity",
        "tickets",
        "stratum",
        "legal_basis",
        "active",
    )
