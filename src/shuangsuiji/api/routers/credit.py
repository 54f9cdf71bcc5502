"""The participation answer (联合惩戒查询, R10): may this entity take part in this activity
on this day, and if not, why.  Public, as the portal's answer page: the same selectors
give the same answer from the same facts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from shuangsuiji.credit import selectors
from shuangsuiji.credit.models_lists import Activity

from ..auth import OPTIONAL, OPTIONAL_SECURITY
from ..common import responses
from ..schemas import AnswerIn, AnswerOut

router = Router(tags=["credit 信用监管"])


@router.get(
    "/credit/answer",
    response=responses(AnswerOut),
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_SECURITY,
    summary="May this entity take part in this activity (联合惩戒查询)?",
)
def participation_answer(request: HttpRequest, query: Query[AnswerIn]) -> dict[str, Any]:
    """``allowed`` and every restriction in force: list, reason, deciding authority,
    document number, period and the legal basis of the restriction.  A malformed credit
    code is a 400 naming the field."""
    checked = selectors.participation_query(
        credit_code=query.credit_code,
        activity=str(query.activity),
        date=query.date.isoformat() if query.date else None,
        today=timezone.localdate(),
    )
    answer = selectors.participation_answer(
        credit_code=checked.credit_code, activity=checked.activity, day=checked.day
    )
    body = answer.to_json()
    body["activity_label"] = str(Activity(checked.activity).label)
    return body
