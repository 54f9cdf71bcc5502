"""一单两库 over the API: the item list, the market-entity register and the inspectors."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from ninja import Path, Query, Router

from shuangsuiji.directory import services
from shuangsuiji.directory.models import InspectionItem, Inspector, Target, TargetLibrary
from shuangsuiji.directory.search import (
    TargetFilters,
    public_target_search,
    target_search,
)
from shuangsuiji.organizations import policy

from ..auth import OPTIONAL, OPTIONAL_SECURITY, REQUIRED
from ..common import caller, department_ref, one, page, responses, staff, visible
from ..errors import ApiNotFound
from ..schemas import (
    MAX_ID,
    InspectorFilters,
    InspectorOut,
    InspectorPage,
    ItemFilters,
    ItemOut,
    ItemPage,
    ItemUpdateIn,
    PageIn,
    TargetFiltersIn,
    TargetOut,
    TargetPage,
)

router = Router(tags=["directory 一单两库"])


def item_json(item: InspectionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "department": department_ref(item.department),
        "code": item.code,
        "name": item.name,
        "legal_basis": item.legal_basis,
        "inspecting_body": item.inspecting_body,
        "content": item.content,
        "method": item.method,
        "target_kind": item.target_kind,
        "is_key": item.is_key,
        "active": item.active,
        "is_published": item.is_published,
    }


@router.get(
    "/items",
    response=responses(ItemPage),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Inspection items (随机抽查事项清单)",
)
def list_items(
    request: HttpRequest, filters: Query[ItemFilters], params: Query[PageIn]
) -> dict[str, Any]:
    """Without a token: the published items.  With one: also the drafts of the
    departments the account works in."""
    qs = visible(caller(request), InspectionItem.objects.select_related("department"))
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.q:
        qs = qs.filter(Q(code__icontains=filters.q) | Q(name__contains=filters.q))
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    if filters.is_key is not None:
        qs = qs.filter(is_key=filters.is_key)
    return page(qs.order_by("department__sort_order", "department_id", "code"), params, item_json)


@router.get(
    "/items/{item_id}",
    response=responses(ItemOut),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One inspection item",
)
def get_item(request: HttpRequest, item_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    qs = visible(caller(request), InspectionItem.objects.select_related("department"))
    return item_json(one(qs, item_id))


@router.patch(
    "/items/{item_id}",
    response=responses(ItemOut),
    auth=REQUIRED,
    summary="Change an inspection item",
)
def update_item(
    request: HttpRequest, body: ItemUpdateIn, item_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """The item page's edit: same service, same audit row (``item.update`` with each
    changed field's before and after).  Fields left out or null stay as they are."""
    user = staff(request)
    item = one(visible(user, InspectionItem.objects.select_related("department")), item_id)
    data = {k: (str(v) if k == "method" else v) for k, v in body.dict(exclude_none=True).items()}
    with transaction.atomic():
        updated = services.item_update(item=item, actor=user, data=data)
    return item_json(InspectionItem.objects.select_related("department").get(pk=updated.pk))


# --- targets --------------------------------------------------------------------------------


def target_json(target: Target, *, staff_view: bool) -> dict[str, Any]:
    township = target.township
    return {
        "id": target.pk,
        "credit_code": target.credit_code,
        "name": target.name,
        "kind": target.kind,
        "status": target.status,
        "address": target.address,
        "township": township.name if township is not None else None,
        "industry_code": target.industry_code,
        "founded_on": target.founded_on,
        "abnormal_operation": target.abnormal_operation,
        # The public portal shows registry facts only; risk classes are for internal
        # supervision (分类结果用于内部监管) and people's phones are nobody's business.
        "risk_class": target.risk_class if staff_view else None,
        "legal_rep": target.legal_rep if staff_view else None,
        "phone": target.phone if staff_view else None,
    }


@router.get(
    "/targets",
    response=responses(TargetPage),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Market entities (检查对象名录库), keyset pages",
)
def list_targets(request: HttpRequest, filters: Query[TargetFiltersIn]) -> dict[str, Any]:
    """Keyset pages: pass a page's ``next_cursor`` as ``after`` for the next one (no
    offsets, so the tenth million row is as fast as the first).  Without a token this is
    the portal's search: a name or credit code is needed, and only registry facts show."""
    user = caller(request)
    staff_view = bool(policy.user_roles(user))
    library = None
    if filters.library is not None:
        library = (
            visible(user, TargetLibrary.objects.select_related("department"))
            .filter(department_id=filters.library)
            .first()
        )
        if library is None:
            raise ApiNotFound()
    search = TargetFilters(
        q=filters.q,
        township_id=filters.township,
        kind=str(filters.kind or ""),
        risk_class=str(filters.risk_class or "") if staff_view else "",
        status=str(filters.status or ""),
        library=library,
    )
    if staff_view:
        result = target_search(user=user, filters=search, after=filters.after, limit=filters.limit)
    elif not filters.q.strip():
        return {"items": [], "next_cursor": None}
    else:
        result = public_target_search(filters=search, after=filters.after, limit=filters.limit)
    return {
        "items": [target_json(t, staff_view=staff_view) for t in result.items],
        "next_cursor": result.next_cursor,
    }


@router.get(
    "/targets/{target_id}",
    response=responses(TargetOut),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One market entity",
)
def get_target(request: HttpRequest, target_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    user = caller(request)
    staff_view = bool(policy.user_roles(user))
    # The register is public registry information (企业信用信息公示), as on the portal.
    qs = visible(user, Target) if staff_view else Target.objects.all()
    return target_json(one(qs.select_related("township"), target_id), staff_view=staff_view)


# --- inspectors -----------------------------------------------------------------------------


def inspector_json(inspector: Inspector) -> dict[str, Any]:
    return {
        "id": inspector.pk,
        "department": department_ref(inspector.department),
        "name": inspector.name,
        "gender": inspector.gender,
        "position": inspector.position,
        "expertise": [str(e) for e in inspector.expertise or []],
        "certificate_no": inspector.certificate_no,
        "certificate_valid_from": inspector.certificate_valid_from,
        "certificate_valid_to": inspector.certificate_valid_to,
        "status": inspector.status,
    }


@router.get(
    "/inspectors",
    response=responses(InspectorPage),
    auth=REQUIRED,
    summary="Inspectors (执法检查人员名录库)",
)
def list_inspectors(
    request: HttpRequest, filters: Query[InspectorFilters], params: Query[PageIn]
) -> dict[str, Any]:
    qs = visible(staff(request), Inspector.objects.select_related("department"))
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(certificate_no__contains=filters.q))
    qs = qs.order_by("department__sort_order", "department_id", "name", "pk")
    return page(qs, params, inspector_json)


@router.get(
    "/inspectors/{inspector_id}",
    response=responses(InspectorOut),
    auth=REQUIRED,
    summary="One inspector",
)
def get_inspector(
    request: HttpRequest, inspector_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    qs = visible(staff(request), Inspector.objects.select_related("department"))
    return inspector_json(one(qs, inspector_id))
