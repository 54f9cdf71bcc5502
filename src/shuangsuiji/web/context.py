"""Role-aware navigation: each role sees the links its policy lets it use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import InspectionItem, Inspector, Target
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Role
from shuangsuiji.organizations.policy import Action
from shuangsuiji.results.models import Reminder


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    links: list[tuple[str, Any]] = []
    roles = policy.user_roles(user)
    if user.is_authenticated:
        links.append((reverse("web:home"), _("Home")))
        if roles & {Role.COUNTY_SUPERVISOR, Role.SYSTEM_ADMIN}:
            links.append((reverse("web:oversight"), _("Supervision")))
        if roles & {Role.LEAD_ADMIN, Role.DEPARTMENT_ADMIN}:
            links.append((reverse("web:workspace"), _("My department")))
            links.append((reverse("web:plan_list"), _("Annual plans")))
            links.append((reverse("web:task_list"), _("Tasks")))
            links.append((reverse("web:results_home"), _("Results")))
            links.append((reverse("web:followup_inbox"), _("Follow-up")))
            links.append((reverse("web:credit_proposals"), _("Abnormal-operation proposals")))
            links.append((reverse("web:oversight_department"), _("Supervision figures")))
        if roles & {Role.COUNTY_SUPERVISOR, Role.SYSTEM_ADMIN}:
            links.append((reverse("web:results_home"), _("Results")))
        if Role.INSPECTOR in roles:
            links.append((reverse("web:my"), _("My inspections")))
        if roles and policy.user_has_permission(user, Action.VIEW, InspectionItem):
            links.append((reverse("web:item_list"), _("Item lists")))
        if roles and policy.user_has_permission(user, Action.VIEW, Target):
            links.append((reverse("web:target_list"), _("Targets")))
        if policy.user_has_permission(user, Action.VIEW, Inspector):
            links.append((reverse("web:inspector_list"), _("Inspectors")))
        if roles:
            links.append((reverse("web:import_home"), _("Import and export")))
        if policy.user_has_permission(user, Action.VIEW, AuditEvent):
            links.append((reverse("web:audit_list"), _("Audit log")))
        if Role.SYSTEM_ADMIN in roles:
            links.append((reverse("admin:index"), _("System administration")))
    unread = 0
    if user.is_authenticated:
        unread = Reminder.objects.filter(user=user, read_at__isnull=True).count()
        if unread:
            links.append((reverse("web:reminders"), _("Reminders (%(n)d)") % {"n": unread}))
    links.append((reverse("web:credit_home"), _("Credit lists")))
    links.append((reverse("web:credit_participation"), _("May this entity take part?")))
    links.append((reverse("web:public_home"), _("Public portal")))
    return {"nav_links": links, "user_roles": sorted(roles), "unread_reminders": unread}
