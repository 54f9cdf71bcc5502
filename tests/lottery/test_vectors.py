"""The worked example of docs/lottery.md, reproduced byte for byte."""

from __future__ import annotations

from shuangsuiji.lottery import (
    DrawResult,
    draw,
    dumps_record,
    loads_record,
    read_population,
    record_bytes,
    record_dict,
    verify_record,
)
from shuangsuiji.lottery.record import RECORD_FIELDS

from .test_data import EXAMPLE_POPULATION, EXAMPLE_RECORD, example_record


def _example_draw() -> DrawResult:
    record = example_record()
    return draw(
        read_population(EXAMPLE_POPULATION),
        task_id=record["task_id"],
        quotas=record["quotas"],
        secret=record["secret"],
        entropy=record["entropy"],
    )


def test_example_record_is_reproduced_byte_for_byte() -> None:
    assert record_bytes(_example_draw()) == EXAMPLE_RECORD.read_bytes()


def test_example_record_has_the_fields_in_published_order() -> None:
    assert tuple(record_dict(_example_draw())) == RECORD_FIELDS
    assert tuple(example_record()) == RECORD_FIELDS


def test_selected_targets_are_in_the_published_dispatch_order() -> None:
    result = _example_draw()
    assert [t.id for t in result.selected] == [s["id"] for s in example_record()["selected"]]


def test_entropy_as_typed_by_a_witness_gives_the_same_record() -> None:
    # Extra spaces around an entry and NFD input do not change the draw: entries are normalised.
    record = example_record()
    result = draw(
        read_population(EXAMPLE_POPULATION),
        task_id=record["task_id"],
        quotas=record["quotas"],
        secret=record["secret"],
        entropy=[f"  {e}\t" for e in record["entropy"]],
    )
    assert record_bytes(result) == EXAMPLE_RECORD.read_bytes()


def test_serialisation_round_trips() -> None:
    text = EXAMPLE_RECORD.read_text(encoding="utf-8")
    assert dumps_record(loads_record(text)) == text


def test_verify_accepts_the_example() -> None:
    report = verify_record(example_record(), EXAMPLE_POPULATION.read_bytes())
    assert report.ok, report.summary()
    assert report.first_mismatch is None
    assert report.selected == 6
