"""Results feed back into the lists: a published result whose category proposes an
abnormal-operation entry (通过登记的住所（经营场所）无法联系, 《企业信息公示暂行条例》第十七条)
raises an :class:`AbnormalProposal`.  Nothing is listed until the responsible department
(the result's own; lead administrators too) confirms it with the decision's document
number, or rejects it with a reason."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import NotAllowed
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Department, User
from shuangsuiji.organizations.policy import Action, AnyUser

from ..errors import CreditError
from ..models_lists import (
    ABNORMAL_LIST,
    AbnormalProposal,
    CreditList,
    CreditListEntry,
    ProposalStatus,
)
from .lists import create_entry

if TYPE_CHECKING:
    from shuangsuiji.results.models import Result


def proposal_from_result(result: Result) -> AbnormalProposal | None:
    """Called by ``result_publish`` inside its transaction, after the result is published."""
    if not result.category.proposes_abnormal:
        return None
    reason = result.category.name
    if result.public_text:
        reason = f"{reason}。{result.public_text}"
    proposal = AbnormalProposal.objects.create(
        result=result, target=result.target, department=result.department, reason=reason
    )
    chain.record(
        actor=result.reviewed_by,
        action="credit.proposal.create",
        obj=proposal,
        payload={
            "result": result.pk,
            "task": result.task.number,
            "credit_code": result.target.credit_code,
            "category": result.category.name,
        },
    )
    return proposal


def deciding_department_for(user: AnyUser, proposal: AbnormalProposal) -> Department | None:
    """The department in whose name ``user`` decides: the result's department when the user
    acts for it, else the lead department of a lead administrator; None: may not decide."""
    acting = policy.departments_user_acts_for(user, Action.CHANGE)
    for dept in acting:
        if dept.pk == proposal.department_id:
            return dept
    for dept in acting:
        if dept.is_lead:
            return dept
    return None


def _lock_pending(actor: User, proposal: AbnormalProposal) -> tuple[AbnormalProposal, Department]:
    locked = (
        AbnormalProposal.objects.select_for_update(of=("self",))
        .select_related("target", "department", "result")
        .get(pk=proposal.pk)
    )
    department = deciding_department_for(actor, locked)
    if department is None:
        raise NotAllowed(_("Only the responsible department decides on this proposal."))
    if locked.status != ProposalStatus.PENDING:
        raise CreditError(_("This proposal has already been decided."))
    return locked, department


@transaction.atomic
def proposal_confirm(
    *,
    actor: User,
    proposal: AbnormalProposal,
    document_no: str,
    authority: str,
    start_date: dt.date,
    reason: str = "",
) -> CreditListEntry:
    """Confirm: the entity goes on the abnormal-operation list from ``start_date``."""
    locked, department = _lock_pending(actor, proposal)
    credit_list = CreditList.objects.filter(code=ABNORMAL_LIST).first()
    if credit_list is None:
        raise CreditError(_("The abnormal-operation list is not set up."))
    entry = create_entry(
        actor=actor,
        credit_list=credit_list,
        department=department,
        credit_code=locked.target.credit_code,
        entity_name=locked.target.name,
        reason=(reason or "").strip() or locked.reason,
        authority=authority,
        document_no=document_no,
        start_date=start_date,
    )
    locked.status = ProposalStatus.CONFIRMED
    locked.entry = entry
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save()
    chain.record(
        actor=actor,
        action="credit.proposal.confirm",
        obj=locked,
        payload={
            "credit_code": locked.target.credit_code,
            "entry": entry.pk,
            "document_no": entry.document_no,
            "start_date": start_date.isoformat(),
        },
    )
    return entry


@transaction.atomic
def proposal_reject(*, actor: User, proposal: AbnormalProposal, reason: str) -> AbnormalProposal:
    reason = (reason or "").strip()
    if not reason:
        raise CreditError(_("Say why the proposal is rejected."), field="reason")
    locked, _department = _lock_pending(actor, proposal)
    locked.status = ProposalStatus.REJECTED
    locked.rejection_reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save()
    chain.record(
        actor=actor,
        action="credit.proposal.reject",
        obj=locked,
        payload={"credit_code": locked.target.credit_code, "reason": reason},
    )
    return locked
