"""Inspector status, declared conflicts, library rules and adjustments, object codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from shuangsuiji.audit.models import AuditEvent
from shuangsuiji.directory.models import Conflict, LibraryAdjustment, Target, TargetLibrary
from shuangsuiji.directory.objcode import is_object_code, make_object_code
from shuangsuiji.directory.uscc import make_uscc
from tests.conftest import PASSWORD, County


def login(county: County, role: str) -> Client:
    c = Client()
    assert c.login(username=county.users[role].username, password=PASSWORD)
    return c


@pytest.fixture
def target(county: County) -> Target:
    return Target.objects.create(
        region=county.region,
        credit_code=make_uscc("9", "1", "411523", "MA9XK3T8"),
        name="新县鑫源农家乐有限公司",
        kind="企业",
        status="存续",
        legal_rep="胡德明",
        address="河南省信阳市新县香山湖管理区香山路18号",
        industry_code="H6210",
        risk_class="B",
    )


@pytest.mark.django_db
def test_inspector_declares_own_conflict(county: County, target: Target) -> None:
    own = county.inspectors["own"]
    c = login(county, "inspector")
    response = c.post(
        reverse("web:inspector_conflicts", args=[own.pk]),
        {
            "credit_code": target.credit_code,
            "reason": "配偶在该企业任职",
            "valid_from": "2026-11-28",
            "valid_to": "",
        },
    )
    assert response.status_code == 302
    conflict = Conflict.objects.get()
    assert conflict.inspector == own and conflict.target == target
    event = AuditEvent.objects.get()
    assert event.action == "conflict.declare" and "配偶" in event.payload


@pytest.mark.django_db
def test_conflict_with_reversed_dates_is_refused_and_nothing_saved(
    county: County, target: Target
) -> None:
    own = county.inspectors["own"]
    login(county, "inspector").post(
        reverse("web:inspector_conflicts", args=[own.pk]),
        {
            "credit_code": target.credit_code,
            "reason": "亲属关系",
            "valid_from": "2026-11-28",
            "valid_to": "2026-01-01",
        },
    )
    assert not Conflict.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_inspector_cannot_declare_for_a_colleague(county: County, target: Target) -> None:
    other = county.inspectors["health_other"]
    response = login(county, "inspector").post(
        reverse("web:inspector_conflicts", args=[other.pk]),
        {"credit_code": target.credit_code, "reason": "x", "valid_from": "2026-11-28"},
    )
    assert response.status_code == 404
    assert not Conflict.objects.exists()


@pytest.mark.django_db
def test_department_sets_status_but_inspector_cannot_change_own(county: County) -> None:
    own = county.inspectors["own"]
    assert (
        login(county, "inspector")
        .post(reverse("web:inspector_status", args=[own.pk]), {"status": "停用"})
        .status_code
        == 403
    )
    own.refresh_from_db()
    assert own.status == "在岗"
    login(county, "dept_admin").post(
        reverse("web:inspector_status", args=[own.pk]), {"status": "停用"}
    )
    own.refresh_from_db()
    assert own.status == "停用"
    assert not own.drawable_on(dt.date(2026, 11, 28))
    assert own.history.count() == 2  # created, then the status change


@pytest.mark.django_db
def test_library_rules_and_adjustments(county: County, target: Target) -> None:
    c = login(county, "dept_admin")
    url = reverse("web:library_edit", args=[county.health.pk])
    township = county.region.children.create(code="411523100", name="新集镇")
    assert (
        c.post(
            url,
            {
                "form": "rules",
                "kinds": ["企业", "个体工商户"],
                "industry_prefixes": "H62 ，H61",
                "townships": [township.pk],
            },
        ).status_code
        == 302
    )
    library = TargetLibrary.objects.get(department=county.health)
    assert library.kinds == ["个体工商户", "企业"] and library.industry_prefixes == ["H61", "H62"]
    assert library.township_codes == ["411523100"]
    assert (
        c.post(
            url,
            {
                "form": "adjust",
                "credit_code": target.credit_code,
                "included": "0",
                "reason": "已转型为纯线上经营",
            },
        ).status_code
        == 302
    )
    adj = LibraryAdjustment.objects.get()
    assert adj.included is False and adj.reason == "已转型为纯线上经营"
    assert [e.action for e in AuditEvent.objects.order_by("seq")] == [
        "library.rules",
        "library.remove",
    ]


@pytest.mark.django_db
def test_library_refuses_bad_industry_codes(county: County) -> None:
    c = login(county, "dept_admin")
    c.post(
        reverse("web:library_edit", args=[county.health.pk]),
        {"form": "rules", "industry_prefixes": "餐饮"},
    )
    assert TargetLibrary.objects.get(department=county.health).industry_prefixes == []
    assert not AuditEvent.objects.exists()


def test_object_codes_for_non_market_objects() -> None:
    code = make_object_code("C", "411523", 12)
    assert len(code) == 18 and code.startswith("ZC411523")
    assert is_object_code(code)
    for i in range(2, 18):
        changed = code[:i] + ("1" if code[i] != "1" else "2") + code[i + 1 :]
        assert not is_object_code(changed)
    with pytest.raises(ValueError):
        make_object_code("S", "411523", 1)


@pytest.mark.django_db
def test_library_takes_a_whole_section_letter_but_not_other_words(county: County) -> None:
    c = login(county, "dept_admin")
    url = reverse("web:library_edit", args=[county.health.pk])
    c.post(url, {"form": "rules", "industry_prefixes": "C, H62"})
    assert TargetLibrary.objects.get(department=county.health).industry_prefixes == ["C", "H62"]
    for bad in ("餐", "Z", "H620001", "62"):
        c.post(url, {"form": "rules", "industry_prefixes": bad})
        assert TargetLibrary.objects.get(department=county.health).industry_prefixes == [
            "C",
            "H62",
        ], bad
