"""The optional C accelerator (_fastdraw) against the pure-Python reference.

The reference is the pure-Python code in population.py and draw.py; the accelerator must
give the same population (digest, sizes, first lines), the same error on a malformed file,
and the same draw record byte for byte, with any number of threads.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery import (
    PopulationError,
    draw,
    parse_population,
    read_population,
    record_bytes,
    write_population,
)
from shuangsuiji.lottery import population as population_module
from shuangsuiji.lottery.draw import select_population
from shuangsuiji.lottery.population import PURE_PYTHON_ENV, Row, fast_module

from .test_data import EXAMPLE_POPULATION, EXAMPLE_RECORD, example_record

_fastdraw = pytest.importorskip(
    "shuangsuiji.lottery._fastdraw",
    reason="C accelerator not built (no C compiler or OpenSSL headers at install time)",
)

T = TypeVar("T")
SECRET = "9f2c4b1e8d7a6c5b4a392817f6e5d4c3b2a1908f7e6d5c4b3a2918171615141f"
HEADER = b"id,stratum,tickets\n"


@contextmanager
def _path(*, pure: bool, threads: int | None = None) -> Iterator[None]:
    # Not monkeypatch: hypothesis runs many examples inside one function-scoped fixture.
    saved_env = os.environ.get(PURE_PYTHON_ENV)
    saved_threads = population_module.FAST_THREADS
    if pure:
        os.environ[PURE_PYTHON_ENV] = "1"
    else:
        os.environ.pop(PURE_PYTHON_ENV, None)
    population_module.FAST_THREADS = threads
    try:
        yield
    finally:
        if saved_env is None:
            os.environ.pop(PURE_PYTHON_ENV, None)
        else:
            os.environ[PURE_PYTHON_ENV] = saved_env
        population_module.FAST_THREADS = saved_threads


def _run(func: Callable[[], T], *, pure: bool, threads: int | None = None) -> T:
    with _path(pure=pure, threads=threads):
        assert (fast_module() is None) == pure
        return func()


def _outcome(data: bytes) -> tuple[Any, ...]:
    """What parsing gives: the population's published facts, or the error."""
    try:
        pop = parse_population(data, source="pop.csv")
    except PopulationError as exc:
        return ("error", exc.code, str(exc), exc.line)
    return ("ok", pop.digest, pop.size, dict(pop.strata), dict(pop.stratum_lines))


def _record(data: bytes, quotas: dict[str, str]) -> bytes:
    pop = parse_population(data)
    return record_bytes(
        draw(pop, task_id="抽查〔2026〕1号", quotas=quotas, secret=SECRET, entropy=["dice:1 2"])
    )


# --- the worked example ---------------------------------------------------------------------


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_example_record_byte_for_byte_with_the_accelerator(threads: int) -> None:
    record = example_record()

    def run() -> bytes:
        return record_bytes(
            draw(
                read_population(EXAMPLE_POPULATION),
                task_id=record["task_id"],
                quotas=record["quotas"],
                secret=record["secret"],
                entropy=record["entropy"],
            )
        )

    assert _run(run, pure=False, threads=threads) == EXAMPLE_RECORD.read_bytes()


def test_environment_variable_forces_the_reference_path() -> None:
    assert _run(fast_module, pure=True) is None
    assert _run(fast_module, pure=False) is not None
    with _path(pure=False):
        os.environ[PURE_PYTHON_ENV] = "0"  # "0" means: do not force
        assert fast_module() is not None


# --- random populations: same record on both paths ------------------------------------------

_ID_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY-_ .z~张合作社é\u00a0\x00\x7f"
_STRATA = ["A", "B", "C", "D", "高风险", "A类", "x y", "\x7f", "Ü"]


@st.composite
def populations(draw_: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    ids = draw_(
        st.sets(
            st.text(alphabet=_ID_CHARS, min_size=1, max_size=64).map(str.strip).filter(bool),
            min_size=1,
            max_size=60,
        )
    )
    strata = draw_(st.lists(st.sampled_from(_STRATA), min_size=1, max_size=4, unique=True))
    tickets = st.one_of(st.integers(1, 3), st.integers(1, 1000))
    rows: list[Row] = [(i, draw_(st.sampled_from(strata)), draw_(tickets)) for i in ids]
    present = sorted({r[1] for r in rows})
    quota = st.one_of(
        st.integers(0, 70).map(str),
        st.sampled_from(["0%", "1%", "12.5%", "50%", "99.9999%", "100%", "250%"]),
    )
    return write_population(rows), {s: draw_(quota) for s in present}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(), st.sampled_from([1, 2, 3, 7]))
def test_accelerator_gives_the_reference_record(
    case: tuple[bytes, dict[str, str]], threads: int
) -> None:
    data, quotas = case
    # A valid file is decided by the C scan itself (not silently handed back to Python).
    assert _fastdraw.scan(data, len(HEADER), threads) is not None
    expected = _run(lambda: _record(data, quotas), pure=True)
    assert _run(lambda: _record(data, quotas), pure=False, threads=threads) == expected
    assert _run(lambda: _outcome(data), pure=False, threads=threads) == _run(
        lambda: _outcome(data), pure=True
    )


