"""Inspector matching ``shuangsuiji-match-v1`` (随机匹配执法检查人员、选派、回避).

Pure standard-library Python, no Django: citizens run it through ``shuangsuiji verify``.
The normative description is docs/matching.md.

Public API::

    match_inspectors(draw_record, inputs, entropy=()) -> record dict
    replace(record, inputs, target_id, inspector_id, reason, sequence_no) -> record dict
    check_matching(draw_record, matching_record, inputs) -> list[str]
    record_bytes(record) -> bytes
    canonical_inputs_bytes(inputs) -> bytes, inputs_digest(inputs) -> str,
    canonicalize_inputs(inputs) -> dict, parse_inputs(inputs) -> MatchingInputs
    match_seed(...), pair_key(...), replacement_seed(...)
    MatchingInfeasible, MatchingInputError, MatchingError, Problem, ReasonCode
"""

from .errors import MatchingError, MatchingInfeasible, MatchingInputError, Problem, ReasonCode
from .inputs import (
    MatchingInputs,
    canonical_inputs_bytes,
    canonicalize_inputs,
    inputs_digest,
    parse_inputs,
)
from .match import match_inspectors
from .record import record_bytes
from .replace import replace
from .spec import SPEC_ID, match_seed, pair_key, replacement_seed
from .verify import check_matching

__all__ = [
    "SPEC_ID",
    "MatchingError",
    "MatchingInfeasible",
    "MatchingInputError",
    "MatchingInputs",
    "Problem",
    "ReasonCode",
    "canonical_inputs_bytes",
    "canonicalize_inputs",
    "check_matching",
    "inputs_digest",
    "match_inspectors",
    "match_seed",
    "pair_key",
    "parse_inputs",
    "record_bytes",
    "replace",
    "replacement_seed",
]
