"""The canonical population file: written canonically, read strictly, errors name the line."""

from __future__ import annotations

import hashlib
import random

import pytest

from shuangsuiji.lottery import (
    ErrorCode,
    InputFileError,
    PopulationError,
    find_row,
    parse_population,
    population_from_rows,
    read_population,
    write_population,
)
from shuangsuiji.lottery import population as population_module

from .test_data import EXAMPLE_POPULATION, make_rows

HEADER = b"id,stratum,tickets\n"
GOOD = [
    b"91411523AGYGLUY35K,A,1\n",
    b"91411523DGRQUKWF09,B,2\n",
    b"92411523D69T80142Q,C,3\n",
]


def _file(*lines: bytes, header: bytes = HEADER) -> bytes:
    return header + b"".join(lines)


def test_example_population_is_read_with_digest_sizes_and_first_lines() -> None:
    pop = read_population(EXAMPLE_POPULATION)
    assert pop.digest == hashlib.sha256(EXAMPLE_POPULATION.read_bytes()).hexdigest()
    assert pop.size == 20
    assert dict(pop.strata) == {"A": 8, "B": 6, "C": 4, "D": 2}
    assert dict(pop.stratum_lines) == {"A": 2, "B": 3, "C": 9, "D": 11}
    assert list(pop.rows())[7] == ("92411523D69T80142Q", "C", 3)


def test_writer_sorts_by_utf8_bytes_and_reader_gives_back_the_rows() -> None:
    rows = make_rows(random.Random(7), 500, max_tickets=5)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    data = write_population(shuffled)
    assert data.startswith(HEADER) and data.endswith(b"\n")
    assert list(parse_population(data).rows()) == rows


def test_writer_orders_chinese_ids_by_utf8_bytes_not_locale() -> None:
    rows = [("个体户-张三", "A", 1), ("ZZ合作社", "B", 1), ("农民专业合作社", "A", 2)]
    pop = population_from_rows(rows)
    assert [r[0] for r in pop.rows()] == sorted((r[0] for r in rows), key=str.encode)


