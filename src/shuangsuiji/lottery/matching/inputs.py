"""The published matching inputs file: schema, validation, canonical bytes and digest.

The canonical form is the RFC 8785 (JCS) serialisation of the validated object followed by
one LF. Because every string is NFC without control characters and every number is a small
non-negative integer, JCS coincides here with
``json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``.
``inputs_digest`` is the lowercase hex SHA-256 of those bytes, i.e. ``sha256sum`` of the
published file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from .errors import MatchingInputError
from .spec import SPEC_ID
from .textrules import (
    check_date,
    check_int,
    check_keys,
    check_list,
    check_text,
)

INPUT_KEYS = (
    "spec",
    "task_id",
    "period",
    "inspectors_per_target",
    "joint_departments",
    "required_expertise",
    "inspectors",
    "conflicts",
    "rotation",
)
INSPECTOR_KEYS = (
    "id",
    "name",
    "department",
    "certificate_no",
    "certificate_valid_from",
    "certificate_valid_to",
    "expertise",
    "cap",
)
CONFLICT_KEYS = ("target_id", "inspector_id", "kind", "reason")
CONFLICT_KINDS = ("declared", "detected")
PRIOR_KEYS = ("target_id", "inspector_id", "date")
MIN_K = 2  # 执法检查人员不得少于两人 (seed document, 二(七))
MAX_K = 50
MAX_CAP = 100_000
MAX_TASK_ID = 200
MAX_REASON = 200


@dataclass(frozen=True)
class Inspector:
    id: str
    name: str
    department: str
    certificate_no: str
    certificate_valid_from: date
    certificate_valid_to: date
    expertise: tuple[str, ...]
    cap: int


@dataclass(frozen=True)
class Conflict:
    target_id: str
    inspector_id: str
    kind: str  # "declared" (申报) or "detected" (比对发现)
    reason: str


@dataclass(frozen=True)
class PriorInspection:
    target_id: str
    inspector_id: str
    date: date


@dataclass(frozen=True)
class Rotation:
    """Rotation is on: a prior inspection of the same target dated on/after ``since`` excludes."""

    since: date
    prior_inspections: tuple[PriorInspection, ...]


@dataclass(frozen=True)
class MatchingInputs:
    task_id: str
    period_start: date
    period_end: date
    k: int
    joint_departments: tuple[str, ...]
    required_expertise: tuple[str, ...]
    inspectors: tuple[Inspector, ...]
    conflicts: tuple[Conflict, ...]
    rotation: Rotation | None
    digest: str
    canonical: bytes


def _sorted_unique(values: list[Any], what: str, key: Any = None) -> None:
    """Lists are published sorted (by UTF-8 bytes = code points) and without repeats."""
    keys = [key(v) for v in values] if key else values
    for before, after in pairwise(keys):
        if before == after:
            raise MatchingInputError(f"{what}: duplicate entry {after!r}")
        if before > after:
            raise MatchingInputError(
                f"{what}: not sorted ({before!r} comes before {after!r}); "
                "run `shuangsuiji match canonicalize`"
            )


def _text_list(value: Any, what: str) -> tuple[str, ...]:
    items = check_list(value, what)
    texts = [check_text(v, f"{what}[{n}]", id_like=True) for n, v in enumerate(items)]
    _sorted_unique(texts, what)
    return tuple(texts)


def _inspector(obj: Any, n: int) -> Inspector:
    what = f"inspectors[{n}]"
    check_keys(obj, what, INSPECTOR_KEYS)
    ins = Inspector(
        id=check_text(obj["id"], f"{what}.id", id_like=True),
        name=check_text(obj["name"], f"{what}.name"),
        department=check_text(obj["department"], f"{what}.department", id_like=True),
        certificate_no=check_text(obj["certificate_no"], f"{what}.certificate_no", id_like=True),
        certificate_valid_from=check_date(
            obj["certificate_valid_from"], f"{what}.certificate_valid_from"
        ),
        certificate_valid_to=check_date(
            obj["certificate_valid_to"], f"{what}.certificate_valid_to"
        ),
        expertise=_text_list(obj["expertise"], f"{what}.expertise"),
        cap=check_int(obj["cap"], f"{what}.cap", low=1, high=MAX_CAP),
    )
    if ins.certificate_valid_to < ins.certificate_valid_from:
        raise MatchingInputError(f"{what}: certificate_valid_to is before certificate_valid_from")
    return ins


def parse_inputs(data: Mapping[str, Any]) -> MatchingInputs:
    """Validate an inputs object (as loaded from JSON) and return it typed.

    Raises MatchingInputError with a one-line message naming the first offending field.
    """
    obj = check_keys(dict(data) if isinstance(data, Mapping) else data, "inputs", INPUT_KEYS)
    if obj["spec"] != SPEC_ID:
        raise MatchingInputError(f"inputs.spec: expected {SPEC_ID!r}, got {obj['spec']!r}")
    task_id = check_text(obj["task_id"], "inputs.task_id", max_len=MAX_TASK_ID)
    period = check_keys(obj["period"], "inputs.period", ("start", "end"))
    start = check_date(period["start"], "inputs.period.start")
    end = check_date(period["end"], "inputs.period.end")
    if end < start:
        raise MatchingInputError("inputs.period: end is before start")
    k = check_int(
        obj["inspectors_per_target"], "inputs.inspectors_per_target", low=MIN_K, high=MAX_K
    )
    joint = _text_list(obj["joint_departments"], "inputs.joint_departments")
    if len(joint) > k:
        raise MatchingInputError(
            f"inputs: {len(joint)} joint departments need at least {len(joint)} inspectors "
            f"per target, but inspectors_per_target is {k}"
        )
    required = _text_list(obj["required_expertise"], "inputs.required_expertise")

    raw_inspectors = check_list(obj["inspectors"], "inputs.inspectors")
    inspectors = tuple(_inspector(item, n) for n, item in enumerate(raw_inspectors))
    _sorted_unique([i.id for i in inspectors], "inputs.inspectors (by id)")
    certificates = sorted(i.certificate_no for i in inspectors)
    for before, after in pairwise(certificates):
        if before == after:
            raise MatchingInputError(f"inputs.inspectors: certificate_no {after!r} used twice")
    known = {i.id for i in inspectors}

    conflicts: list[Conflict] = []
    for n, item in enumerate(check_list(obj["conflicts"], "inputs.conflicts")):
        what = f"inputs.conflicts[{n}]"
        check_keys(item, what, CONFLICT_KEYS)
        conflict = Conflict(
            target_id=check_text(item["target_id"], f"{what}.target_id", id_like=True),
            inspector_id=check_text(item["inspector_id"], f"{what}.inspector_id", id_like=True),
            kind=item["kind"],
            reason=check_text(item["reason"], f"{what}.reason", max_len=MAX_REASON),
        )
        if conflict.kind not in CONFLICT_KINDS:
            raise MatchingInputError(f"{what}.kind: expected one of {CONFLICT_KINDS}")
        if conflict.inspector_id not in known:
            raise MatchingInputError(f"{what}: unknown inspector {conflict.inspector_id!r}")
        conflicts.append(conflict)
    _sorted_unique(
        conflicts,
        "inputs.conflicts (by target_id, inspector_id, kind, reason)",
        key=lambda c: (c.target_id, c.inspector_id, c.kind, c.reason),
    )

    rotation: Rotation | None = None
    if obj["rotation"] is not None:
        rot = check_keys(obj["rotation"], "inputs.rotation", ("since", "prior_inspections"))
        priors: list[PriorInspection] = []
        for n, item in enumerate(check_list(rot["prior_inspections"], "inputs.rotation.prior")):
            what = f"inputs.rotation.prior_inspections[{n}]"
            check_keys(item, what, PRIOR_KEYS)
            prior = PriorInspection(
                target_id=check_text(item["target_id"], f"{what}.target_id", id_like=True),
                inspector_id=check_text(item["inspector_id"], f"{what}.inspector_id", id_like=True),
                date=check_date(item["date"], f"{what}.date"),
            )
            if prior.inspector_id not in known:
                raise MatchingInputError(f"{what}: unknown inspector {prior.inspector_id!r}")
            priors.append(prior)
        _sorted_unique(
            priors,
            "inputs.rotation.prior_inspections (by target_id, inspector_id, date)",
            key=lambda p: (p.target_id, p.inspector_id, p.date),
        )
        rotation = Rotation(
            since=check_date(rot["since"], "inputs.rotation.since"),
            prior_inspections=tuple(priors),
        )

    canonical = _canonical_bytes(obj)
    return MatchingInputs(
        task_id=task_id,
        period_start=start,
        period_end=end,
        k=k,
        joint_departments=joint,
        required_expertise=required,
        inspectors=inspectors,
        conflicts=tuple(conflicts),
        rotation=rotation,
        digest=hashlib.sha256(canonical).hexdigest(),
        canonical=canonical,
    )


def _canonical_bytes(obj: Mapping[str, Any]) -> bytes:
    # Only called on a validated object: every key and value already has a unique spelling.
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def canonical_inputs_bytes(data: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a valid inputs object (what must be published)."""
    return parse_inputs(data).canonical


