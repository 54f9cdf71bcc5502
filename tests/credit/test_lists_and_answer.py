"""The lists: who may place entities on them, periods honoured to the day, the credit
record, the register's flag, and the participation answer with every reason."""

from __future__ import annotations

import datetime as dt

import pytest

from shuangsuiji.audit.chain import verify_chain
from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.credit import selectors
from shuangsuiji.credit import services as svc
from shuangsuiji.credit.errors import CreditError
from shuangsuiji.credit.models import (
    Activity,
    CreditEntryKind,
    CreditListEntry,
    CreditRecordEntry,
    EffectKind,
    EffectRule,
)
from shuangsuiji.credit.participation import EntryFacts, answer, period_covers
from shuangsuiji.errors import NotAllowed
from tests.credit.conftest import OUTSIDER, Register

pytestmark = pytest.mark.django_db

D = dt.date


def add(r: Register, list_code: str = "abnormal", n: int = 0, **kw: object) -> CreditListEntry:
    args: dict[str, object] = dict(
        actor=r.county.users["lead_admin"],
        credit_list=r.lst(list_code),
        credit_code=r.targets[n].credit_code,
        reason="通过登记的住所或者经营场所无法联系",
        authority="新县市场监督管理局",
        document_no=f"新市监异列〔2026〕{n + 1}号",
        start_date=D(2026, 3, 5),
    )
    args.update(kw)
    return svc.list_entry_add(**args)  # type: ignore[arg-type]


def test_period_covers_start_day_and_not_removal_day() -> None:
    start, end = D(2026, 3, 5), D(2026, 9, 1)
    assert not period_covers(start, end, D(2026, 3, 4))
    assert period_covers(start, end, D(2026, 3, 5))  # the start day is on the list
    assert period_covers(start, end, D(2026, 8, 31))
    assert not period_covers(start, end, D(2026, 9, 1))  # the removal day is off it
    assert period_covers(start, None, D(2099, 1, 1))


def test_pure_answer_lists_every_restricting_entry() -> None:
    facts = [
        EntryFacts(
            "abnormal",
            "经营异常名录",
            "未按期公示年报",
            "新县市场监督管理局",
            "A1",
            D(2026, 1, 10),
            None,
        ),
        EntryFacts(
            "dishonest_debtor",
            "失信被执行人名单",
            "有履行能力而拒不履行",
            "新县人民法院",
            "（2026）豫1523执88号",
            D(2026, 2, 1),
            D(2026, 6, 1),
        ),
        EntryFacts(
            "major_tax", "重大税收违法失信主体名单", "偷税", "税务局", "T1", D(2026, 1, 1), None
        ),
    ]
    got = answer(
        credit_code="X",
        entity_name="某公司",
        activity="procurement",
        day=D(2026, 5, 31),
        entries=facts,
        restricting={"abnormal": "条例第十八条", "dishonest_debtor": "备忘录"},
    )
    assert not got.allowed
    assert [r.list_code for r in got.restrictions] == ["abnormal", "dishonest_debtor"]
    assert got.restrictions[0].legal_basis == "条例第十八条"
    later = answer(
        credit_code="X",
        entity_name="",
        activity="procurement",
        day=D(2026, 6, 1),
        entries=facts,
        restricting={"dishonest_debtor": "备忘录"},
    )
    assert later.allowed and later.to_json()["restrictions"] == []


def test_list_period_honoured_at_start_and_removal_day(register: Register) -> None:
    code = register.targets[0].credit_code
    entry = add(register, start_date=D(2026, 3, 5))
    svc.list_entry_remove(
        actor=register.county.users["lead_admin"],
        entry=entry,
        end_date=D(2026, 9, 1),
        reason="已补报年度报告并公示",
        document_no="新市监异移〔2026〕3号",
    )

    def allowed(day: dt.date) -> bool:
        return selectors.participation_answer(
            credit_code=code, activity=Activity.PROCUREMENT, day=day
        ).allowed

    assert allowed(D(2026, 3, 4))
    assert not allowed(D(2026, 3, 5))
    assert not allowed(D(2026, 8, 31))
    assert allowed(D(2026, 9, 1))


def test_entity_on_two_lists_gets_both_reasons_with_basis(register: Register) -> None:
    code = register.targets[1].credit_code
    add(register, n=1, start_date=D(2026, 2, 1))
    add(
        register,
        "dishonest_debtor",
        n=1,
        reason="有履行能力而拒不履行生效法律文书确定义务",
        authority="新县人民法院",
        document_no="（2026）豫1523执188号",
        start_date=D(2026, 4, 1),
    )
    got = selectors.participation_answer(credit_code=code, activity="bidding", day=D(2026, 5, 1))
    assert not got.allowed
    by_list = {r.list_code: r for r in got.restrictions}
    assert set(by_list) == {"abnormal", "dishonest_debtor"}
    assert by_list["dishonest_debtor"].authority == "新县人民法院"
    assert by_list["dishonest_debtor"].document_no == "（2026）豫1523执188号"
    assert "第十八条" in by_list["abnormal"].legal_basis
    assert got.entity_name == register.targets[1].name


