"""Placing entities on the joint-punishment lists and removing them (列入 / 移出).

Who decides: the administrators of the list's deciding department; lead administrators
(牵头部门) for every list, since decisions made outside the platform (courts, tax offices)
are entered by the lead department.  The county supervisor only reads.

Every addition and removal is audited, appended to the entity's credit record when the
county's register holds the entity, and keeps ``Target.abnormal_operation`` current for the
abnormal-operation list (as of today; the daily sync catches entries that start or end
later).  The flag is a cache of the entries, so it is written with ``update()`` and has no
history of its own: the entries are its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action, AnyUser

from ..errors import CreditError, clean_credit_code
from ..lookup import target_by_code, targets_by_code
from ..models import CreditEntryKind, CreditRecordEntry
from ..models_lists import ABNORMAL_LIST, CreditList, CreditListEntry
from ..sampling import in_force_q

#: Chunk size for ``credit_code IN (…)`` (SQLite limits the number of parameters).
CHUNK = 5_000


def deciding_department(user: AnyUser, credit_list: CreditList) -> Department | None:
    """The department under which ``user`` may place entities on ``credit_list``, or None."""
    acting = policy.departments_user_acts_for(user, Action.ADD)
    if credit_list.department_id is not None:
        for dept in acting:
            if dept.pk == credit_list.department_id:
                return dept
    # Lead administrators enter every list's decisions (and those made off the platform).
    for dept in acting:
        if dept.is_lead:
            return dept
    return None


def may_remove(user: AnyUser, entry: CreditListEntry) -> bool:
    if deciding_department(user, entry.credit_list) is not None:
        return True
    return policy.user_has_permission_for_instance(user, Action.CHANGE, entry)


def _required(value: str, label: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise CreditError(_("%(label)s is required.") % {"label": label}, field=field)
    return value


def refresh_abnormal_flags(codes: Iterable[str], day: dt.date | None = None) -> int:
    """Set ``Target.abnormal_operation`` of ``codes`` to whether an abnormal-list entry is
    in force on ``day`` (today); returns how many targets changed."""
    day = day or timezone.localdate()
    pending = sorted(set(codes))
    changed = 0
    for start in range(0, len(pending), CHUNK):
        chunk = pending[start : start + CHUNK]
        on = set(
            CreditListEntry.objects.filter(
                in_force_q(day), credit_list__code=ABNORMAL_LIST, credit_code__in=chunk
            ).values_list("credit_code", flat=True)
        )
        off = [c for c in chunk if c not in on]
        changed += (
            targets_by_code(on).filter(abnormal_operation=False).update(abnormal_operation=True)
        )
        changed += (
            targets_by_code(off).filter(abnormal_operation=True).update(abnormal_operation=False)
        )
    return changed


def _payload(entry: CreditListEntry) -> dict[str, Any]:
    return {
        "list": entry.credit_list.code,
        "credit_code": entry.credit_code,
        "name": entry.entity_name,
        "reason": entry.reason,
        "authority": entry.authority,
        "document_no": entry.document_no,
        "start_date": entry.start_date.isoformat(),
        "department": entry.department.name,
    }


def create_entry(
    *,
    actor: User,
    credit_list: CreditList,
    department: Department,
    credit_code: str,
    reason: str,
    authority: str,
    document_no: str,
    start_date: dt.date,
    entity_name: str = "",
) -> CreditListEntry:
    """The write shared by :func:`list_entry_add` and the confirmation of a proposal; the
    caller has checked who may decide.  Runs inside the caller's transaction."""
    code = clean_credit_code(credit_code)
    reason = _required(reason, _("The reason"), "reason")
    authority = _required(authority, _("The deciding authority"), "authority")
    document_no = _required(document_no, _("The document number"), "document_no")
    if not credit_list.active:
        raise CreditError(_("This list is no longer in use."), field="credit_list")
    if CreditListEntry.objects.filter(
        credit_list=credit_list, credit_code=code, document_no=document_no
    ).exists():
        raise CreditError(
            _("This decision (%(doc)s) is already on the list for %(code)s.")
            % {"doc": document_no, "code": code},
            field="document_no",
        )
    target = target_by_code(code)
    entity_name = (entity_name or "").strip() or (target.name if target else "")
    if not entity_name:
        raise CreditError(
            _("The entity is not in the county's register: enter its name."), field="entity_name"
        )
    entry = CreditListEntry.objects.create(
        credit_list=credit_list,
        target=target,
        credit_code=code,
        entity_name=entity_name[:200],
        reason=reason,
        authority=authority[:200],
        document_no=document_no[:100],
        start_date=start_date,
        department=department,
        created_by=actor,
    )
    if target is not None:
        CreditRecordEntry.objects.create(
            target=target,
            kind=CreditEntryKind.LIST_ENTRY_ADDED,
            entry_date=start_date,
            department=department,
            source=f"{authority} {document_no}"[:300],
            summary=f"{credit_list.name}：{reason}",
        )
    if credit_list.code == ABNORMAL_LIST:
        refresh_abnormal_flags([code])
    chain.record(actor=actor, action="credit.list_entry.add", obj=entry, payload=_payload(entry))
    return entry


