"""The draw: commitment, seed, keys with tickets, selection per stratum, dispatch order."""

from __future__ import annotations

import hashlib
import importlib
import random
from collections.abc import Iterable, Mapping

import pytest

from shuangsuiji.lottery import (
    DrawInputError,
    ErrorCode,
    Population,
    QuotaError,
    Row,
    commitment_of,
    compute_seed,
    draw,
    draw_parallel,
    new_secret,
    normalize_entropy,
    population_from_rows,
    quota_set,
    read_population,
    select_population,
    select_rows,
    ticket_key,
)
from shuangsuiji.lottery import population as population_module

from .test_data import EXAMPLE_POPULATION, example_record, make_population

# The package exports the function `draw`, which shadows the module of the same name.
draw_module = importlib.import_module("shuangsuiji.lottery.draw")
SECRET = "9f2c4b1e8d7a6c5b4a392817f6e5d4c3b2a1908f7e6d5c4b3a2918171615141f"


def reference_draw(rows: Iterable[Row], seed: str, drawn: Mapping[str, int]) -> list[tuple]:
    """draw-v1 written as plainly as possible from the spec text, for comparison."""
    keyed = []
    for target_id, stratum, tickets in rows:
        key = min(
            hashlib.sha256(f"{seed}:{target_id}:{j}".encode()).hexdigest()
            for j in range(1, tickets + 1)
        )
        keyed.append((key, target_id, stratum))
    chosen = []
    for stratum, n in drawn.items():
        in_stratum = sorted(
            (k, i.encode(), s) for k, i, s in keyed if s == stratum
        )  # (key, id as UTF-8 bytes)
        chosen.extend(in_stratum[:n])
    return [(i.decode(), s, k) for k, i, s in sorted(chosen)]


def _as_tuples(selected: Iterable) -> list[tuple]:
    return [(t.id, t.stratum, t.key) for t in selected]


def test_commitment_is_sha256_of_the_hex_text() -> None:
    assert commitment_of(SECRET) == example_record()["commitment"]
    assert commitment_of(SECRET) == hashlib.sha256(SECRET.encode("ascii")).hexdigest()


def test_new_secrets_are_64_lowercase_hex_and_differ() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(len(s) == 64 and s == s.lower() and int(s, 16) >= 0 for s in secrets)


@pytest.mark.parametrize("secret", [SECRET.upper(), SECRET[:-1], SECRET + "0", "z" * 64, ""])
def test_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(DrawInputError) as caught:
        commitment_of(secret)
    assert caught.value.code == ErrorCode.BAD_SECRET


def test_seed_of_the_worked_example() -> None:
    record = example_record()
    seed = compute_seed(
        task_id=record["task_id"],
        population_digest=record["population_digest"],
        quota_line="A=12.5%;B=1;C=50%;D=100%",
        secret=SECRET,
        entropy=record["entropy"],
    )
    assert seed == record["seed"]


def test_entropy_is_nfc_normalised_and_stripped_in_order() -> None:
    assert normalize_entropy(["  dice: 1 2 3\t", "Cafe\u0301", "\u3000福彩3D\u3000"]) == (
        "dice: 1 2 3",
        "Café",
        "福彩3D",
    )


@pytest.mark.parametrize("entry", ["", "   ", "two\nlines", "cr\rinside", "bad \udcff byte"])
def test_unusable_entropy_entry_is_refused(entry: str) -> None:
    with pytest.raises(DrawInputError) as caught:
        normalize_entropy(["dice:12345", entry])
    assert caught.value.code == ErrorCode.BAD_ENTROPY
    assert "entry 2" in str(caught.value)


def test_key_with_one_ticket_is_one_hash() -> None:
    record = example_record()
    seed = record["seed"]
    first = record["selected"][0]
    assert ticket_key(seed, first["id"], 1) == first["key"]
    assert first["key"] == hashlib.sha256(f"{seed}:{first['id']}:1".encode()).hexdigest()


def test_key_with_tickets_is_the_smallest_ticket() -> None:
    seed = example_record()["seed"]
    tickets = [
        hashlib.sha256(f"{seed}:92411523D69T80142Q:{j}".encode()).hexdigest() for j in (1, 2, 3)
    ]
    assert ticket_key(seed, "92411523D69T80142Q", 3) == min(tickets)
    assert ticket_key(seed, "92411523D69T80142Q", 1) == tickets[0]
    with pytest.raises(ValueError):
        ticket_key(seed, "X", 0)


def test_draw_of_the_example_matches_the_reference_implementation() -> None:
    pop = read_population(EXAMPLE_POPULATION)
    record = example_record()
    drawn = {"A": 1, "B": 1, "C": 2, "D": 2}
    expected = reference_draw(pop.rows(), record["seed"], drawn)
    assert _as_tuples(select_population(pop, seed=record["seed"], drawn=drawn)) == expected
    assert expected == [(s["id"], s["stratum"], s["key"]) for s in record["selected"]]


