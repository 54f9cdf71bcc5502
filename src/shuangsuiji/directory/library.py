"""Who is in a department's target library (检查对象名录库).

A library is defined, not copied: every target of the department's county that matches
its rules, plus the targets added by hand, minus the targets removed by hand
(:class:`~shuangsuiji.directory.models.LibraryAdjustment`, the latest adjustment per target
wins).  The definition lives here as one queryset filter so that the target search, the
draw and any count agree on who is a member.

Rules, each a list on :class:`~shuangsuiji.directory.models.TargetLibrary`:

* ``kinds``: entity kinds (企业, 个体工商户 …);
* ``industry_prefixes``: GB/T 4754 code prefixes (``H62`` covers ``H6210`` and ``H6291``);
* ``township_codes``: GB/T 2260 codes of townships / streets.

A target matches the rules when it matches every list that is not empty.  A library with
no rules at all matches nobody by rule (only its additions): an unconfigured library must
not silently become the whole county in a draw.

Registration status is not part of membership: a deregistered entity stays in the library
(and in its history); the draw is what keeps to 存续 entities.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shuangsuiji.organizations.models import Region

from .models import LibraryAdjustment, Target, TargetLibrary


def library_has_rules(library: TargetLibrary) -> bool:
    return bool(library.kinds or library.industry_prefixes or library.township_codes)


def library_rule_q(library: TargetLibrary) -> Q | None:
    """The rules as a filter on :class:`Target`, or None when the library has no rules."""
    if not library_has_rules(library):
        return None
    q = Q(region_id=library.department.region_id)
    if library.kinds:
        q &= Q(kind__in=list(library.kinds))
    if library.industry_prefixes:
        prefixes = Q()
        for prefix in library.industry_prefixes:
            prefixes |= Q(industry_code__startswith=str(prefix).strip().upper())
        q &= prefixes
    if library.township_codes:
        # Resolved to keys now (a handful of rows) so the planner sees literal values.
        township_ids = list(
            Region.objects.filter(code__in=list(library.township_codes)).values_list(
                "pk", flat=True
            )
        )
        q &= Q(township_id__in=township_ids)
    return q


def library_q(library: TargetLibrary) -> Q:
    """Membership as one filter on :class:`Target`: (rules or added) and not removed."""
    adjustments = LibraryAdjustment.objects.filter(library_id=library.pk)
    added = Q(pk__in=adjustments.filter(included=True).values("target_id"))
    removed = Q(pk__in=adjustments.filter(included=False).values("target_id"))
    rules = library_rule_q(library)
    members = added if rules is None else rules | added
    return members & ~removed


def library_members(library: TargetLibrary) -> QuerySet[Target]:
    """The targets in ``library`` now.  Not scoped to a user: callers that show the list
    pass it through the data-scope policy (the target search does)."""
    return Target.objects.filter(library_q(library))