def test_strata_are_ordered_by_utf8_bytes() -> None:
    pop = population_from_rows([("X1", "b", 1), ("X2", "B", 1), ("X3", "高风险", 1)])
    assert list(pop.strata) == ["B", "b", "高风险"]


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        pytest.param(b"", ErrorCode.EMPTY_FILE, 1, id="empty file"),
        pytest.param(b"\xef\xbb\xbf" + _file(*GOOD), ErrorCode.BOM, 1, id="BOM"),
        pytest.param(
            _file(*GOOD, header=b"id,stratum,tickets\r\n"),
            ErrorCode.CARRIAGE_RETURN,
            1,
            id="CRLF header",
        ),
        pytest.param(
            _file(GOOD[0], GOOD[1].replace(b"\n", b"\r\n"), GOOD[2]),
            ErrorCode.CARRIAGE_RETURN,
            3,
            id="CRLF row",
        ),
        pytest.param(_file(*GOOD, header=b"id,tickets,stratum\n"), ErrorCode.BAD_HEADER, 1,
                     id="bad header"),
        pytest.param(_file(*GOOD, header=b"ID,STRATUM,TICKETS\n"), ErrorCode.BAD_HEADER, 1,
                     id="upper-case header"),
        pytest.param(b"id,stratum,tickets", ErrorCode.MISSING_FINAL_LF, 1, id="header no LF"),
        pytest.param(_file(*GOOD)[:-1], ErrorCode.MISSING_FINAL_LF, 4, id="missing final LF"),
        pytest.param(_file(GOOD[1], GOOD[0]), ErrorCode.UNSORTED, 3, id="unsorted"),
        pytest.param(_file(GOOD[0], GOOD[0]), ErrorCode.DUPLICATE_ID, 3, id="duplicate id"),
        pytest.param(_file(GOOD[0], b"\n", GOOD[1]), ErrorCode.EMPTY_LINE, 3, id="empty line"),
        pytest.param(_file(b"91411523AGYGLUY35K,A,0\n"), ErrorCode.BAD_TICKETS, 2, id="tickets 0"),
        pytest.param(_file(b"91411523AGYGLUY35K,A,1001\n"), ErrorCode.BAD_TICKETS, 2,
                     id="tickets 1001"),
        pytest.param(_file(b"91411523AGYGLUY35K,A,01\n"), ErrorCode.BAD_TICKETS, 2,
                     id="tickets 01"),
        pytest.param(_file(b"91411523AGYGLUY35K,A,-1\n"), ErrorCode.BAD_TICKETS, 2,
                     id="tickets -1"),
        pytest.param(_file(b"91411523AGYGLUY35K,A,1.0\n"), ErrorCode.BAD_TICKETS, 2,
                     id="tickets 1.0"),
        pytest.param(_file(b"91411523AGYGLUY35K,A,\n"), ErrorCode.BAD_TICKETS, 2,
                     id="tickets empty"),
        pytest.param(_file("91411523AGYGLUY35K,A,１\n".encode()), ErrorCode.BAD_TICKETS, 2,
                     id="tickets full-width digit"),
        pytest.param(_file(b"91411523AGYGLUY35K,A, 1\n"), ErrorCode.BAD_TICKETS, 2,
                     id="tickets with space"),
        pytest.param(_file(b"9141,1523AGYGLUY35K,A,1\n"), ErrorCode.FIELD_COUNT, 2,
                     id="comma in id"),
        pytest.param(_file(b"91411523AGYGLUY35K,A\n"), ErrorCode.FIELD_COUNT, 2,
                     id="two fields"),
        pytest.param(_file(b",A,1\n"), ErrorCode.EMPTY_ID, 2, id="empty id"),
        pytest.param(_file(b"91411523AGYGLUY35K,,1\n"), ErrorCode.EMPTY_STRATUM, 2,
                     id="empty stratum"),
        pytest.param(_file(b"X" * 65 + b",A,1\n"), ErrorCode.ID_TOO_LONG, 2, id="id 65 chars"),
        pytest.param(_file("码".encode() * 65 + b",A,1\n"), ErrorCode.ID_TOO_LONG, 2,
                     id="id 65 Chinese chars"),
        pytest.param(_file(b"X1," + b"S" * 33 + b",1\n"), ErrorCode.STRATUM_TOO_LONG, 2,
                     id="stratum 33 chars"),
        pytest.param(_file(b" 91411523AGYGLUY35K,A,1\n"), ErrorCode.SURROUNDING_SPACE, 2,
                     id="leading space"),
        pytest.param(_file(b"91411523AGYGLUY35K ,A,1\n"), ErrorCode.SURROUNDING_SPACE, 2,
                     id="trailing space"),
        pytest.param(_file(b"91411523AGYGLUY35K,\tA,1\n"), ErrorCode.SURROUNDING_SPACE, 2,
                     id="tab before stratum"),
        pytest.param(_file("91411523AGYGLUY35K\u3000,A,1\n".encode()),
                     ErrorCode.SURROUNDING_SPACE, 2, id="ideographic space"),
        pytest.param(_file("91411523AGYGLUY35K,A\u00a0,1\n".encode()),
                     ErrorCode.SURROUNDING_SPACE, 2, id="no-break space"),
        pytest.param(_file("Cafe\u0301,A,1\n".encode()), ErrorCode.NOT_NFC, 2, id="NFD id"),
        pytest.param(_file("X1,\u1100\u1161,1\n".encode()), ErrorCode.NOT_NFC, 2,
                     id="Hangul jamo stratum"),
        pytest.param(_file(b"X1,\xff,1\n"), ErrorCode.NOT_UTF8, 2, id="not UTF-8"),
    ],
)  # fmt: skip
def test_malformed_file_is_refused_with_line_and_reason(
    data: bytes, code: ErrorCode, line: int
) -> None:
    with pytest.raises(PopulationError) as caught:
        parse_population(data, source="名单.csv")
    assert caught.value.code == code
    assert caught.value.line == line
    assert str(caught.value).startswith(f"名单.csv:{line}: ")
    assert caught.value.reason


