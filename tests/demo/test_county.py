"""The demo county 新县: entities, departments, items, inspectors, demo logins."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from stdnum.cn import uscc as stdnum_uscc

from shuangsuiji.demo import county
from shuangsuiji.demo.county import (
    DEMO_PEOPLE,
    DEPARTMENTS,
    INDUSTRIES,
    INDUSTRY_BY_CODE,
    REFERENCE_DATE,
    TOWNSHIP_BY_CODE,
    TOWNSHIPS,
    EntityRow,
    all_items,
    entities,
    inspectors,
    items_for,
)
from shuangsuiji.demo.departments import DEPARTMENT_BY_CODE, MARKET_KINDS
from shuangsuiji.demo.industries import check_word_lists
from shuangsuiji.demo.names import shop_names
from shuangsuiji.directory.uscc import validate_uscc

N = 200_000
SEED = 411523
# The real township-level divisions of 新县, written out independently of the module.
REAL_TOWNSHIPS = {
    "新集镇", "沙窝镇", "吴陈河镇", "苏河镇", "八里畈镇", "周河乡", "陡山河乡", "浒湾乡",
    "千斤乡", "卡房乡", "郭家河乡", "陈店乡", "箭厂河乡", "泗店乡", "田铺乡", "金兰山街道",
    "香山湖管理区",
}  # fmt: skip
KIND_PREFIX = {"企业": "91", "个体工商户": "92", "农民专业合作社": "93"}


@pytest.fixture(scope="module")
def rows() -> list[EntityRow]:
    return list(entities(N, SEED))


def share(rows: list[EntityRow], predicate: Callable[[EntityRow], bool]) -> float:
    return sum(1 for r in rows if predicate(r)) / len(rows)


# --- entities ----------------------------------------------------------------------------


def test_every_credit_code_is_valid_for_us_and_for_stdnum(rows: list[EntityRow]) -> None:
    for row in rows:
        assert validate_uscc(row.credit_code) == [], row
        assert stdnum_uscc.is_valid(row.credit_code), row
        assert row.credit_code.startswith(KIND_PREFIX[row.kind] + "411523")


def test_codes_and_names_are_unique(rows: list[EntityRow]) -> None:
    assert len({r.credit_code for r in rows}) == N
    assert len({r.name for r in rows}) == N
    # Organisation codes identify an organisation nationally, whatever its kind.
    assert len({r.credit_code[8:17] for r in rows}) == N


def test_names_stay_unique_when_trade_names_run_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # With pools of 3 and 1 trade names every key goes through hundreds of rounds,
    # cycling through the branch places (第二, …, 第十一, …): the suffix scheme must hold.
    tables = county._Tables()
    tables.trade_names = tables.trade_names[:3]
    tables.shop_names = tables.shop_names[:1]
    monkeypatch.setattr(county, "_TABLES", tables)
    small = list(entities(60_000, 5))
    names = [r.name for r in small]
    assert len(set(names)) == len(names)
    assert any(n.endswith("分公司") for n in names)
    assert any("第二" in n for n in names)
    assert any(n.endswith("分社") for n in names)
    assert any(n.endswith("店）") for n in names)
    assert any(re.search("第十[一二三四五六七八九]", n) for n in names)


def test_round_numerals() -> None:
    assert [county._cn(n) for n in (2, 10, 11, 20, 23, 99, 100)] == [
        "二", "十", "十一", "二十", "二十三", "九十九", "100",
    ]  # fmt: skip


def test_kind_mix(rows: list[EntityRow]) -> None:
    kinds = Counter(r.kind for r in rows)
    assert abs(kinds["企业"] / N - 0.30) < 0.01
    assert abs(kinds["个体工商户"] / N - 0.62) < 0.01
    assert abs(kinds["农民专业合作社"] / N - 0.08) < 0.01


def test_status_risk_and_abnormal_mix(rows: list[EntityRow]) -> None:
    assert abs(share(rows, lambda r: r.status == "存续") - 0.92) < 0.01
    assert {r.status for r in rows} == {"存续", "注销", "吊销", "撤销", "迁出"}
    risks = Counter(r.risk_class for r in rows)
    for risk, expected in {"A": 0.45, "B": 0.35, "C": 0.15, "D": 0.05}.items():
        assert abs(risks[risk] / N - expected) < 0.01
    assert abs(share(rows, lambda r: r.abnormal_operation) - 0.04) < 0.01
    rate = {
        k: sum(r.abnormal for r in rows if r.risk_class == k)
        / sum(1 for r in rows if r.risk_class == k)
        for k in "ABCD"
    }
    assert rate["A"] < rate["B"] < rate["C"] < rate["D"]


def test_same_seed_same_rows_and_prefix_stability() -> None:
    first = list(entities(5_000, 3))
    assert first == list(entities(5_000, 3))
    assert list(entities(1_000, 3)) == first[:1_000]
    assert [r.credit_code for r in entities(100, 4)] != [r.credit_code for r in first[:100]]


def test_generators_leave_the_global_random_alone() -> None:
    state = random.getstate()
    list(entities(2_000, 1))
    list(inspectors(seed=1))
    assert random.getstate() == state


def test_addresses_are_in_a_real_township_of_the_row(rows: list[EntityRow]) -> None:
    for row in rows[:50_000]:
        township = TOWNSHIP_BY_CODE[row.township_code]
        assert township.name in REAL_TOWNSHIPS
        assert row.address.startswith("河南省信阳市新县" + township.name), row
        assert re.search(r"(\d+号|村\d+组)$", row.address), row


def test_names_follow_the_pattern_of_their_kind(rows: list[EntityRow]) -> None:
    for row in rows[:50_000]:
        if row.kind == "企业":
            assert row.name.endswith("公司") and row.name[:2] in ("新县", "信阳", "河南")
        elif row.kind == "农民专业合作社":
            assert row.name.startswith("新县") and row.name.endswith("社")
            assert "专业合作社" in row.name
        else:
            township = TOWNSHIP_BY_CODE[row.township_code].name
            assert row.name.startswith("新县" + township), row
            assert not row.name.endswith(("公司", "社"))


def test_surname_shop_names_belong_to_a_namesake(rows: list[EntityRow]) -> None:
    surnames = dict(shop_names())
    checked = 0
    for row in rows[:50_000]:
        if row.kind != "个体工商户":
            continue
        township = TOWNSHIP_BY_CODE[row.township_code].name
        shop = row.name[len("新县" + township) :][:2]
        if surnames.get(shop):
            assert row.legal_rep.startswith(surnames[shop]), row
            checked += 1
    assert checked > 1_000


def test_other_fields_are_well_formed(rows: list[EntityRow]) -> None:
    for row in rows[:50_000]:
        assert row.industry_code in INDUSTRY_BY_CODE
        assert INDUSTRY_BY_CODE[row.industry_code].weights[
            ("企业", "个体工商户", "农民专业合作社").index(row.kind)
        ], row
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", row.legal_rep), row
        assert re.fullmatch(r"1\d{10}|0376-29\d{5}", row.phone), row
        assert row.scope.endswith(("）", "。")) and len(row.scope) > 10
        assert date(1995, 1, 1) <= row.founded_on < REFERENCE_DATE
        if row.kind == "农民专业合作社":
            assert row.founded_on >= date(2007, 7, 1)
        # Codes issued after the 2015/2016 reforms carry an MA body.
        if row.founded_on >= date(2016, 12, 1):
            assert row.credit_code[8:10] == "MA"


def test_all_townships_and_many_industries_occur(rows: list[EntityRow]) -> None:
    assert {r.township_code for r in rows} == set(TOWNSHIP_BY_CODE)
    assert len({r.industry_code for r in rows}) == len(INDUSTRIES)


def test_entity_throughput_is_reported() -> None:
    start = time.perf_counter()
    count = sum(1 for _ in entities(100_000, 99))
    rate = count / (time.perf_counter() - start)
    print(f"\nentities(): {rate:,.0f} rows/second (single process)")


def test_demo_modules_do_not_import_django() -> None:
    code = (
        "import sys, shuangsuiji.demo.county, shuangsuiji.directory.uscc;"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError):
        list(entities(-1, 0))


# --- reference data ----------------------------------------------------------------------


def test_townships_are_the_real_seventeen() -> None:
    assert {t.name for t in TOWNSHIPS} == REAL_TOWNSHIPS
    assert len({t.code for t in TOWNSHIPS}) == len(TOWNSHIPS)
    first_digit = {"街道": "0", "镇": "1", "乡": "2", "管理区": "4"}
    for township in TOWNSHIPS:
        assert re.fullmatch(r"411523\d{3}", township.code)
        assert township.code[6] == first_digit[township.kind]  # GB/T 10114 ranges
        assert township.name.endswith(township.kind)
        assert township.roads and township.villages
    assert TOWNSHIP_BY_CODE["411523105"].name == "八里畈镇"


def test_word_lists_keep_names_readable() -> None:
    check_word_lists()
    names = [t.name for t in TOWNSHIPS]
    assert not [a for a in names for b in names if a != b and b.startswith(a)]


def test_industry_codes_look_like_gb4754_classes() -> None:
    assert len(INDUSTRIES) >= 40
    for industry in INDUSTRIES:
        assert re.fullmatch(r"[A-T]\d{4}", industry.code)
    assert {"C1530", "A0164", "H6210", "F5212", "E4710", "G5431", "H6130"} <= set(INDUSTRY_BY_CODE)


def test_departments() -> None:
    assert len(DEPARTMENTS) >= 12
    assert len({d.code for d in DEPARTMENTS}) == len(DEPARTMENTS)
    assert len({d.short_name for d in DEPARTMENTS}) == len(DEPARTMENTS)
    leads = [d for d in DEPARTMENTS if d.is_lead]
    assert [(d.code, d.name, d.short_name) for d in leads] == [
        ("SJ", "新县市场监督管理局", "新市监")
    ]
    names = {d.name for d in DEPARTMENTS}
    assert {"新县卫生健康委员会", "新县应急管理局", "国家税务总局新县税务局"} <= names
    assert sorted(d.sort_order for d in DEPARTMENTS) == list(range(1, len(DEPARTMENTS) + 1))


def test_items_of_every_department() -> None:
    methods = {"书面检查", "实地核查", "网络监测", "专业机构核查"}
    all_codes = [i.code for i in all_items()]
    assert len(set(all_codes)) == len(all_codes)
    for dept in DEPARTMENTS:
        items = items_for(dept.code)
        assert 3 <= len(items) <= 8, dept.code
        assert any(i.is_key for i in items), dept.code
        for item in items:
            assert item.code.startswith(dept.code + "-")
            assert item.department_code == dept.code
            assert item.method in methods
            assert set(item.target_kinds) <= {"企业", "个体工商户", "农民专业合作社", "其他"}
            assert item.target_kind == "、".join(item.target_kinds)
            assert item.key_label in ("重点", "一般")
            assert "《" in item.legal_basis and item.inspecting_body and item.content
            # Every industry prefix reaches at least one generated industry.
            for prefix in item.industry_codes:
                assert any(i.code.startswith(prefix) for i in INDUSTRIES), (item.code, prefix)


def test_market_supervision_items_cover_every_kind(rows: list[EntityRow]) -> None:
    items = items_for("SJ")
    for kind in MARKET_KINDS:
        assert any(kind in i.target_kinds for i in items)
    food = next(i for i in items if i.name == "食品经营许可情况检查")
    covered = share(rows, lambda r: food.applies_to(r.industry_code, r.kind))
    assert 0.05 < covered < 0.6


def test_unknown_department_has_no_items() -> None:
    with pytest.raises(KeyError):
        items_for("XX")


# --- inspectors --------------------------------------------------------------------------


def test_inspector_directory_defaults() -> None:
    people = list(inspectors(seed=SEED))
    assert len(people) >= 150
    assert Counter(p.department_code for p in people) == {
        d.code: d.inspector_count for d in DEPARTMENTS
    }
    assert len({p.certificate_no for p in people}) == len(people)
    for person in people:
        dept = DEPARTMENT_BY_CODE[person.department_code]
        assert re.fullmatch(r"豫411523\d{7}", person.certificate_no)
        assert person.certificate_no[7:9] == f"{person.certificate_valid_from.year % 100:02d}"
        assert person.gender in ("男", "女")
        assert person.position in dept.positions
        assert person.expertise and set(person.expertise) <= set(dept.expertise)
        assert len(set(person.expertise)) == len(person.expertise)
        assert person.certificate_valid_from <= REFERENCE_DATE
        term = person.certificate_valid_to - person.certificate_valid_from
        assert timedelta(days=5 * 365) <= term <= timedelta(days=5 * 366)
        assert person.valid_to == person.certificate_valid_to
        assert re.fullmatch(r"1\d{10}", person.phone)


def test_some_certificates_expired_and_some_expire_soon() -> None:
    people = list(inspectors(total=2_000, seed=1))
    expired = sum(p.certificate_valid_to < REFERENCE_DATE for p in people) / len(people)
    soon = sum(
        REFERENCE_DATE <= p.certificate_valid_to < REFERENCE_DATE + timedelta(days=45)
        for p in people
    )
    assert 0.06 < expired < 0.10
    assert soon > 20


def test_inspector_counts_can_be_chosen() -> None:
    assert len(list(inspectors(total=150, seed=2))) == 150
    assert Counter(p.department_code for p in inspectors(["SJ", "WJ"], 5, seed=2)) == {
        "SJ": 5,
        "WJ": 5,
    }
    assert len(list(inspectors(["HB"], {"HB": 7}))) == 7
    with pytest.raises(KeyError):
        list(inspectors(["XX"]))
    with pytest.raises(ValueError):
        list(inspectors(total=3))


def test_inspectors_are_deterministic() -> None:
    assert list(inspectors(seed=9)) == list(inspectors(seed=9))
    assert list(inspectors(seed=9)) != list(inspectors(seed=10))


def test_demo_people_cover_every_role() -> None:
    assert len({p.username for p in DEMO_PEOPLE}) == len(DEMO_PEOPLE)
    roles = Counter(p.role for p in DEMO_PEOPLE)
    assert roles == {
        "county_supervisor": 1,
        "lead_admin": 1,
        "department_admin": 2,
        "inspector": 2,
        "system_admin": 1,
    }
    for person in DEMO_PEOPLE:
        county_wide = person.role in ("county_supervisor", "system_admin")
        assert (person.department_code is None) == county_wide
        if person.department_code:
            assert person.department_code in DEPARTMENT_BY_CODE
    lead_admin = next(p for p in DEMO_PEOPLE if p.role == "lead_admin")
    assert DEPARTMENT_BY_CODE[lead_admin.department_code or ""].is_lead
    admins = {p.department_code for p in DEMO_PEOPLE if p.role == "department_admin"}
    assert admins == {"WJ", "HB"}
