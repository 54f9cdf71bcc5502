"""Results (检查结果), review and publication, follow-up; the published results (公示).

"谁检查、谁录入": a result is entered by an inspector on the target's team, with that
inspector's own token; it is reviewed and published by a department administrator's
token.  The full findings are staff data; the public reads publications only.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from shuangsuiji.directory.models import Target
from shuangsuiji.errors import DomainError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action, AnyUser
from shuangsuiji.results import services
from shuangsuiji.results.models import FollowUp, Publication, Result, ResultCategory
from shuangsuiji.tasks.models import Assignment, Task

from ..auth import OPTIONAL, OPTIONAL_SECURITY, REQUIRED
from ..common import caller, department_ref, one, page, responses, staff, visible
from ..errors import ApiNotFound
from ..schemas import (
    MAX_ID,
    FollowUpFilters,
    FollowUpIn,
    FollowUpOut,
    FollowUpPage,
    NoteIn,
    PageIn,
    PublicationFilters,
    PublicationOut,
    PublicationPage,
    ReasonIn,
    ResultFilters,
    ResultIn,
    ResultOut,
    ResultPage,
)

router = Router(tags=["results 检查结果"])

RESULT_ID = Path(..., ge=1, le=MAX_ID)


def results_for(user: AnyUser) -> QuerySet[Result]:
    """The results a member of staff may open, as on the result pages
    (``web.views_results._may_see``): the departments whose work the account sees, the
    results it entered, those of targets on whose team it is, and those referred to a
    department it acts for.  Never the public's: they read :class:`Publication`."""
    if not isinstance(user, User):
        return Result.objects.none()
    seen = [d.pk for d in policy.departments_user_acts_for(user, Action.VIEW)]
    acting = [d.pk for d in policy.departments_user_acts_for(user, Action.CHANGE)]
    on_team = Assignment.objects.filter(
        task=OuterRef("task"), target=OuterRef("target"), active=True, inspector__user=user
    )
    referred = FollowUp.objects.filter(result=OuterRef("pk"), department__in=acting)
    return Result.objects.filter(
        Q(department__in=seen) | Q(entered_by=user) | Q(Exists(on_team)) | Q(Exists(referred))
    )


def result_json(result: Result) -> dict[str, Any]:
    publication = getattr(result, "publication", None)
    return {
        "id": result.pk,
        "task_id": result.task_id,
        "task_number": result.task.number,
        "target_id": result.target_id,
        "target_name": result.target.name,
        "credit_code": result.target.credit_code,
        "department": department_ref(result.department),
        "status": result.status,
        "inspection_date": result.inspection_date,
        "result_date": result.result_date,
        "category": {"code": result.category.code, "name": result.category.name},
        "refused": result.refused,
        "findings": result.findings,
        "confidentiality": result.confidentiality,
        "public_findings": result.public_findings,
        "deadline": result.deadline,
        "deadline_provisional": result.deadline_provisional,
        "entered_by": result.entered_by.username,
        "submitted_at": result.submitted_at,
        "return_reason": result.return_reason,
        "reviewed_at": result.reviewed_at,
        "publication_id": publication.pk if publication is not None else None,
        "present": [
            {
                "inspector_id": p.inspector_id,
                "name": p.inspector.name,
                "certificate_no": p.inspector.certificate_no,
                "certificate_shown": p.certificate_shown,
            }
            for p in result.present.all()
        ],
        "outcomes": [
            {
                "item_id": o.item_id,
                "code": o.item.code,
                "name": o.item.name,
                "outcome": o.outcome,
                "note": o.note,
            }
            for o in result.item_outcomes.all()
        ],
    }


def _results(user: AnyUser) -> QuerySet[Result]:
    return (
        results_for(user)
        .select_related("task", "target", "department", "category", "entered_by")
        .prefetch_related("present__inspector", "item_outcomes__item")
    )


def _fresh(user: AnyUser, pk: int) -> dict[str, Any]:
    return result_json(one(_results(user), pk))


