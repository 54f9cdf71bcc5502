"""Filters (township, kind, risk class, status) and department libraries (rules plus
additions minus removals), alone and combined with the query box."""

from __future__ import annotations

import pytest

from shuangsuiji.directory.library import library_members
from shuangsuiji.directory.models import LibraryAdjustment, TargetLibrary
from shuangsuiji.directory.search import TargetFilters, target_search

from .conftest import ROWS, Directory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_sizes")]


def found(d: Directory, **filters: object) -> set[int]:
    page = target_search(
        user=d.county.users["supervisor"],
        filters=TargetFilters(**filters),  # type: ignore[arg-type]
        limit=200,
    )
    assert not page.has_more
    return {t.pk for t in page.items}


def keys_where(d: Directory, pred: object) -> set[int]:
    return {d.targets[k].pk for k, row in ROWS.items() if pred(row)}  # type: ignore[operator]


def test_no_filters_list_everything(directory: Directory) -> None:
    assert found(directory) == {t.pk for t in directory.targets.values()}


def test_each_filter_alone(directory: Directory) -> None:
    d = directory
    assert found(d, township_id=d.townships["balifan"].pk) == keys_where(
        d, lambda r: r[2] == "balifan"
    )
    assert found(d, kind="农民专业合作社") == d.ids("yuanxin_coop")
    assert found(d, kind="个体工商户") == keys_where(d, lambda r: r[1] == "个体工商户")
    assert found(d, risk_class="D") == d.ids("yuanxin_coop")
    assert found(d, risk_class="A") == keys_where(d, lambda r: r[3] == "A")
    assert found(d, status="注销") == d.ids("hongda")
    assert found(d, status="存续") == keys_where(d, lambda r: r[4] == "存续")


def test_filters_combine(directory: Directory) -> None:
    d = directory
    xinji = d.townships["xinji"].pk
    assert found(d, township_id=xinji, kind="企业", risk_class="A") == d.ids("xinyuan_trade")
    assert found(d, township_id=xinji, kind="企业", risk_class="C", status="存续") == set()
    assert found(d, township_id=xinji, kind="个体工商户") == d.ids("wangji", "noodles")


def test_filters_combine_with_the_query_box(directory: Directory) -> None:
    d = directory
    assert found(d, q="鑫源", kind="企业") == d.ids("xinyuan_trade", "xinyuan_tea")
    assert found(d, q="鑫源", township_id=d.townships["sidian"].pk) == d.ids("li_xinyuan")
    assert found(d, q="茶业有限", risk_class="A") == d.ids("hongyuan")
    assert found(d, q="鑫", risk_class="D") == d.ids("yuanxin_coop")
    code = d.targets["hongda"].credit_code
    assert found(d, q=code, status="注销") == d.ids("hongda")
    assert found(d, q=code, status="存续") == set()
    assert found(d, q=code[:12], kind="个体工商户") == set()


def make_library(d: Directory, **rules: list[str]) -> TargetLibrary:
    return TargetLibrary.objects.create(department=d.county.health, **rules)


def adjust(d: Directory, library: TargetLibrary, key: str, included: bool) -> None:
    LibraryAdjustment.objects.update_or_create(
        library=library,
        target=d.targets[key],
        defaults={
            "included": included,
            "reason": "投诉举报线索转为随机抽查对象" if included else "经营场所已迁出本县",
            "created_by": d.county.users["dept_admin"],
        },
    )


def members(d: Directory, library: TargetLibrary) -> set[int]:
    via_search = found(d, library=library)
    assert {t.pk for t in library_members(library)} == via_search
    return via_search


def test_library_by_kind(directory: Directory) -> None:
    lib = make_library(directory, kinds=["个体工商户"])
    assert members(directory, lib) == keys_where(directory, lambda r: r[1] == "个体工商户")


def test_library_by_industry_prefix(directory: Directory) -> None:
    # H62: 餐饮 (H6210 正餐, H6224 面馆, H6291 小吃); C1530 精制茶加工.
    lib = make_library(directory, industry_prefixes=["H62", "c15"])
    assert members(directory, lib) == directory.ids(
        "wangji", "zhangxin", "noodles", "xinyuan_tea", "hongyuan"
    )


def test_library_by_township(directory: Directory) -> None:
    lib = make_library(directory, township_codes=["411523201"])
    assert members(directory, lib) == keys_where(directory, lambda r: r[2] == "sidian")


def test_library_rules_combine_with_and(directory: Directory) -> None:
    lib = make_library(
        directory,
        kinds=["个体工商户", "企业"],
        industry_prefixes=["H", "F52"],
        township_codes=["411523001", "411523201"],
    )
    assert members(directory, lib) == directory.ids(
        "xinyuan_trade", "wangji", "noodles", "zhangxin", "li_xinyuan"
    )


def test_library_additions_and_removals(directory: Directory) -> None:
    d = directory
    lib = make_library(d, industry_prefixes=["H62"])
    assert members(d, lib) == d.ids("wangji", "zhangxin", "noodles")
    adjust(d, lib, "dabie", included=True)  # outside the rules, added by hand
    adjust(d, lib, "noodles", included=False)  # inside the rules, removed by hand
    assert members(d, lib) == d.ids("wangji", "zhangxin", "dabie")
    adjust(d, lib, "noodles", included=True)  # the latest adjustment wins
    adjust(d, lib, "dabie", included=False)
    assert members(d, lib) == d.ids("wangji", "zhangxin", "noodles")


def test_library_without_rules_holds_only_its_additions(directory: Directory) -> None:
    d = directory
    lib = make_library(d)
    assert members(d, lib) == set()
    adjust(d, lib, "ktv", included=True)
    adjust(d, lib, "hongda", included=False)
    assert members(d, lib) == d.ids("ktv")


def test_library_adjustments_of_another_library_do_not_count(directory: Directory) -> None:
    d = directory
    ours = make_library(d, kinds=["农民专业合作社"])
    theirs = TargetLibrary.objects.create(department=d.county.env, kinds=["企业"])
    adjust(d, theirs, "wangji", included=True)
    adjust(d, theirs, "yuanxin_coop", included=False)
    assert members(d, ours) == d.ids("yuanxin_coop")


def test_library_keeps_to_its_own_county(directory: Directory) -> None:
    d = directory
    lib = make_library(d, kinds=["企业"])
    other_county = type(d.county.region).objects.create(
        code="411522", name="光山县", parent=d.county.region.parent
    )
    from shuangsuiji.directory.models import Target

    Target.objects.create(
        region=other_county,
        credit_code="91411522MA40000018",
        name="光山县鑫源商贸有限公司",
        kind="企业",
    )
    assert members(d, lib) == keys_where(d, lambda r: r[1] == "企业")


def test_library_with_the_query_box_and_filters(directory: Directory) -> None:
    d = directory
    lib = make_library(d, kinds=["企业"])
    adjust(d, lib, "li_xinyuan", included=True)
    adjust(d, lib, "xinyuan_tea", included=False)
    assert found(d, library=lib, q="鑫源") == d.ids("xinyuan_trade", "li_xinyuan")
    assert found(d, library=lib, q="鑫源", risk_class="C") == d.ids("li_xinyuan")
    assert found(d, library=lib, q="有限公司", status="存续") == d.ids(
        "xinyuan_trade", "hongyuan", "dabie"
    )