@transaction.atomic
def list_entry_add(
    *,
    actor: User,
    credit_list: CreditList,
    credit_code: str,
    reason: str,
    authority: str,
    document_no: str,
    start_date: dt.date,
    entity_name: str = "",
) -> CreditListEntry:
    """Place an entity on a list (列入) from ``start_date``."""
    department = deciding_department(actor, credit_list)
    if department is None:
        raise NotAllowed(
            _("Only the deciding department or the lead department may add to %(list)s.")
            % {"list": credit_list.name}
        )
    return create_entry(
        actor=actor,
        credit_list=credit_list,
        department=department,
        credit_code=credit_code,
        reason=reason,
        authority=authority,
        document_no=document_no,
        start_date=start_date,
        entity_name=entity_name,
    )


@transaction.atomic
def list_entry_remove(
    *,
    actor: User,
    entry: CreditListEntry,
    end_date: dt.date,
    reason: str,
    document_no: str = "",
) -> CreditListEntry:
    """Remove an entity from a list (移出) from ``end_date``: on that day it is off."""
    locked = (
        CreditListEntry.objects.select_for_update(of=("self",))
        .select_related("credit_list", "department", "target")
        .get(pk=entry.pk)
    )
    if not may_remove(actor, locked):
        raise NotAllowed(_("You may not remove entries from this list."))
    if locked.end_date is not None:
        raise CreditError(_("This entry has already been removed."))
    reason = _required(reason, _("The reason for removal"), "reason")
    if end_date < locked.start_date:
        raise CreditError(
            _("The removal day cannot be before the day the entity was listed (%(d)s).")
            % {"d": locked.start_date.isoformat()},
            field="end_date",
        )
    locked.end_date = end_date
    locked.removal_reason = reason
    locked.removal_document_no = (document_no or "").strip()[:100]
    locked.removed_by = actor
    locked.removed_at = timezone.now()
    locked.save()
    if locked.target is not None:
        CreditRecordEntry.objects.create(
            target=locked.target,
            kind=CreditEntryKind.LIST_ENTRY_REMOVED,
            entry_date=end_date,
            department=locked.department,
            source=f"{locked.authority} {locked.removal_document_no or locked.document_no}"[:300],
            summary=f"{locked.credit_list.name}：{reason}",
        )
    if locked.credit_list.code == ABNORMAL_LIST:
        refresh_abnormal_flags([locked.credit_code])
    chain.record(
        actor=actor,
        action="credit.list_entry.remove",
        obj=locked,
        payload={
            **_payload(locked),
            "end_date": end_date.isoformat(),
            "removal_reason": reason,
            "removal_document_no": locked.removal_document_no,
        },
    )
    return locked
