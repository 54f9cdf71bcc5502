"""Results feed the lists: 通过登记的住所（经营场所）无法联系 proposes an abnormal-list entry
that takes effect only when the responsible department confirms it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.credit import selectors
from shuangsuiji.credit import services as svc
from shuangsuiji.credit.errors import CreditError
from shuangsuiji.credit.models import (
    AbnormalProposal,
    CreditListEntry,
    ProposalStatus,
)
from shuangsuiji.directory.models import Target
from shuangsuiji.errors import NotAllowed
from shuangsuiji.results import services as results
from shuangsuiji.results.models import Result, ResultCategory
from tests.credit.conftest import Dispatched

pytestmark = pytest.mark.django_db


def publish(d: Dispatched, code: str, n: int = 0) -> Result:
    # A target the register does not already flag as abnormal (the generated register flags
    # some; which ones are drawn depends on the database's row order).
    target = [t for t in d.drawn if not t.abnormal_operation][n]
    member = d.member_user(target)
    data = d.data(
        target,
        category=ResultCategory.objects.get(code=code),
        findings="执法人员按登记住所实地核查，该处已改作他用，电话无人接听。",
    )
    result = results.result_save(actor=member, task=d.task, target=target, data=data)
    results.result_submit(actor=member, result=result)
    results.result_publish(actor=d.admin, result=result)
    return result


def test_unreachable_result_proposes_and_only_confirmation_lists(dispatched: Dispatched) -> None:
    result = publish(dispatched, "R04")
    proposal = AbnormalProposal.objects.get(result=result)
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.department == result.department
    target = Target.objects.get(pk=result.target_id)
    today = timezone.localdate()
    # Proposed is not listed: the answer, the register and the draw see nothing yet.
    assert not CreditListEntry.objects.exists() and not target.abnormal_operation
    assert selectors.participation_answer(
        credit_code=target.credit_code, activity="procurement", day=today
    ).allowed
    assert proposal in selectors.proposal_inbox(user=dispatched.admin)

    entry = svc.proposal_confirm(
        actor=dispatched.admin,
        proposal=proposal,
        document_no="新卫健异列〔2026〕1号",
        authority="新县卫生健康委员会",
        start_date=today,
    )
    proposal.refresh_from_db()
    target.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED and proposal.entry == entry
    assert entry.credit_list.code == "abnormal" and entry.target == target
    assert "无法联系" in entry.reason
    assert target.abnormal_operation
    got = selectors.participation_answer(
        credit_code=target.credit_code, activity="procurement", day=today
    )
    assert not got.allowed and got.restrictions[0].document_no == "新卫健异列〔2026〕1号"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"credit.proposal.create", "credit.proposal.confirm", "credit.list_entry.add"} <= actions
    assert verify_chain().ok
    with pytest.raises(CreditError):
        svc.proposal_reject(actor=dispatched.admin, proposal=proposal, reason="已决定")


def test_rejected_proposal_lists_nothing(dispatched: Dispatched) -> None:
    result = publish(dispatched, "R04")
    proposal = AbnormalProposal.objects.get(result=result)
    with pytest.raises(CreditError):
        svc.proposal_reject(actor=dispatched.admin, proposal=proposal, reason=" ")
    svc.proposal_reject(
        actor=dispatched.admin, proposal=proposal, reason="复核时已联系上，住所变更正在办理"
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.entry is None
    assert not CreditListEntry.objects.exists()


def test_other_categories_propose_nothing(dispatched: Dispatched) -> None:
    publish(dispatched, "R01")
    assert not AbnormalProposal.objects.exists()


def test_who_may_decide(dispatched: Dispatched) -> None:
    result = publish(dispatched, "R04")
    proposal = AbnormalProposal.objects.get(result=result)
    users = dispatched.scenario.county.users
    args = dict(
        document_no="X〔2026〕1号", authority="新县卫生健康委员会", start_date=dt.date(2026, 12, 1)
    )
    for who in ("supervisor", "inspector"):
        with pytest.raises(NotAllowed):
            svc.proposal_confirm(actor=users[who], proposal=proposal, **args)  # type: ignore[arg-type]
    assert proposal in selectors.proposal_inbox(user=users["supervisor"])  # reads, cannot decide
    # The lead department's administrators may decide any department's proposal.
    assert proposal in selectors.proposal_inbox(user=users["lead_admin"])
    entry = svc.proposal_confirm(actor=users["lead_admin"], proposal=proposal, **args)  # type: ignore[arg-type]
    assert entry.department == dispatched.scenario.county.lead
