"""The one data-scope policy (数据权限).  Every read and write in the platform asks it.

Shape borrowed from Wagtail's permission policies (three questions: may the user do this
at all, to this instance, and which instances), with RuoYi-style data scopes per role:
all / department and below / own department / own records, combined as a union across
a user's roles.  Instance checks are answered by the same queryset filter that list pages
use, so a list and a detail page can never disagree.

Models take part by registering a :class:`ScopeSpec` naming which of their fields carry
the department, the owner and the published flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet

from .models import Role, RoleAssignment, User

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


class Scope(IntEnum):
    NONE = 0
    OWN = 1
    DEPARTMENT = 2
    DEPARTMENT_AND_BELOW = 3
    ALL = 4


# What each role may do, and over which records.  The county supervisor (督查) sees
# everything and changes nothing; a department admin works in their own department;
# an inspector only on their own records.
ROLE_SCOPES: dict[str, dict[Action, Scope]] = {
    Role.SYSTEM_ADMIN: {a: Scope.ALL for a in Action},
    Role.COUNTY_SUPERVISOR: {Action.VIEW: Scope.ALL},
    Role.LEAD_ADMIN: {a: Scope.DEPARTMENT_AND_BELOW for a in Action},
    Role.DEPARTMENT_ADMIN: {a: Scope.DEPARTMENT for a in Action},
    Role.INSPECTOR: {Action.VIEW: Scope.OWN, Action.CHANGE: Scope.OWN},
}


@dataclass(frozen=True)
class ScopeSpec:
    """How a model's rows map onto scopes.

    department: lookup path to the owning :class:`Department` (None: county-wide
        reference data that every staff member may read and only ALL-scope roles change).
    owner: lookup path to the owning :class:`User`, for the "own records" scope.
    participants: lookup path to departments taking part (joint tasks), which see the row
        with their department scope.
    published: what makes a row visible to the public: a boolean field's name, or a Q
        (``Q(pk__isnull=False)`` for rows that are public by nature, such as published
        versions).
    read_only: rows are never changed through the application (e.g. the audit chain).
    lead_keeps: reference data the lead department (市场监管局) keeps, such as the
        market-entity register: its lead-department admins change it too.
    """

    department: str | None = None
    owner: str | None = None
    participants: str | None = None
    published: str | Q | None = None
    read_only: bool = False
    lead_keeps: bool = False


_REGISTRY: dict[type[models.Model], ScopeSpec] = {}


def register(model: type[models.Model], spec: ScopeSpec) -> None:
    _REGISTRY[model] = spec


def spec_for(model: type[models.Model]) -> ScopeSpec:
    try:
        return _REGISTRY[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} is not registered with the data-scope policy"
        ) from None


AnyUser = User | AnonymousUser


def _assignments(user: AnyUser) -> list[RoleAssignment]:
    """A user's roles, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_role_assignment_cache", None)
    if cached is None:
        cached = list(RoleAssignment.objects.select_related("department").filter(user=user))
        setattr(user, "_role_assignment_cache", cached)  # noqa: B010 - a per-request cache
    return cached


def user_roles(user: AnyUser) -> set[str]:
    return {a.role for a in _assignments(user)}


def _scope_q(
    spec: ScopeSpec, user: AnyUser, assignment: RoleAssignment, scope: Scope, action: Action
) -> Q | None:
    """The filter one role assignment contributes; None means "every row".  Participating
    departments see a joint record; only the owning (lead) department changes it — a
    participant's own part is a record of its own."""
    if scope is Scope.ALL:
        return None
    dept = assignment.department
    if scope is Scope.OWN:
        return Q(**{spec.owner: user}) if spec.owner else Q(pk__in=[])
    if dept is None:
        return Q(pk__in=[])
    assert spec.department is not None  # reference data is handled by the caller
    joint = spec.participants if action is Action.VIEW else None
    if scope is Scope.DEPARTMENT:
        q = Q(**{spec.department: dept.pk})
        if joint:
            q |= Q(**{joint: dept.pk})
        return q
    if scope is Scope.DEPARTMENT_AND_BELOW:
        q = Q(**{f"{spec.department}__path__startswith": dept.path})
        if joint:
            q |= Q(**{f"{joint}__path__startswith": dept.path})
        return q
    return Q(pk__in=[])


def _filter(user: AnyUser, action: Action, model: type[models.Model]) -> Q | bool | None:
    """Q to apply, None for "all rows", False for "no rows"."""
    spec = spec_for(model)
    if spec.read_only and action is not Action.VIEW:
        return False
    assignments = _assignments(user)
    parts: list[Q] = []
    for assignment in assignments:
        scope = ROLE_SCOPES.get(assignment.role, {}).get(action, Scope.NONE)
        if scope is Scope.NONE:
            continue
        if spec.department is None:
            # County-wide reference data (the market-entity register): every staff role
            # reads it; ALL-scope roles and the lead department (市场监管局, which keeps the
            # register) change it.
            lead_keeps_register = (
                spec.lead_keeps
                and assignment.role == Role.LEAD_ADMIN
                and assignment.department is not None
                and assignment.department.is_lead
            )
            if action is Action.VIEW or scope is Scope.ALL or lead_keeps_register:
                return None
            continue
        q = _scope_q(spec, user, assignment, scope, action)
        if q is None:
            return None
        parts.append(q)
    if action is Action.VIEW and spec.published is not None:
        parts.append(
            spec.published if isinstance(spec.published, Q) else Q(**{spec.published: True})
        )
    if not parts:
        return False
    combined = parts[0]
    for q in parts[1:]:
        combined |= q
    return combined


def user_has_permission(user: AnyUser, action: Action, model: type[models.Model]) -> bool:
    """May the user do ``action`` to at least some rows of ``model``?"""
    return _filter(user, action, model) is not False


def instances_user_has_permission_for(
    user: AnyUser, action: Action, source: type[M] | QuerySet[M]
) -> QuerySet[M]:
    qs: QuerySet[M] = source if isinstance(source, QuerySet) else source._default_manager.all()
    flt = _filter(user, action, qs.model)
    if flt is False:
        return qs.none()
    if flt is None:
        return qs
    assert isinstance(flt, Q)
    # A union of scopes can join through multi-valued relations; distinct keeps rows single.
    spec = spec_for(qs.model)
    return qs.filter(flt).distinct() if spec.participants else qs.filter(flt)


def user_has_permission_for_instance(user: AnyUser, action: Action, obj: models.Model) -> bool:
    model = type(obj)
    return instances_user_has_permission_for(user, action, model).filter(pk=obj.pk).exists()


def departments_user_acts_for(user: AnyUser, action: Action = Action.CHANGE) -> list[Any]:
    """Departments in which the user may create records (for forms' department choices)."""
    from .models import Department

    qs = Department.objects.all()
    result: list[Any] = []
    for a in _assignments(user):
        scope = ROLE_SCOPES.get(a.role, {}).get(action, Scope.NONE)
        if scope is Scope.ALL:
            return list(qs)
        if scope is Scope.DEPARTMENT and a.department:
            result.append(a.department)
        if scope is Scope.DEPARTMENT_AND_BELOW and a.department:
            result.extend(qs.filter(path__startswith=a.department.path))
    seen: set[int] = set()
    unique = []
    for d in result:
        if d.pk not in seen:
            seen.add(d.pk)
            unique.append(d)
    return unique


def is_staff_role(user: AnyUser, roles: Iterable[str] | None = None) -> bool:
    have = user_roles(user)
    return bool(have & set(roles)) if roles is not None else bool(have)
