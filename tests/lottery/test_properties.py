"""Property tests (hypothesis) for draw-v1: order independence, consistency, exact quotas,
strict files, and tamper evidence."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib
import random
from collections.abc import Iterator
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery import (
    ErrorCode,
    PopulationError,
    QuotaError,
    Row,
    draw,
    parse_population,
    parse_quota,
    population_from_rows,
    quota_set,
    record_dict,
    select_population,
    select_rows,
    verify_record,
    write_population,
)
from shuangsuiji.lottery import population as population_module
from shuangsuiji.lottery.population import label_problem

from .test_data import EXAMPLE_POPULATION, example_record

draw_module = importlib.import_module("shuangsuiji.lottery.draw")
SECRET = "9f2c4b1e8d7a6c5b4a392817f6e5d4c3b2a1908f7e6d5c4b3a2918171615141f"
SEEDS = st.binary(min_size=1, max_size=8).map(lambda b: hashlib.sha256(b).hexdigest())

# Ids mix credit-code characters with Chinese, accents and inner spaces.
ID_CHARS = st.sampled_from(list("0123456789ABCDEFGHJKLMNPQRTUWXYabé码号 -_"))
IDS = st.text(ID_CHARS, min_size=1, max_size=20).filter(
    lambda s: label_problem(s, what="id", max_chars=64) is None
)
STRATA = st.sampled_from(["A", "B", "C", "D", "高"])


@st.composite
def row_sets(draw_: st.DrawFn, min_size: int = 0, max_size: int = 40) -> list[Row]:
    ids = draw_(st.lists(IDS, min_size=min_size, max_size=max_size, unique=True))
    return [(i, draw_(STRATA), draw_(st.integers(1, 5))) for i in ids]


def _tuples(selected: Any) -> list[tuple[str, str, str]]:
    return [(t.id, t.stratum, t.key) for t in selected]


# --- the draw depends only on the set of rows ------------------------------------------------


@given(rows=row_sets(), seed=SEEDS, shuffle=st.randoms(use_true_random=False),
       fractions=st.lists(st.floats(0, 1), min_size=5, max_size=5))  # fmt: skip
def test_result_does_not_depend_on_storage_order(
    rows: list[Row], seed: str, shuffle: random.Random, fractions: list[float]
) -> None:
    pop = population_from_rows(rows)
    drawn = {s: round(n * f) for (s, n), f in zip(pop.strata.items(), fractions, strict=False)}
    shuffled = rows[:]
    shuffle.shuffle(shuffled)
    assert _tuples(select_rows(shuffled, seed=seed, drawn=drawn)) == _tuples(
        select_population(pop, seed=seed, drawn=drawn)
    )


@given(rows=row_sets(min_size=1), seed=SEEDS, parts=st.integers(1, 5),
       assignment=st.randoms(use_true_random=False))  # fmt: skip
def test_shards_merged_by_key_equal_the_whole(
    rows: list[Row], seed: str, parts: int, assignment: random.Random
) -> None:
    drawn = {s: 2 for s in {r[1] for r in rows}}
    shards: list[list[Row]] = [[] for _ in range(parts)]
    for row in rows:
        shards[assignment.randrange(parts)].append(row)
    enc = {s.encode(): n for s, n in drawn.items()}
    merged = draw_module._merge([draw_module._rank_rows(sh, seed, enc) for sh in shards], enc)
    assert _tuples(merged) == _tuples(select_rows(rows, seed=seed, drawn=drawn))


@given(old=row_sets(min_size=1), new=row_sets(min_size=1), seed=SEEDS, n=st.integers(0, 10))
def test_adding_rows_never_reorders_the_rest(
    old: list[Row], new: list[Row], seed: str, n: int
) -> None:
    old_ids = {r[0] for r in old}
    new = [r for r in new if r[0] not in old_ids]
    everything = old + new
    strata = {r[1] for r in everything}
    full = {s: len(everything) for s in strata}  # rank everyone
    ranking_all = [t.id for t in select_rows(everything, seed=seed, drawn=full)]
    ranking_old = [t.id for t in select_rows(old, seed=seed, drawn=full)]
    assert [i for i in ranking_all if i in old_ids] == ranking_old
    # Consistent sampling: an old row drawn from the larger set was drawn from the smaller.
    drawn = {s: n for s in strata}
    small = {t.id for t in select_rows(old, seed=seed, drawn=drawn)}
    large = {t.id for t in select_rows(everything, seed=seed, drawn=drawn)}
    assert large & old_ids <= small


# --- quotas ----------------------------------------------------------------------------------


@given(size=st.integers(0, 10**8), whole=st.integers(0, 200),
       digits=st.text("0123456789", min_size=0, max_size=4))  # fmt: skip
def test_rate_rounding_is_exact_ceiling(size: int, whole: int, digits: str) -> None:
    text = f"{whole}.{digits}%" if digits else f"{whole}%"
    numerator = int(f"{whole}{digits}")
    denominator = 100 * 10 ** len(digits)
    expected = min(size, -(-size * numerator // denominator))
    assert parse_quota(text).drawn(size) == expected
    assert 0 <= expected <= size


@given(size=st.integers(0, 10**9), count=st.integers(0, 10**9))
def test_count_is_capped_by_size(size: int, count: int) -> None:
    assert parse_quota(str(count)).drawn(size) == min(size, count)


# --- strict population files ----------------------------------------------------------------


@contextlib.contextmanager
def _line_by_line_only() -> Iterator[None]:
    with mock.patch.object(population_module, "_block_is_clean", lambda *a: None):
        yield


def _outcome(data: bytes) -> Any:
    try:
        pop = parse_population(data)
    except PopulationError as exc:
        return (exc.code, exc.line)
    return (pop.digest, dict(pop.strata), dict(pop.stratum_lines))


def _mutate(rows: list[Row], kind: str, i: int) -> tuple[bytes, ErrorCode, int]:
    """Apply one malformation to row i of a valid file; return file, code, line."""
    lines = write_population(rows).split(b"\n")[:-1]  # header + rows, without final ""
    at = i + 1  # index in `lines`; line number is at + 1
    target_id, stratum, tickets = rows[i]
    row = lines[at]
    if kind == "bom":
        return b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n", ErrorCode.BOM, 1
    if kind == "bad header":
        lines[0] = b"id,stratum,ticket"
        return b"\n".join(lines) + b"\n", ErrorCode.BAD_HEADER, 1
    if kind == "missing final LF":
        return b"\n".join(lines), ErrorCode.MISSING_FINAL_LF, len(lines)
    replacements: dict[str, tuple[bytes, ErrorCode]] = {
        "crlf": (row + b"\r", ErrorCode.CARRIAGE_RETURN),
        "tickets 0": (row.rsplit(b",", 1)[0] + b",0", ErrorCode.BAD_TICKETS),
        "tickets 1001": (row.rsplit(b",", 1)[0] + b",1001", ErrorCode.BAD_TICKETS),
        "tickets 01": (row.rsplit(b",", 1)[0] + b",0" + str(tickets).encode(),
                       ErrorCode.BAD_TICKETS),
        "comma in id": (b"X," + row, ErrorCode.FIELD_COUNT),
        "non-NFC": (("e\u0301" + target_id).encode() + row[len(target_id.encode()):],
                    ErrorCode.NOT_NFC),
        "leading space": (b" " + row, ErrorCode.SURROUNDING_SPACE),
        "trailing space": (row.replace(b",", b" ,", 1), ErrorCode.SURROUNDING_SPACE),
        "empty id": (row[len(target_id.encode()):], ErrorCode.EMPTY_ID),
        "long id": (target_id.encode() + b"Z" * (65 - len(target_id)) +
                    row[len(target_id.encode()):], ErrorCode.ID_TOO_LONG),
        "empty stratum": (row.replace(b"," + stratum.encode() + b",", b",,", 1),
                          ErrorCode.EMPTY_STRATUM),
    }  # fmt: skip
    if kind in replacements:
        lines[at], code = replacements[kind]
        return b"\n".join(lines) + b"\n", code, at + 1
    if kind == "duplicate id":
        lines.insert(at + 1, row)
        return b"\n".join(lines) + b"\n", ErrorCode.DUPLICATE_ID, at + 2
    if kind == "unsorted":
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
        return b"\n".join(lines) + b"\n", ErrorCode.UNSORTED, at + 2
    raise AssertionError(kind)


MUTATIONS = ["bom", "bad header", "missing final LF", "crlf", "tickets 0", "tickets 1001",
             "tickets 01", "comma in id", "non-NFC", "leading space", "trailing space",
             "empty id", "long id", "empty stratum", "duplicate id", "unsorted"]  # fmt: skip


@settings(max_examples=300)
@given(rows=row_sets(min_size=2), kind=st.sampled_from(MUTATIONS), data=st.data())
def test_every_malformation_is_refused_with_its_line_and_reason(
    rows: list[Row], kind: str, data: st.DataObject
) -> None:
    rows = sorted(rows, key=lambda r: r[0].encode())
    i = data.draw(st.integers(0, len(rows) - 2), label="row")
    bad, code, line = _mutate(rows, kind, i)
    assert _outcome(bad) == (code, line)
    with _line_by_line_only():
        assert _outcome(bad) == (code, line)


@settings(max_examples=300)
@given(lines=st.lists(st.text(st.sampled_from(list("Aa9,, \t\r\u3000\xa0é\u0301码\x00\x85")),
                              max_size=12), max_size=8),
       final_lf=st.booleans())  # fmt: skip
def test_block_check_and_line_check_agree_on_any_file(lines: list[str], final_lf: bool) -> None:
    data = b"id,stratum,tickets\n" + "\n".join(lines).encode() + (b"\n" if final_lf else b"")
    with _line_by_line_only():
        slow = _outcome(data)
    assert _outcome(data) == slow


TRICKY = st.text(st.sampled_from(list("A9é码 \t\u3000\xa0\u0301\x01\x85")), max_size=4)


@settings(max_examples=500)
@given(
    fields=st.lists(
        st.tuples(
            st.one_of(IDS, TRICKY),
            st.one_of(STRATA, TRICKY),
            st.sampled_from(["1", "2", "1000", "0", "01", "1001", " 1", "", "٣"]),
        ),
        min_size=1,
        max_size=8,
    ),
    sort=st.booleans(),
)
def test_block_check_and_line_check_agree_on_nearly_valid_files(
    fields: list[tuple[str, str, str]], sort: bool
) -> None:
    if sort:
        fields.sort(key=lambda f: f[0].encode())
    data = b"id,stratum,tickets\n" + "".join(f"{i},{s},{t}\n" for i, s, t in fields).encode()
    with _line_by_line_only():
        slow = _outcome(data)
    assert _outcome(data) == slow


@given(rows=row_sets(), shuffle=st.randoms(use_true_random=False))
def test_writing_then_reading_gives_the_rows_back(rows: list[Row], shuffle: random.Random) -> None:
    shuffled = rows[:]
    shuffle.shuffle(shuffled)
    data = write_population(shuffled)
    assert write_population(rows) == data
    assert list(parse_population(data).rows()) == sorted(rows, key=lambda r: r[0].encode())


@given(rows=row_sets(min_size=1), data=st.data())
def test_stratum_without_quota_or_quota_without_stratum_is_refused(
    rows: list[Row], data: st.DataObject
) -> None:
    pop = population_from_rows(rows)
    strata = list(pop.strata)
    dropped = data.draw(st.sampled_from(strata))
    try:
        draw(pop, task_id="T", quotas={s: "1" for s in strata if s != dropped}, secret=SECRET)
    except QuotaError as exc:
        assert exc.code == ErrorCode.MISSING_QUOTA
        assert exc.line == pop.stratum_lines[dropped]
    else:
        raise AssertionError("missing quota accepted")
    absent = data.draw(st.sampled_from(["E", "F", "低"]))
    try:
        draw(pop, task_id="T", quotas={**{s: "1" for s in strata}, absent: "1"}, secret=SECRET)
    except QuotaError as exc:
        assert exc.code == ErrorCode.UNKNOWN_STRATUM
    else:
        raise AssertionError("quota for an absent stratum accepted")


# --- tamper evidence -------------------------------------------------------------------------


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    else:
        yield path, node


def _tampered(value: Any, choice: int) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AssertionError(value)
    if isinstance(value, int):
        return [value + 1, value - 1, str(value), None][choice % 4]
    options = [value + "0", value[:-1], value.upper() if value != value.upper() else value + "a",
               " " + value, value[::-1] if value != value[::-1] else value + "x"]  # fmt: skip
    new = options[choice % len(options)]
    return new if new != value else value + "~"


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), choice=st.integers(0, 100))
def test_verify_fails_on_any_single_field_tampering(data: st.DataObject, choice: int) -> None:
    record = example_record()
    leaves = list(_leaves(record))
    path, value = data.draw(st.sampled_from(leaves), label="field")
    tampered = copy.deepcopy(record)
    node: Any = tampered
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = _tampered(value, choice)
    assume(tampered != record)
    assert not verify_record(tampered, EXAMPLE_POPULATION.read_bytes()).ok


@given(position=st.integers(0, 478), flip=st.integers(1, 255))
def test_verify_fails_on_any_changed_byte_of_the_population(position: int, flip: int) -> None:
    data = bytearray(EXAMPLE_POPULATION.read_bytes())
    data[position] ^= flip
    report = verify_record(example_record(), bytes(data))
    assert report.first_mismatch is not None and report.first_mismatch.name == "digest"


@settings(max_examples=30, deadline=None)
@given(rows=row_sets(min_size=1, max_size=30), data=st.data())
def test_fresh_draws_verify_and_any_selected_field_change_does_not(
    rows: list[Row], data: st.DataObject
) -> None:
    pop = population_from_rows(rows)
    quotas = {s: data.draw(st.sampled_from(["0", "1", "3", "50%", "100%", "12.5%"]))
              for s in pop.strata}  # fmt: skip
    assume(sum(quota_set(quotas).resolve(pop.strata).values()) > 0)
    record = record_dict(draw(pop, task_id="T-prop", quotas=quotas, secret=SECRET))
    assert verify_record(record, pop.data).ok
    i = data.draw(st.integers(0, len(record["selected"]) - 1))
    field = data.draw(st.sampled_from(["id", "stratum", "key"]))
    record["selected"][i][field] += "x"
    assert not verify_record(record, pop.data).ok
