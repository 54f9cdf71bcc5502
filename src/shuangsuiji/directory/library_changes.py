"""Changes to a department's target library (检查对象名录库): its rules and its explicit
additions and removals, each with a reason and on the audit chain."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action

from .models import EntityKind, LibraryAdjustment, Target, TargetLibrary


def library_for(department: Department) -> TargetLibrary:
    library, _created = TargetLibrary.objects.get_or_create(department=department)
    return library


def _industry_code(prefix: str) -> bool:
    return (
        prefix[0] in "ABCDEFGHIJKLMNOPQRST"
        and len(prefix) <= 5
        and (prefix[1:] == "" or prefix[1:].isdigit())
    )


@transaction.atomic
def library_set_rules(
    *,
    library: TargetLibrary,
    actor: User,
    kinds: Sequence[str],
    industry_prefixes: Sequence[str],
    township_codes: Sequence[str],
) -> TargetLibrary:
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, library):
        raise NotAllowed(_("You may not change this library."))
    bad = [k for k in kinds if k not in EntityKind.values]
    if bad:
        raise DomainError(_("Unknown entity kind: %(kinds)s") % {"kinds": "、".join(bad)})
    prefixes = sorted({p.strip().upper() for p in industry_prefixes if p.strip()})
    # GB/T 4754-2017: a section letter A–T alone (e.g. "C", all manufacturing) or followed
    # by up to four digits (division, group, class).
    if any(not _industry_code(p) for p in prefixes):
        raise DomainError(_("Industry codes are a section letter and up to 4 digits, e.g. H62."))
    locked = TargetLibrary.objects.select_for_update().get(pk=library.pk)
    before = {
        "kinds": locked.kinds,
        "industry_prefixes": locked.industry_prefixes,
        "township_codes": locked.township_codes,
    }
    locked.kinds = sorted(set(kinds))
    locked.industry_prefixes = prefixes
    locked.township_codes = sorted(set(township_codes))
    locked.save()
    chain.record(
        actor=actor,
        action="library.rules",
        obj=locked,
        payload={
            "before": before,
            "after": {
                "kinds": locked.kinds,
                "industry_prefixes": locked.industry_prefixes,
                "township_codes": locked.township_codes,
            },
        },
    )
    return locked


@transaction.atomic
def library_adjust(
    *, library: TargetLibrary, target: Target, included: bool, reason: str, actor: User
) -> LibraryAdjustment:
    """Add a target to the library or remove it, whatever the rules say; the latest
    adjustment for a target wins and the earlier ones stay on the audit chain."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, library):
        raise NotAllowed(_("You may not change this library."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for adding or removing the target."))
    adjustment, _created = LibraryAdjustment.objects.update_or_create(
        library=library,
        target=target,
        defaults={"included": included, "reason": reason, "created_by": actor},
    )
    chain.record(
        actor=actor,
        action="library.add" if included else "library.remove",
        obj=library,
        payload={"target": target.credit_code, "name": target.name, "reason": reason},
    )
    return adjustment
