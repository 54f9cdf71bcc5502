"""Publishing a department's item list (一单) and its sampling rules (抽查规则) as versions.

What the public sees is the frozen snapshot of the latest published version, not the live
rows, so an edit after publication changes nothing public until the department publishes
again — and every published version stays on record with its digest.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.audit.chain import canonical_json
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action

from .models import DepartmentRules, InspectionItem, ItemListVersion

SNAPSHOT_FIELDS = (
    "code",
    "name",
    "legal_basis",
    "inspecting_body",
    "content",
    "method",
    "target_kind",
    "is_key",
)
RULES_FIELDS = ("title", "principles", "tasks", "methods", "publication", "assessment")


def _may_act_for(user: User, department: Department) -> bool:
    return any(d.pk == department.pk for d in policy.departments_user_acts_for(user))


@transaction.atomic
def item_list_publish(*, department: Department, actor: User) -> ItemListVersion:
    """Freeze the department's items in force as the next published version."""
    if not _may_act_for(actor, department):
        raise NotAllowed(_("You may not publish this department's item list."))
    # Lock the department row: two simultaneous publications must not share a version number.
    Department.objects.select_for_update().get(pk=department.pk)
    items = list(
        InspectionItem.objects.select_for_update().filter(department=department).order_by("code")
    )
    in_force = [i for i in items if i.active]
    if not in_force:
        raise DomainError(_("The item list is empty: add items in force before publishing."))
    snapshot: list[dict[str, Any]] = [{f: getattr(i, f) for f in SNAPSHOT_FIELDS} for i in in_force]
    digest = hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()
    last = ItemListVersion.objects.filter(department=department).aggregate(v=Max("version"))["v"]
    version = ItemListVersion.objects.create(
        department=department,
        version=(last or 0) + 1,
        published_at=timezone.now(),
        published_by=actor,
        items=snapshot,
        digest=digest,
    )
    InspectionItem.objects.filter(department=department, active=True).update(is_published=True)
    InspectionItem.objects.filter(department=department, active=False).update(is_published=False)
    chain.record(
        actor=actor,
        action="item_list.publish",
        obj=version,
        department=department,
        payload={"version": version.version, "items": len(snapshot), "digest": digest},
    )
    return version


def latest_item_list(department: Department) -> ItemListVersion | None:
    return ItemListVersion.objects.filter(department=department).order_by("-version").first()


@transaction.atomic
def rules_save(*, department: Department, actor: User, data: dict[str, str]) -> DepartmentRules:
    """Save the department's rules: edits the open draft, or starts a new draft version
    when the latest one is already published (published versions never change)."""
    if not _may_act_for(actor, department):
        raise NotAllowed(_("You may not change this department's rules."))
    Department.objects.select_for_update().get(pk=department.pk)
    latest = DepartmentRules.objects.filter(department=department).order_by("-version").first()
    if latest is None or latest.published_at is not None:
        rules = DepartmentRules(
            department=department,
            version=(latest.version + 1) if latest else 1,
            created_by=actor,
        )
    else:
        rules = latest
    for field in RULES_FIELDS:
        setattr(rules, field, data.get(field, getattr(rules, field)) or "")
    if not rules.title.strip():
        raise DomainError(_("The rules need a title."))
    rules.save()
    chain.record(
        actor=actor,
        action="rules.save",
        obj=rules,
        payload={"version": rules.version, "title": rules.title},
    )
    return rules


@transaction.atomic
def rules_publish(*, rules: DepartmentRules, actor: User) -> DepartmentRules:
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, rules):
        raise NotAllowed(_("You may not publish these rules."))
    locked = DepartmentRules.objects.select_for_update().get(pk=rules.pk)
    if locked.published_at is not None:
        raise DomainError(_("This version is already published."))
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at"])
    body = {f: getattr(locked, f) for f in RULES_FIELDS}
    chain.record(
        actor=actor,
        action="rules.publish",
        obj=locked,
        payload={
            "version": locked.version,
            "digest": hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest(),
        },
    )
    return locked