def inputs_digest(data: Mapping[str, Any]) -> str:
    """Lowercase hex SHA-256 of the canonical bytes: ``sha256sum`` of the published file."""
    return parse_inputs(data).digest


def canonicalize_inputs(data: Mapping[str, Any]) -> dict[str, Any]:
    """Sort every list of an inputs object into canonical order, then validate it.

    Only reorders: it never rewrites a string (an id silently changed by normalisation would
    point at another person), so bad text is still refused.
    """
    obj = json.loads(json.dumps(data, ensure_ascii=False))  # deep copy, JSON types only
    if not isinstance(obj, dict):
        raise MatchingInputError("inputs: expected a JSON object")

    def sort_texts(value: Any) -> Any:
        return (
            sorted(value)
            if isinstance(value, list) and all(isinstance(v, str) for v in value)
            else value
        )

    def field(item: Any, name: str) -> str:
        value = item.get(name) if isinstance(item, dict) else None
        return value if isinstance(value, str) else ""

    for name in ("joint_departments", "required_expertise"):
        if name in obj:
            obj[name] = sort_texts(obj[name])
    if isinstance(obj.get("inspectors"), list):
        for item in obj["inspectors"]:
            if isinstance(item, dict) and "expertise" in item:
                item["expertise"] = sort_texts(item["expertise"])
        obj["inspectors"].sort(key=lambda item: field(item, "id"))
    if isinstance(obj.get("conflicts"), list):
        obj["conflicts"].sort(key=lambda c: tuple(field(c, name) for name in CONFLICT_KEYS))
    rotation = obj.get("rotation")
    if isinstance(rotation, dict) and isinstance(rotation.get("prior_inspections"), list):
        rotation["prior_inspections"].sort(
            key=lambda p: tuple(field(p, name) for name in PRIOR_KEYS)
        )
    parse_inputs(obj)
    return obj
