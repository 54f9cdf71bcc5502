"""What the query box finds: Chinese name substrings of every length, credit codes."""

from __future__ import annotations

import pytest

from shuangsuiji.directory.search import SearchMode, TargetFilters, classify, target_search

from .conftest import Directory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_sizes")]


def found(d: Directory, q: str, limit: int = 50) -> set[int]:
    page = target_search(user=d.county.users["supervisor"], filters=TargetFilters(q=q), limit=limit)
    assert not page.has_more
    return {t.pk for t in page.items}


def test_two_characters_find_the_pair_anywhere_in_the_name(directory: Directory) -> None:
    # 鑫源 at the start of the trade name, and at the very end of 新县泗店乡李鑫源.
    assert found(directory, "鑫源") == directory.ids("xinyuan_trade", "xinyuan_tea", "li_xinyuan")


def test_two_characters_must_be_adjacent_and_in_order(directory: Directory) -> None:
    assert found(directory, "源鑫") == directory.ids("yuanxin_coop")
    assert found(directory, "茶鑫") == set()


def test_two_characters_that_are_a_whole_suffix(directory: Directory) -> None:
    assert found(directory, "餐馆") == directory.ids("wangji")
    assert found(directory, "面馆") == directory.ids("noodles")


def test_three_characters(directory: Directory) -> None:
    assert found(directory, "鑫源商") == directory.ids("xinyuan_trade")
    assert found(directory, "鑫源茶") == directory.ids("xinyuan_tea")
    assert found(directory, "源茶业") == directory.ids("xinyuan_tea", "hongyuan")


def test_four_and_more_characters(directory: Directory) -> None:
    assert found(directory, "鑫源商贸有限") == directory.ids("xinyuan_trade")
    assert found(directory, "宏达建材有限公司") == directory.ids("hongda")
    assert found(directory, "新县八里畈镇源鑫茶叶种植专业合作社") == directory.ids("yuanxin_coop")


def test_a_single_character(directory: Directory) -> None:
    assert found(directory, "鑫") == directory.ids(
        "xinyuan_trade", "xinyuan_tea", "yuanxin_coop", "zhangxin", "li_xinyuan"
    )


def test_misses_find_nothing(directory: Directory) -> None:
    assert found(directory, "华为") == set()
    assert found(directory, "鑫源电子") == set()
    assert found(directory, "不存在的公司名称") == set()


def test_latin_letters_ignore_case(directory: Directory) -> None:
    for q in ("KTV", "ktv", "Ktv娱乐", "tv", "kt"):
        assert found(directory, q) == directory.ids("ktv"), q


def test_wildcards_are_literal(directory: Directory) -> None:
    assert found(directory, "100%") == directory.ids("noodles")
    assert found(directory, "0%") == directory.ids("noodles")
    assert found(directory, "%") == directory.ids("noodles")
    assert found(directory, "A_B") == directory.ids("underscore")
    assert found(directory, "_") == directory.ids("underscore")
    assert found(directory, '"') == set()
    assert found(directory, '鑫"源') == set()


def test_surrounding_spaces_are_ignored(directory: Directory) -> None:
    assert found(directory, "  鑫源商 ") == directory.ids("xinyuan_trade")


def test_a_full_credit_code_finds_its_target(directory: Directory) -> None:
    target = directory.targets["hongda"]
    page = target_search(
        user=directory.county.users["supervisor"], filters=TargetFilters(q=target.credit_code)
    )
    assert page.mode is SearchMode.CODE
    assert [t.pk for t in page.items] == [target.pk]
    assert found(directory, target.credit_code.lower()) == {target.pk}
    assert found(directory, f" {target.credit_code} ") == {target.pk}


def test_a_code_prefix_lists_matches_in_code_order(directory: Directory) -> None:
    enterprises = [t for t in directory.targets.values() if t.credit_code.startswith("91")]
    page = target_search(
        user=directory.county.users["supervisor"], filters=TargetFilters(q="91411523")
    )
    assert page.mode is SearchMode.CODE
    assert [t.pk for t in page.items] == [
        t.pk for t in sorted(enterprises, key=lambda t: t.credit_code)
    ]
    one = directory.targets["ktv"].credit_code
    assert found(directory, one[:16]) == {directory.targets["ktv"].pk}


def test_an_unknown_code_finds_nothing(directory: Directory) -> None:
    assert found(directory, "91411523MA4ZZZZZ9X") == set()
    assert found(directory, "914115239") == set()


def test_what_counts_as_a_code() -> None:
    assert classify("91411523MA40001234") == (SearchMode.CODE, "91411523MA40001234")
    assert classify("92411523") == (SearchMode.CODE, "92411523")
    assert classify("ma4000") == (SearchMode.CODE, "MA4000")
    # Too short, no digit, or not the code alphabet: a name.
    assert classify("92411")[0] is SearchMode.NAME
    assert classify("ABCDEFG")[0] is SearchMode.NAME
    assert classify("鑫源123456")[0] is SearchMode.NAME
    assert classify("91411523MA400012345")[0] is SearchMode.NAME
    assert classify("   ") == (SearchMode.ALL, "")


def test_renamed_and_deleted_targets_are_found_by_their_current_name(
    directory: Directory,
) -> None:
    target = directory.targets["hongda"]
    target.name = "新县鑫茂建材有限公司"
    target.save()
    assert found(directory, "宏达") == set()
    assert found(directory, "鑫茂建材") == {target.pk}
    assert found(directory, "鑫茂") == {target.pk}
    added = directory.add("新县宏达物流有限公司")
    assert found(directory, "宏达") == {added.pk}
    added.history.all().delete()
    added.delete()
    assert found(directory, "宏达") == set()
    assert found(directory, "宏达物流") == set()