def test_a_rule_switched_off_stops_restricting(register: Register) -> None:
    code = register.targets[2].credit_code
    add(register, n=2, start_date=D(2026, 1, 5))
    EffectRule.objects.filter(
        credit_list__code="abnormal", effect=EffectKind.RESTRICT, activity="honours"
    ).update(active=False)
    day = D(2026, 6, 1)
    assert selectors.participation_answer(credit_code=code, activity="honours", day=day).allowed
    assert not selectors.participation_answer(
        credit_code=code, activity="land_transfer", day=day
    ).allowed


def test_entity_outside_the_register_can_be_listed_and_answered(register: Register) -> None:
    with pytest.raises(CreditError):
        add(register, "dishonest_debtor", credit_code=OUTSIDER, document_no="（2026）豫1502执1号")
    add(
        register,
        "dishonest_debtor",
        credit_code=OUTSIDER,
        entity_name="信阳市浉河区某建材有限公司",
        document_no="（2026）豫1502执1号",
    )
    got = selectors.participation_answer(
        credit_code=OUTSIDER, activity="procurement", day=D(2026, 4, 1)
    )
    assert not got.allowed and got.entity_name == "信阳市浉河区某建材有限公司"


def test_adding_and_removing_keep_credit_record_flag_and_audit(register: Register) -> None:
    target = register.targets[3]
    entry = add(register, n=3, start_date=register.today - dt.timedelta(days=10))
    target.refresh_from_db()
    assert target.abnormal_operation
    svc.list_entry_remove(
        actor=register.county.users["lead_admin"],
        entry=entry,
        end_date=register.today,
        reason="已依法补报",
    )
    target.refresh_from_db()
    assert not target.abnormal_operation  # off the list on the removal day
    kinds = list(
        CreditRecordEntry.objects.filter(target=target)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [CreditEntryKind.LIST_ENTRY_ADDED, CreditEntryKind.LIST_ENTRY_REMOVED]
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["credit.list_entry.add", "credit.list_entry.remove"]
    assert verify_chain().ok


def test_removal_needs_reason_and_a_day_not_before_the_start(register: Register) -> None:
    entry = add(register, n=4)
    lead = register.county.users["lead_admin"]
    with pytest.raises(CreditError):
        svc.list_entry_remove(actor=lead, entry=entry, end_date=D(2026, 9, 1), reason="  ")
    with pytest.raises(CreditError):
        svc.list_entry_remove(actor=lead, entry=entry, end_date=D(2026, 3, 4), reason="已改正")
    svc.list_entry_remove(actor=lead, entry=entry, end_date=D(2026, 9, 1), reason="已改正")
    with pytest.raises(CreditError):
        svc.list_entry_remove(actor=lead, entry=entry, end_date=D(2026, 10, 1), reason="再次")


def test_same_decision_twice_is_refused(register: Register) -> None:
    add(register, n=5)
    with pytest.raises(CreditError):
        add(register, n=5)
    with pytest.raises(CreditError):
        add(register, n=5, credit_code="91411523MA40K7PQ3Y", document_no="X1")  # bad check


def test_other_department_cannot_add_and_supervisor_is_read_only(register: Register) -> None:
    users = register.county.users
    for who in ("dept_admin", "supervisor", "inspector"):
        with pytest.raises(NotAllowed):
            add(register, n=6, actor=users[who])
    assert svc.deciding_department(users["sysadmin"], register.lst("abnormal")) is not None
    # The tax list decided by the health department (configured in the admin): its admins
    # may add; the lead department may too; the supervisor still may not.
    tax = register.lst("major_tax")
    tax.department = register.county.health
    tax.save()
    entry = add(register, "major_tax", n=6, actor=users["dept_admin"], document_no="税1")
    assert entry.department == register.county.health
    add(register, "major_tax", n=7, document_no="税2")
    entry = CreditListEntry.objects.get(document_no="税1")
    with pytest.raises(NotAllowed):
        svc.list_entry_remove(
            actor=users["supervisor"], entry=entry, end_date=D(2026, 9, 1), reason="督查"
        )
    assert CreditListEntry.objects.count() == 2


def test_lists_are_public_and_proposals_are_not(register: Register) -> None:
    from django.contrib.auth.models import AnonymousUser

    add(register, n=8)
    anonymous = AnonymousUser()
    assert selectors.list_entries(user=anonymous, state="all").count() == 1
    assert (
        selectors.credit_lists(user=anonymous, day=D(2026, 4, 1)).get(code="abnormal").in_force == 1
    )
    assert selectors.proposal_inbox(user=anonymous).count() == 0
    assert selectors.risk_history(user=anonymous, credit_code="x").count() == 0
