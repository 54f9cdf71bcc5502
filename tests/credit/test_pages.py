"""The credit pages: the public participation answer (page, print layout, JSON), the lists,
adding and removing entries, the proposals inbox, imports, the admin's rule table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.credit import services as svc
from shuangsuiji.credit.models import (
    AbnormalProposal,
    CreditListEntry,
    EffectKind,
    EffectRule,
    ProposalStatus,
)
from shuangsuiji.results.models import ResultCategory
from tests.conftest import PASSWORD
from tests.credit.conftest import OUTSIDER, RISK_HEADER, Dispatched, Register, write_csv
from tests.results.conftest import give_accounts  # noqa: F401 - used by the fixture

pytestmark = pytest.mark.django_db

D = dt.date


def login(client: Client, r: Register, who: str) -> Client:
    assert client.login(username=r.county.users[who].username, password=PASSWORD)
    return client


def listed(r: Register, n: int = 0, list_code: str = "abnormal", **kw: object) -> CreditListEntry:
    args: dict[str, object] = dict(
        actor=r.county.users["lead_admin"],
        credit_list=r.lst(list_code),
        credit_code=r.targets[n].credit_code,
        reason="未按规定期限公示年度报告",
        authority="新县市场监督管理局",
        document_no=f"新市监异列〔2026〕{n + 11}号",
        start_date=D(2026, 7, 1),
    )
    args.update(kw)
    return svc.list_entry_add(**args)  # type: ignore[arg-type]


def test_answer_page_is_public_printable_and_names_every_reason(
    client: Client, register: Register
) -> None:
    code = register.targets[0].credit_code
    listed(register)
    listed(
        register,
        list_code="dishonest_debtor",
        reason="拒不履行",
        authority="新县人民法院",
        document_no="（2026）豫1523执5号",
    )
    url = reverse("web:credit_answer")
    resp = client.get(url, {"credit_code": code, "activity": "procurement", "date": "2026-08-01"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'data-allowed="no"' in html
    assert "新市监异列〔2026〕11号" in html and "（2026）豫1523执5号" in html
    assert "第十八条" in html  # the legal basis is printed with the restriction
    assert "web/credit.css" in html
    css = (Path(__file__).parents[2] / "src/shuangsuiji/web/static/web/credit.css").read_text()
    assert "@media print" in css
    before = client.get(url, {"credit_code": code, "activity": "procurement", "date": "2026-06-30"})
    assert 'data-allowed="yes"' in before.content.decode()
    bad = client.get(url, {"credit_code": "123", "activity": "procurement"})
    assert bad.status_code == 400 and b'data-testid="error"' in bad.content


def test_json_answer_and_errors(client: Client, register: Register) -> None:
    code = register.targets[1].credit_code
    listed(register, n=1)
    api = reverse("web:api_credit_participation")
    assert api == "/api/credit/participation"
    resp = client.get(
        api, {"credit_code": code.lower(), "activity": "honours", "date": "2026-07-01"}
    )
    body = resp.json()
    assert resp.status_code == 200 and body["allowed"] is False
    (restriction,) = body["restrictions"]
    assert restriction["list_code"] == "abnormal"
    assert restriction["start_date"] == "2026-07-01" and restriction["end_date"] is None
    assert {"reason", "authority", "document_no", "legal_basis"} <= set(restriction)
    assert client.get(api, {"credit_code": OUTSIDER, "activity": "bidding"}).json()["allowed"]
    for params, field in [
        ({"credit_code": "91411523MA40K7PQ3Y", "activity": "bidding"}, "credit_code"),
        ({"credit_code": code, "activity": "lottery"}, "activity"),
        ({"credit_code": code, "activity": "bidding", "date": "2026-13-01"}, "date"),
    ]:
        err = client.get(api, params)
        assert err.status_code == 400
        assert err.json()["code"] == "invalid" and err.json()["field"] == field
        assert err.json()["message"]
    assert client.post(api, {"credit_code": code}).status_code == 405


def test_question_form_finds_by_code_or_name(client: Client, register: Register) -> None:
    target = register.targets[2]
    url = reverse("web:credit_participation")
    by_code = client.get(url, {"q": target.credit_code, "activity": "bidding"})
    assert by_code.status_code == 302 and target.credit_code in by_code["Location"]
    by_name = client.get(url, {"q": target.name, "activity": "bidding", "date": "2026-05-01"})
    assert by_name.status_code == 302 and "2026-05-01" in by_name["Location"]
    many = client.get(url, {"q": "新县", "activity": "bidding"})
    assert many.status_code == 200 and b'data-testid="candidates"' in many.content
    assert client.get(url).status_code == 200


def test_lists_and_entity_history_are_public(client: Client, register: Register) -> None:
    entry = listed(register, n=3)
    home = client.get(reverse("web:credit_home"))
    assert home.status_code == 200 and b'data-testid="list-abnormal"' in home.content
    page = client.get(reverse("web:credit_list", args=["abnormal"]), {"date": "2026-07-01"})
    assert entry.entity_name in page.content.decode()
    early = client.get(reverse("web:credit_list", args=["abnormal"]), {"date": "2026-06-30"})
    assert entry.entity_name not in early.content.decode()
    assert b'data-testid="add-entry"' not in page.content
    entity = client.get(reverse("web:credit_entity", args=[entry.credit_code]))
    assert entity.status_code == 200 and b'data-testid="list-history"' in entity.content
    assert b'data-testid="class-history"' not in entity.content  # internal
    assert client.get(reverse("web:credit_entry", args=[entry.pk])).status_code == 200
    assert client.get(reverse("web:credit_entity", args=[OUTSIDER])).status_code == 404


def test_adding_and_removing_on_the_pages(client: Client, register: Register) -> None:
    target = register.targets[4]
    add_url = reverse("web:credit_entry_add", args=["abnormal"])
    assert client.get(add_url).status_code == 302  # login first
    for who in ("dept_admin", "supervisor"):
        c = login(Client(), register, who)
        assert c.get(add_url).status_code == 403
        assert c.post(add_url, {"credit_code": target.credit_code}).status_code == 403
    login(client, register, "lead_admin")
    form = {
        "credit_code": target.credit_code,
        "reason": "通过登记的住所或者经营场所无法联系",
        "authority": "新县市场监督管理局",
        "document_no": "新市监异列〔2026〕99号",
        "start_date": "2026-08-01",
    }
    resp = client.post(add_url, form)
    entry = CreditListEntry.objects.get(document_no="新市监异列〔2026〕99号")
    assert resp.status_code == 302 and resp["Location"] == reverse(
        "web:credit_entry", args=[entry.pk]
    )
    again = client.post(add_url, form)
    assert again.status_code == 200 and "新市监异列〔2026〕99号" in again.content.decode()
    remove_url = reverse("web:credit_entry_remove", args=[entry.pk])
    supervisor = login(Client(), register, "supervisor")
    assert supervisor.post(remove_url, {"end_date": "2026-09-01", "reason": "x"}).status_code == 403
    assert client.post(remove_url, {"end_date": "2026-09-01", "reason": ""}).status_code == 400
    resp = client.post(remove_url, {"end_date": "2026-09-01", "reason": "已补报年度报告"})
    assert resp.status_code == 302
    entry.refresh_from_db()
    assert entry.end_date == D(2026, 9, 1)


def test_staff_see_the_class_history(client: Client, register: Register, tmp_path: Path) -> None:
    code = register.targets[5].credit_code
    path = write_csv(tmp_path / "c.csv", RISK_HEADER, [[code, "D", "2026-11-01"]])
    svc.risk_classes_import(path=path, actor=register.county.users["lead_admin"])
    login(client, register, "supervisor")
    resp = client.get(reverse("web:credit_entity", args=[code]))
    assert b'data-testid="class-history"' in resp.content and b"c.csv" in resp.content


def test_import_page_shows_problems_and_imports(
    client: Client, register: Register, tmp_path: Path
) -> None:
    url = reverse("web:credit_import")
    assert login(Client(), register, "inspector").get(url).status_code == 403
    login(client, register, "lead_admin")
    header = ["名单", "统一社会信用代码", "列入原因", "作出决定机关", "决定书文号", "列入日期"]
    good = register.targets[6].credit_code
    bad = write_csv(
        tmp_path / "bad.csv",
        header,
        [["经营异常名录", good, "未公示年报", "新县市场监督管理局", "异9", "2026-02-30"]],
    )
    with bad.open("rb") as f:
        resp = client.post(url, {"kind": "credit_list_entries", "file": f})
    assert resp.status_code == 200 and b'data-testid="errors"' in resp.content
    assert not CreditListEntry.objects.exists()
    ok = write_csv(
        tmp_path / "ok.csv",
        header,
        [["经营异常名录", good, "未公示年报", "新县市场监督管理局", "异9", "2026-02-28"]],
    )
    with ok.open("rb") as f:
        resp = client.post(url, {"kind": "credit_list_entries", "file": f})
    assert b'data-testid="outcome"' in resp.content
    assert CreditListEntry.objects.filter(credit_code=good).count() == 1


def test_proposals_inbox_confirm_and_reject(client: Client, dispatched: Dispatched) -> None:
    from shuangsuiji.results import services as results

    for n in (0, 1):
        target = dispatched.drawn[n]
        member = dispatched.member_user(target)
        data = dispatched.data(target, category=ResultCategory.objects.get(code="R04"))
        result = results.result_save(actor=member, task=dispatched.task, target=target, data=data)
        results.result_submit(actor=member, result=result)
        results.result_publish(actor=dispatched.admin, result=result)
    first, second = AbnormalProposal.objects.order_by("pk")
    users = dispatched.scenario.county.users
    supervisor = Client()
    supervisor.force_login(users["supervisor"])
    page = supervisor.get(reverse("web:credit_proposals"))
    assert page.status_code == 200 and b'data-testid="confirm-form"' not in page.content
    client.force_login(dispatched.admin)
    page = client.get(reverse("web:credit_proposals"))
    assert page.content.count(b'data-testid="confirm-form"') == 2
    resp = client.post(
        reverse("web:credit_proposal_confirm", args=[first.pk]),
        {
            f"p{first.pk}-document_no": "新卫健异列〔2026〕2号",
            f"p{first.pk}-authority": "新县卫生健康委员会",
            f"p{first.pk}-start_date": "2026-12-01",
        },
    )
    assert resp.status_code == 302
    first.refresh_from_db()
    assert first.status == ProposalStatus.CONFIRMED and first.entry is not None
    resp = client.post(
        reverse("web:credit_proposal_reject", args=[second.pk]),
        {f"p{second.pk}-reason": "复核已联系上"},
    )
    second.refresh_from_db()
    assert second.status == ProposalStatus.REJECTED
    assert CreditListEntry.objects.count() == 1
    assert (
        supervisor.post(
            reverse("web:credit_proposal_reject", args=[first.pk]), {f"p{first.pk}-reason": "x"}
        ).status_code
        == 403
    )


def test_rule_changes_in_the_admin_are_audited_with_values(
    client: Client, register: Register
) -> None:
    rule = EffectRule.objects.get(credit_list__code="abnormal", effect=EffectKind.TICKETS)
    login(client, register, "sysadmin")
    url = reverse("admin:credit_effectrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    resp = client.post(
        url,
        {
            "credit_list": rule.credit_list_id,
            "effect": "tickets",
            "activity": "",
            "tickets": "3",
            "stratum": "",
            "legal_basis": rule.legal_basis,
            "active": "on",
        },
    )
    assert resp.status_code == 302
    rule.refresh_from_db()
    assert rule.tickets == 3
    event = AuditEvent.objects.get(action="credit.effectrule.change")
    payload = json.loads(event.payload)
    assert payload["fields"] == ["tickets"] and payload["values"]["tickets"] == 3
    latest = rule.history.latest()  # type: ignore[attr-defined]
    assert latest.tickets == 3 and latest.history_user == register.county.users["sysadmin"]
    # Lead administrators do not reach the admin at all.
    assert login(Client(), register, "lead_admin").get(url).status_code == 302
