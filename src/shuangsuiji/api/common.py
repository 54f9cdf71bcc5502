"""What every router shares: who is calling, pages, lookups that never reveal what lies
outside the caller's data scope, and the documented responses.

Write handlers call their service inside ``transaction.atomic()`` although every service
is atomic itself: a refusal by the database (a uniqueness rule → 409) then always rolls
back to before the request, also when the handler runs inside a larger transaction (a
test, a batch), and no half-written request can be reported as an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.errors import AuthenticationError

from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action, AnyUser

from .errors import ERROR_STATUSES, ApiNotFound
from .schemas import DepartmentRef, ErrorOut, PageIn

M = TypeVar("M", bound=models.Model)


def caller(request: HttpRequest) -> AnyUser:
    """The token's account, or the anonymous public on OPTIONAL operations."""
    user: AnyUser = request.auth  # type: ignore[attr-defined]
    return user


def staff(request: HttpRequest) -> User:
    """The token's account on REQUIRED operations (authentication has already run)."""
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def responses(ok: Any, status: int = 200) -> dict[Any, Any]:
    """The success schema plus every error status, each with :class:`ErrorOut`."""
    return {status: ok, ERROR_STATUSES: ErrorOut}


def visible(user: AnyUser, source: type[M] | QuerySet[M]) -> QuerySet[M]:
    return policy.instances_user_has_permission_for(user, Action.VIEW, source)


def one(qs: QuerySet[M], pk: int) -> M:
    """The row, or 404 — also when it exists but lies outside the caller's scope."""
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ApiNotFound()
    return obj


def department(pk: int) -> Department:
    """Departments are public (their names head every notice); unknown → 404."""
    return one(Department.objects.all(), pk)


def department_acted_for(user: AnyUser, pk: int, refusal: str) -> Department:
    """A department the caller may create records for, checked before anything in the
    request body is looked up (so a refusal never depends on what else was sent)."""
    dept = department(pk)
    if not any(d.pk == dept.pk for d in policy.departments_user_acts_for(user, Action.CHANGE)):
        raise NotAllowed(refusal)
    return dept


def department_ref(dept: Department | None) -> dict[str, Any] | None:
    return {"id": dept.pk, "name": dept.name} if dept is not None else None


def page(
    qs: QuerySet[M],
    params: PageIn,
    convert: Callable[[M], Any],
    *,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One page by limit and offset, with the total count."""
    rows: Iterable[M] = qs[params.offset : params.offset + params.limit]
    return {
        "count": qs.count(),
        "limit": params.limit,
        "offset": params.offset,
        "items": [convert(row) for row in rows],
        **(extra or {}),
    }


__all__ = [
    "DepartmentRef",
    "caller",
    "department",
    "department_ref",
    "one",
    "page",
    "responses",
    "staff",
    "visible",
]