@pytest.mark.parametrize(
    ("n_rows", "quotas", "max_tickets"),
    [
        (3000, {"A": "1%", "B": "2", "C": "50%", "D": "0"}, 1),
        (3000, {"A": "100%", "B": "0.5%", "C": "700", "D": "12.5%"}, 4),
        (5000, {"A": "1", "B": "1", "C": "1", "D": "1"}, 30),
    ],
)
@pytest.mark.parametrize("tight_buffers", [False, True])
def test_bounded_buffers_select_what_a_full_sort_selects(
    monkeypatch: pytest.MonkeyPatch,
    n_rows: int,
    quotas: dict[str, str],
    max_tickets: int,
    tight_buffers: bool,
) -> None:
    if tight_buffers:  # prune after every few rows, so the cutoff logic does all the work
        monkeypatch.setattr(draw_module, "_limit", lambda n: n + 3)
    pop = make_population(n_rows, n_rows, max_tickets=max_tickets)
    qs = quota_set(quotas)
    drawn = qs.resolve(pop.strata)
    seed = hashlib.sha256(b"any seed").hexdigest()
    expected = reference_draw(pop.rows(), seed, drawn)
    assert _as_tuples(select_population(pop, seed=seed, drawn=drawn)) == expected
    assert _as_tuples(select_rows(pop.rows(), seed=seed, drawn=drawn)) == expected


def test_stratum_with_quota_zero_contributes_nothing_and_is_not_hashed() -> None:
    pop = make_population(1, 400)
    result = draw(pop, task_id="T-1", quotas={"A": "0", "B": "0", "C": "0", "D": "10"},
                  secret=SECRET)  # fmt: skip
    assert {t.stratum for t in result.selected} == {"D"}
    assert result.strata["A"].drawn == 0
    assert len(result.selected) == 10


def test_dispatch_order_is_by_key_then_id_across_strata() -> None:
    result = draw(make_population(2, 800), task_id="T-2",
                  quotas={"A": "5%", "B": "5%", "C": "5%", "D": "5%"}, secret=SECRET)  # fmt: skip
    keys = [(t.key, t.id.encode()) for t in result.selected]
    assert keys == sorted(keys)


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_draw_equals_serial_draw(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    monkeypatch.setattr(population_module, "MIN_SHARD_BYTES", 2048)
    pop = make_population(3, 4000, max_tickets=3)
    args = {"task_id": "T-3", "quotas": {"A": "3%", "B": "7", "C": "40%", "D": "1"},
            "secret": SECRET, "entropy": ["dice:31415"]}  # fmt: skip
    assert draw_parallel(pop, workers=workers, **args) == draw(pop, **args)  # type: ignore[arg-type]


def test_draw_refuses_missing_or_unknown_quotas_and_bad_task_ids() -> None:
    pop = read_population(EXAMPLE_POPULATION)
    with pytest.raises(QuotaError) as missing:
        draw(pop, task_id="T", quotas={"A": "1", "B": "1", "C": "1"}, secret=SECRET)
    assert missing.value.code == ErrorCode.MISSING_QUOTA and missing.value.line == 11
    with pytest.raises(QuotaError):
        draw(pop, task_id="T", quotas={"A": "1", "B": "1", "C": "1", "D": "1", "E": "1"},
             secret=SECRET)  # fmt: skip
    for task_id in ("", " T", "T\n2", "Cafe\u0301"):
        with pytest.raises(DrawInputError) as bad:
            draw(pop, task_id=task_id, quotas={"A": "1", "B": "1", "C": "1", "D": "1"},
                 secret=SECRET)  # fmt: skip
        assert bad.value.code == ErrorCode.BAD_TASK_ID


def test_select_rows_refuses_a_row_of_a_stratum_without_quota() -> None:
    with pytest.raises(QuotaError):
        select_rows([("X1", "A", 1), ("X2", "Z", 1)], seed="0" * 64, drawn={"A": 1})


def test_empty_population_draws_nothing() -> None:
    pop: Population = population_from_rows([])
    result = draw(pop, task_id="T-empty", quotas={}, secret=SECRET)
    assert result.selected == () and result.population_size == 0


def test_rows_with_chinese_ids_draw_like_the_reference() -> None:
    rng = random.Random(9)
    rows = [(f"个体工商户{rng.randrange(10**6):06d}号", rng.choice("甲乙"), rng.randint(1, 3))
            for _ in range(300)]  # fmt: skip
    pop = population_from_rows(dict((r[0], r) for r in rows).values())
    drawn = quota_set({"甲": "10%", "乙": "10%"}).resolve(pop.strata)
    seed = compute_seed(task_id="新市监抽查〔2026〕9号", population_digest=pop.digest,
                        quota_line="甲=10%;乙=10%", secret=SECRET, entropy=())  # fmt: skip
    expected = reference_draw(pop.rows(), seed, drawn)
    assert _as_tuples(select_population(pop, seed=seed, drawn=drawn)) == expected