def test_larger_population_all_thread_counts_agree() -> None:
    rng = random.Random(5)
    rows: list[Row] = [
        (f"91{rng.getrandbits(64):020d}", rng.choice("ABCD"), rng.choice([1, 1, 1, 2, 5]))
        for _ in range(20_000)
    ]
    data = write_population(rows)
    quotas = {"A": "1%", "B": "37", "C": "100%", "D": "0"}
    expected = _run(lambda: _record(data, quotas), pure=True)
    for threads in (1, 2, 4, 16):
        assert _run(lambda: _record(data, quotas), pure=False, threads=threads) == expected


def test_select_population_matches_python_for_any_seed_text() -> None:
    pop = parse_population(write_population([("a", "A", 2), ("b", "A", 1), ("c", "B", 1)]))
    for seed in ("0" * 64, "F" * 64, "short"):  # not 64 characters: reference path
        run = partial(select_population, pop, seed=seed, drawn={"A": 1, "B": 1})
        assert _run(run, pure=False) == _run(run, pure=True)


# --- malformed files: same error as the reference -------------------------------------------

GOOD = [b"91411523AGYGLUY35K,A,1\n", b"91411523DGRQUKWF09,B,2\n", b"92411523D69T80142Q,C,3\n"]
BAD_ROWS = [
    b"\n",
    b"9241,C,3\r\n",
    b"9241,C\n",
    b"9241,C,3,4\n",
    b",C,1\n",
    b"9241,,1\n",
    b"9241,C,\n",
    b"9241,C,0\n",
    b"9241,C,01\n",
    b"9241,C,1001\n",
    b"9241,C,10000\n",
    b"9241,C,+1\n",
    b"9241,C,\xef\xbc\x91\n",
    b" 9241,C,1\n",
    b"9241\t,C,1\n",
    b"9241\x1f,C,1\n",
    b"9241,C ,1\n",
    b"9241,\x0bC,1\n",
    b"9241,\xe3\x80\x80C,1\n",  # U+3000 IDEOGRAPHIC SPACE
    b"\xc2\xa09241,C,1\n",  # U+00A0
    b"9241\xc2\x85,C,1\n",  # U+0085 NEXT LINE is white space for str.strip()
    b"92e\xcc\x81,C,1\n",  # not NFC
    b"9241,e\xcc\x81,1\n",
    b"92\xff41,C,1\n",
    b"9241,C\xff,1\n",
    b"92\xe5\xbc,C,1\n",  # truncated UTF-8
    b"9" * 65 + b",C,1\n",
    b"\xe5\xbc\xa0" * 65 + b",C,1\n",
    b"9241," + b"S" * 33 + b",1\n",
    b"9241," + "层".encode() * 33 + b",1\n",
    b"92411523AGYGLUY35K,A,1\n",  # duplicate of GOOD[0]
    b"0000,A,1\n",  # unsorted
]


@pytest.mark.parametrize("bad", BAD_ROWS, ids=[repr(b)[:40] for b in BAD_ROWS])
@pytest.mark.parametrize("position", [0, 1, 3])
def test_malformed_rows_give_the_reference_error(bad: bytes, position: int) -> None:
    lines = GOOD[:]
    lines.insert(position, bad)
    data = HEADER + b"".join(lines)
    expected = _run(lambda: _outcome(data), pure=True)
    for threads in (1, 2):
        assert _run(lambda: _outcome(data), pure=False, threads=threads) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        HEADER,
        b"\xef\xbb\xbf" + HEADER + GOOD[0],
        b"id,stratum,tickets\r\n" + GOOD[0],
        b"id,stratum\n" + GOOD[0],
        HEADER + GOOD[0] + b"92411523D69T80142Q,C,3",
        HEADER + "张,高风险,1\n".encode() + "张三,高风险,2\n".encode(),
        HEADER + "92e\u0301,A,1\n".encode(),
        HEADER + b"a b,x  y,7\n",
        HEADER + b"a\x00b,\x7f,1\n",
    ],
)
def test_file_level_cases_give_the_reference_outcome(data: bytes) -> None:
    expected = _run(lambda: _outcome(data), pure=True)
    for threads in (1, 2):
        assert _run(lambda: _outcome(data), pure=False, threads=threads) == expected


_MUTATION_BYTES = [b",", b"\n", b"\r", b" ", b"\t", b"\x1f", b"0", b"1", b"9", b"A", b"\x00"]
_MUTATION_BYTES += [b"\xc3\xa9", b"e\xcc\x81", b"\xe3\x80\x80", b"\xc2\xa0", b"\xff", b"\xe5"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 2), st.sampled_from(_MUTATION_BYTES)),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([1, 2]),
)
def test_mutated_files_give_the_reference_outcome(
    edits: list[tuple[int, int, bytes]], threads: int
) -> None:
    rows: list[Row] = [
        ("91411523AGYGLUY35K", "A", 1),
        ("92411523D69T80142Q", "C", 3),
        ("93411523CM9HRLGN44", "高风险", 12),
        ("农民专业合作社", "A", 1000),
        ("张 三", "B", 1),
    ]
    data = bytearray(write_population(rows))
    for where, drop, insert in edits:
        at = len(HEADER) + where % (len(data) - len(HEADER) + 1)
        data[at : at + drop] = insert
    frozen = bytes(data)
    expected = _run(lambda: _outcome(frozen), pure=True)
    assert _run(lambda: _outcome(frozen), pure=False, threads=threads) == expected