def test_error_deep_in_a_large_file_names_its_line() -> None:
    rows = make_rows(random.Random(3), 60_000)
    lines = write_population(rows).split(b"\n")
    lines[50_001] = lines[50_001].replace(b",1", b",01")  # row 50_001 is line 50_002
    with pytest.raises(PopulationError) as caught:
        parse_population(b"\n".join(lines))
    assert (caught.value.code, caught.value.line) == (ErrorCode.BAD_TICKETS, 50_002)


def test_unsorted_across_a_block_boundary_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(population_module, "BLOCK_BYTES", 64)
    data = _file(GOOD[0], GOOD[2], GOOD[1])
    with pytest.raises(PopulationError) as caught:
        parse_population(data)
    assert (caught.value.code, caught.value.line) == (ErrorCode.UNSORTED, 4)


def test_inner_spaces_and_controls_are_allowed_by_the_spec() -> None:
    pop = parse_population(_file(b"X\x01Y,A,1\n", "个体户 张三,风险 A,1\n".encode()))
    assert [r[0] for r in pop.rows()] == ["X\x01Y", "个体户 张三"]


def test_id_of_exactly_64_characters_is_accepted() -> None:
    pop = parse_population(_file("码".encode() * 64 + b",A,1000\n"))
    assert pop.size == 1


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_sharded_reading_gives_the_same_population_and_first_error(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(population_module, "MIN_SHARD_BYTES", 4096)
    data = write_population(make_rows(random.Random(11), 3000, max_tickets=3))
    whole = parse_population(data)
    assert parse_population(data, workers=workers) == whole
    lines = data.split(b"\n")
    lines[1500], lines[1501] = lines[1501], lines[1500]  # unsorted in the middle
    lines[2500] = b" " + lines[2500]  # and a later error that must not win
    with pytest.raises(PopulationError) as caught:
        parse_population(b"\n".join(lines), workers=workers)
    assert (caught.value.code, caught.value.line) == (ErrorCode.UNSORTED, 1502)


def test_writer_refuses_bad_rows_naming_the_row() -> None:
    with pytest.raises(PopulationError) as caught:
        write_population([("91411523AGYGLUY35K", "A", 1), ("bad,id", "A", 1)])
    assert caught.value.code == ErrorCode.FORBIDDEN_CHARACTER
    assert "row 2" in str(caught.value)
    for tickets in (0, 1001, True, "1"):
        with pytest.raises(PopulationError):
            write_population([("91411523AGYGLUY35K", "A", tickets)])  # type: ignore[list-item]
    with pytest.raises(PopulationError) as dup:
        write_population([("X", "A", 1), ("X", "B", 1)])
    assert dup.value.code == ErrorCode.DUPLICATE_ID


def test_find_row_finds_every_id_by_binary_search() -> None:
    rows = make_rows(random.Random(5), 700, max_tickets=4)
    pop = population_from_rows(rows)
    for row in rows:
        assert find_row(pop, row[0]) == row
    assert find_row(pop, "00000000000000000X") is None
    assert find_row(pop, "ZZZZZZZZZZZZZZZZZZ") is None
    assert find_row(population_from_rows([]), "X") is None


def test_missing_file_is_an_input_error(tmp_path: pytest.TempPathFactory) -> None:
    with pytest.raises(InputFileError) as caught:
        read_population(f"{tmp_path}/nope.csv")
    assert caught.value.code == ErrorCode.FILE_NOT_FOUND


@pytest.mark.parametrize(
    "rows",
    [
        [("91411523AGYGLUY35K", "A", 1), ("92411523D69T80142Q", "C", 3)],
        [("91411523AGYGLUY35K", "高风险", 1), ("个体户 张三", "低风险", 1000)],
        [("ABC DEF", "风险 A", 2), ("Café", "B", 1)],
    ],
)
def test_valid_blocks_take_the_fast_path(rows: list[tuple[str, str, int]]) -> None:
    # Performance guard: well-formed blocks must not fall back to the line-by-line check.
    block = write_population(rows)[len(HEADER) :]
    strata = population_module._block_is_clean(block, block.count(b"\n"), b"")
    assert strata == [r[1].encode() for r in sorted(rows, key=lambda r: r[0].encode())]