@router.get("/results", response=responses(ResultPage), auth=REQUIRED, summary="Results")
def list_results(
    request: HttpRequest, filters: Query[ResultFilters], params: Query[PageIn]
) -> dict[str, Any]:
    qs = _results(staff(request))
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.task:
        qs = qs.filter(task_id=filters.task)
    if filters.year:
        qs = qs.filter(task__year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(
            Q(target__name__contains=filters.q) | Q(target__credit_code__startswith=filters.q)
        )
    return page(qs.order_by("-result_date", "-pk"), params, result_json)


@router.get(
    "/results/{result_id}", response=responses(ResultOut), auth=REQUIRED, summary="One result"
)
def get_result(request: HttpRequest, result_id: int = RESULT_ID) -> dict[str, Any]:
    return _fresh(staff(request), result_id)


@router.put(
    "/tasks/{task_id}/targets/{target_id}/result",
    response=responses(ResultOut),
    auth=REQUIRED,
    summary="Enter or correct a result (an inspector on the target's team)",
)
def save_result(
    request: HttpRequest,
    body: ResultIn,
    task_id: int = Path(..., ge=1, le=MAX_ID),
    target_id: int = Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    """The entry page's save (and, with ``submit``, its "send for review"): the account's
    department's part of the result.  Only an inspector on the target's team may; anyone
    else gets 404, as on the page."""
    user = staff(request)
    task = Task.objects.filter(pk=task_id).first()
    target = Target.objects.filter(pk=target_id).first()
    if task is None or target is None or services.user_on_team(user, task, target) is None:
        raise ApiNotFound()
    category = ResultCategory.objects.filter(code=body.category).first()
    if category is None:
        raise DomainError(
            _("Unknown result category: %(c)s.") % {"c": body.category}, field="category"
        )
    data = services.ResultInput(
        inspection_date=body.inspection_date,
        result_date=body.result_date,
        category=category,
        findings=body.findings,
        refused=body.refused,
        confidentiality=str(body.confidentiality),
        public_findings=body.public_findings,
        present={p.inspector: p.certificate_shown for p in body.present},
        outcomes={o.item: (str(o.outcome), o.note) for o in body.outcomes},
    )
    # As the page does it: save, then submit, in one transaction.
    with transaction.atomic():
        saved = services.result_save(actor=user, task=task, target=target, data=data)
        if body.submit:
            services.result_submit(actor=user, result=saved)
    return _fresh(user, saved.pk)


@router.post(
    "/results/{result_id}/submit",
    response=responses(ResultOut),
    auth=REQUIRED,
    summary="Send a saved result for review",
)
def submit_result(request: HttpRequest, result_id: int = RESULT_ID) -> dict[str, Any]:
    user = staff(request)
    result = one(_results(user), result_id)
    with transaction.atomic():
        services.result_submit(actor=user, result=result)
    return _fresh(user, result.pk)


@router.post(
    "/results/{result_id}/publish",
    response=responses(ResultOut),
    auth=REQUIRED,
    summary="Approve and publish (公示) a submitted result",
)
def publish_result(request: HttpRequest, result_id: int = RESULT_ID) -> dict[str, Any]:
    """By a department administrator other than the inspector who entered it.  A joint
    task's part waits for the other departments' parts (``publication_id`` stays null
    until the result is published once, for all of them)."""
    user = staff(request)
    result = one(_results(user), result_id)
    with transaction.atomic():
        services.result_publish(actor=user, result=result)
    return _fresh(user, result.pk)


@router.post(
    "/results/{result_id}/return",
    response=responses(ResultOut),
    auth=REQUIRED,
    summary="Return a submitted result for correction",
)
def return_result(
    request: HttpRequest, body: ReasonIn, result_id: int = RESULT_ID
) -> dict[str, Any]:
    user = staff(request)
    result = one(_results(user), result_id)
    with transaction.atomic():
        services.result_return(actor=user, result=result, reason=body.reason)
    return _fresh(user, result.pk)


# --- follow-up ------------------------------------------------------------------------------


def followup_json(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "result_id": f.result_id,
        "action": f.action,
        "description": f.description,
        "department": department_ref(f.department),
        "referred_by": department_ref(f.referred_by),
        "due_date": f.due_date,
        "state": f.state,
        "closing_note": f.closing_note,
        "closed_at": f.closed_at,
        "created_at": f.created_at,
    }


def _followups(user: AnyUser) -> QuerySet[FollowUp]:
    return visible(user, FollowUp.objects.select_related("department", "referred_by"))


@router.post(
    "/results/{result_id}/follow-ups",
    response=responses(FollowUpOut, 201),
    auth=REQUIRED,
    summary="Record a follow-up (后续处置) or a referral (线索移送)",
)
def create_followup(
    request: HttpRequest, body: FollowUpIn, result_id: int = RESULT_ID
) -> Status[dict[str, Any]]:
    user = staff(request)
    result = one(_results(user), result_id)
    to_department = None
    if body.to_department is not None:
        to_department = Department.objects.filter(pk=body.to_department).first()
        if to_department is None:
            raise DomainError(
                _("Unknown department: %(id)s.") % {"id": body.to_department},
                field="to_department",
            )
    with transaction.atomic():
        follow_up = services.followup_create(
            actor=user,
            result=result,
            action=str(body.action),
            description=body.description,
            due_date=body.due_date,
            to_department=to_department,
        )
    created = FollowUp.objects.select_related("department", "referred_by").get(pk=follow_up.pk)
    return Status(201, followup_json(created))


@router.get(
    "/follow-ups",
    response=responses(FollowUpPage),
    auth=REQUIRED,
    summary="Follow-ups and referrals of the account's departments",
)
def list_followups(
    request: HttpRequest, filters: Query[FollowUpFilters], params: Query[PageIn]
) -> dict[str, Any]:
    qs = _followups(staff(request))
    if filters.department:
        qs = qs.filter(Q(department_id=filters.department) | Q(referred_by_id=filters.department))
    if filters.state:
        qs = qs.filter(state=filters.state)
    return page(qs.order_by("state", "due_date", "pk"), params, followup_json)


@router.post(
    "/follow-ups/{followup_id}/close",
    response=responses(FollowUpOut),
    auth=REQUIRED,
    summary="Close a follow-up with a note of what was done",
)
def close_followup(
    request: HttpRequest, body: NoteIn, followup_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    user = staff(request)
    follow_up = one(_followups(user), followup_id)
    with transaction.atomic():
        services.followup_close(actor=user, follow_up=follow_up, note=body.note)
    return followup_json(one(_followups(user), follow_up.pk))


# --- publications ---------------------------------------------------------------------------


def publication_json(p: Publication) -> dict[str, Any]:
    # Only the frozen snapshot fields: they are what the public read, whatever becomes
    # of the results behind them.
    return {
        "id": p.pk,
        "published_on": p.published_on,
        "target_name": p.target_name,
        "credit_code": p.credit_code,
        "task_number": p.task_number,
        "task_name": p.task_name,
        "department_name": p.department_name,
        "items": list(p.items or []),
        "inspection_date": p.inspection_date,
        "result_date": p.result_date,
        "category_name": p.category_name,
        "refused": p.refused,
        "public_text": p.public_text,
        "late": p.late,
        "working_days_late": p.working_days_late,
    }


def publications(user: AnyUser, filters: PublicationFilters | None = None) -> QuerySet[Publication]:
    qs = visible(user, Publication)
    if filters is None:
        return qs
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(credit_code=q.upper()) | Q(target_name__contains=q) | Q(task_number=q))
    if filters.department:
        dept = Department.objects.filter(pk=filters.department).first()
        # The department's name as printed on the notice (a joint result names each).
        qs = qs.filter(department_name__contains=dept.name) if dept else qs.none()
    if filters.year:
        qs = qs.filter(published_on__year=filters.year)
    if filters.published_from:
        qs = qs.filter(published_on__gte=filters.published_from)
    if filters.published_to:
        qs = qs.filter(published_on__lte=filters.published_to)
    return qs


@router.get(
    "/publications",
    response=responses(PublicationPage),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="Published results (公示)",
)
def list_publications(
    request: HttpRequest, filters: Query[PublicationFilters], params: Query[PageIn]
) -> dict[str, Any]:
    qs = publications(caller(request), filters).order_by("-published_on", "-pk")
    return page(qs, params, publication_json)


@router.get(
    "/publications/{publication_id}",
    response=responses(PublicationOut),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One published result",
)
def get_publication(
    request: HttpRequest, publication_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    return publication_json(one(publications(caller(request)), publication_id))
