"""Shapes of the API's requests and responses (the OpenAPI document is made from these).

Bounds on every input are part of the contract and of the safety of the server: ids fit
the database's 64-bit keys, text has a length limit and no NUL character (PostgreSQL
refuses one), numbers stay in the ranges the pages allow.  Out of bounds is a 422 with the
field named, never a database error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import BeforeValidator, Strict

from shuangsuiji.credit.models_lists import Activity
from shuangsuiji.directory.models import (
    EntityKind,
    InspectionMethod,
    InspectorStatus,
    RegistrationStatus,
    RiskClass,
)
from shuangsuiji.plans.models import PlanStatus
from shuangsuiji.results.models import (
    Confidentiality,
    FollowUpAction,
    FollowUpState,
    ItemOutcome,
    ResultStatus,
)
from shuangsuiji.tasks.models import TaskKind, TaskStatus

#: The largest id accepted: 2**53 - 1, exact in every JSON parser (JavaScript's included).
MAX_ID = 9_007_199_254_740_991
MAX_OFFSET = 1_000_000
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
NO_NUL = r"^[^\x00]*$"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Path and query parameters arrive as text and are read as numbers; in a JSON body a number
# must be a JSON number and a flag a JSON boolean (no "5", 5.0 or 0 for false).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=2000, le=2100)]
BodyId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
BodyYear = Annotated[int, Strict(), Field(ge=2000, le=2100)]
Flag = Annotated[bool, Strict()]


def _count(default: int, low: int, high: int) -> Any:
    return Field(default, ge=low, le=high, strict=True)


def _date_text(value: Any) -> Any:
    """A date is written YYYY-MM-DD, as the schema's ``format: date`` says; a number (read
    as a Unix time otherwise) or a date-time is refused."""
    if (isinstance(value, str) and ISO_DATE.fullmatch(value)) or isinstance(value, dt.date):
        return value
    raise ValueError(_("Enter a valid date."))


Day = Annotated[
    dt.date,
    BeforeValidator(_date_text),
    Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31)),
]


def _text(max_length: int, min_length: int = 0) -> Any:
    return Field(max_length=max_length, min_length=min_length, pattern=NO_NUL)


# Text fields: bounded and without NUL (the schema says so; pydantic itself refuses the lone
# surrogates a JSON "\\ud800" escape can smuggle in).  ``Name…`` ones may not be empty.
Code12 = Annotated[str, _text(12, 1)]
Code16 = Annotated[str, _text(16, 1)]
Text32 = Annotated[str, _text(32)]
Name64 = Annotated[str, _text(64, 1)]
Text100 = Annotated[str, _text(100)]
Name128 = Annotated[str, _text(128, 1)]
Text200 = Annotated[str, _text(200)]
Name200 = Annotated[str, _text(200, 1)]
Text500 = Annotated[str, _text(500)]
Reason = Annotated[str, _text(1000, 1)]
Text1000 = Annotated[str, _text(1000)]
LongText = Annotated[str, _text(5000)]
LongText1 = Annotated[str, _text(5000, 1)]
Findings = Annotated[str, _text(20000)]
RiskClassName = Literal["A", "B", "C", "D"]


# --- errors ---------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str = Field(description="Where: ``body.name``, ``query.year``, ``path.item_id`` …")
    type: str
    message: str


class ProblemOut(Schema):
    """One problem of an import file (row and column) or of a matching (target)."""

    code: str
    message: str
    severity: str = "error"
    row: int | None = None
    column: str | None = None
    column_letter: str | None = None
    target: str | None = None


class ErrorOut(Schema):
    code: str = Field(description="Stable error code; see docs/api.md")
    message: str = Field(description="In the caller's language (Accept-Language)")
    field: str | None = None
    errors: list[FieldErrorOut] = []
    problems: list[ProblemOut] = []


# --- pagination -----------------------------------------------------------------------------


class PageIn(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip")


class PageOut(Schema):
    count: int
    limit: int
    offset: int


# --- meta -----------------------------------------------------------------------------------


class DepartmentRef(Schema):
    id: int
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    department: DepartmentRef | None
    roles: list[str]
    acts_for: list[DepartmentRef]


# --- directory ------------------------------------------------------------------------------


class ItemOut(Schema):
    id: int
    department: DepartmentRef
    code: str
    name: str
    legal_basis: str
    inspecting_body: str
    content: str
    method: str
    target_kind: str
    is_key: bool
    active: bool
    is_published: bool


class ItemPage(PageOut):
    items: list[ItemOut]


class ItemFilters(Schema):
    department: Id | None = None
    q: Text100 = Field("", description="Part of the code or the name")
    active: bool | None = None
    is_key: bool | None = None


class ItemUpdateIn(Schema):
    """The fields of an item the item list page edits; leave out what stays."""

    name: Name200 | None = None
    legal_basis: LongText1 | None = None
    inspecting_body: Name128 | None = None
    content: LongText | None = None
    method: InspectionMethod | None = None
    target_kind: Text32 | None = None
    is_key: Flag | None = None
    active: Flag | None = None


class TargetOut(Schema):
    id: int
    credit_code: str
    name: str
    kind: str
    status: str
    address: str
    township: str | None
    industry_code: str
    founded_on: dt.date | None
    abnormal_operation: bool
    risk_class: str | None = Field(description="Staff only (internal supervision data)")
    legal_rep: str | None = Field(description="Staff only")
    phone: str | None = Field(description="Staff only")


class TargetPage(Schema):
    items: list[TargetOut]
    next_cursor: str | None = Field(description="Pass as ``after`` for the next page")


class TargetFiltersIn(Schema):
    q: Text100 = Field("", description="Name, or a credit code or its start")
    township: Id | None = None
    kind: EntityKind | None = None
    risk_class: RiskClass | None = None
    status: RegistrationStatus | None = None
    library: Id | None = Field(None, description="A department: its target library only")
    after: Text100 | None = Field(None, description="The previous page's next_cursor")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class InspectorOut(Schema):
    id: int
    department: DepartmentRef
    name: str
    gender: str
    position: str
    expertise: list[str]
    certificate_no: str
    certificate_valid_from: dt.date
    certificate_valid_to: dt.date
    status: str


class InspectorPage(PageOut):
    items: list[InspectorOut]


class InspectorFilters(Schema):
    department: Id | None = None
    status: InspectorStatus | None = None
    q: Text100 = Field("", description="Part of the name or the certificate number")


# --- plans ----------------------------------------------------------------------------------


class ItemRef(Schema):
    id: int
    code: str
    name: str


class AmendmentOut(Schema):
    number: int
    reason: str
    changes: dict[str, Any]
    created_at: dt.datetime


class PlanOut(Schema):
    id: int
    department: DepartmentRef
    year: int
    name: str
    status: str
    items: list[ItemRef]
    target_scope: str
    ratios: dict[str, str]
    frequency: str
    period_start: dt.date
    period_end: dt.date
    inspecting_body: str
    planned_tasks: int
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    amendments: list[AmendmentOut]


class PlanPage(PageOut):
    items: list[PlanOut]


class PlanFilters(Schema):
    department: Id | None = None
    year: Year | None = None
    status: PlanStatus | None = None
    q: Text100 = Field("", description="Part of the name")


class PlanIn(Schema):
    department: BodyId
    year: BodyYear
    name: Name200
    items: list[BodyId] = Field(min_length=1, max_length=500)
    target_scope: LongText1
    ratios: dict[RiskClassName, Code12] = Field(
        description="Per credit risk class: a count such as 3 or a rate such as 5%"
    )
    frequency: Text200 = ""
    period_start: Day
    period_end: Day
    inspecting_body: Name200
    planned_tasks: int = _count(1, 1, 1000)


# --- tasks ----------------------------------------------------------------------------------


class FreezeOut(Schema):
    population_digest: str
    population_size: int
    strata: dict[str, int]
    quota_line: str
    excluded_count: int
    frozen_at: dt.datetime


class CommitmentOut(Schema):
    sequence: int
    commitment: str
    created_at: dt.datetime
    reason: str


class DrawOut(Schema):
    sequence: int
    commitment: str
    secret: str = Field(description="Revealed with the draw; never before")
    entropy: list[str]
    seed: str
    selected_count: int
    superseded: bool
    reason: str
    drawn_at: dt.datetime
    record_url: str


class MatchingOut(Schema):
    inputs_digest: str
    match_seed: str
    created_at: dt.datetime
    record_url: str


class TaskOut(Schema):
    id: int
    number: str
    name: str
    department: DepartmentRef
    participants: list[DepartmentRef]
    plan_id: int | None
    adhoc_reason: str
    kind: str
    year: int
    status: str
    items: list[ItemRef]
    scope: str
    quotas: dict[str, str]
    inspectors_per_target: int
    inspector_cap: int
    period_start: dt.date
    period_end: dt.date
    created_at: dt.datetime
    freeze: FreezeOut | None
    pending_commitment: CommitmentOut | None
    draw: DrawOut | None
    matching: MatchingOut | None


class TaskPage(PageOut):
    items: list[TaskOut]


class TaskFilters(Schema):
    department: Id | None = Field(None, description="Running or taking part in the task")
    year: Year | None = None
    status: TaskStatus | None = None
    kind: TaskKind | None = None
    q: Text100 = Field("", description="Part of the task number or name")


class TaskIn(Schema):
    department: BodyId
    name: Name200
    items: list[BodyId] = Field(min_length=1, max_length=500)
    quotas: dict[RiskClassName, Code12]
    period_start: Day
    period_end: Day
    plan: BodyId | None = Field(None, description="An approved plan of the department")
    adhoc_reason: Text1000 = Field("", description="Needed without a plan")
    scope: LongText = ""
    inspectors_per_target: int = _count(2, 2, 10)
    inspector_cap: int = _count(20, 1, 1000)
    required_expertise: list[Name64] = Field([], max_length=50)
    exclude_inspected_by_any: Flag = False
    extra_tickets_abnormal: int = _count(1, 1, 10)


class DrawIn(Schema):
    entropy: list[Name200] = Field(
        min_length=1,
        max_length=20,
        description="Public entropy (公开随机源), e.g. witnesses' dice, one entry each",
    )


class DrawnOut(Schema):
    position: int
    target_id: int
    credit_code: str
    name: str
    stratum: str


class DrawnPage(PageOut):
    sequence: int
    items: list[DrawnOut]


class AssignmentOut(Schema):
    id: int
    position: int
    target_id: int
    target_name: str
    credit_code: str
    inspector_id: int
    inspector_name: str
    certificate_no: str
    active: bool
    replaces: int | None


class AssignmentPage(PageOut):
    items: list[AssignmentOut]


# --- results --------------------------------------------------------------------------------


class CategoryOut(Schema):
    code: str
    name: str


class PresentIn(Schema):
    inspector: BodyId
    certificate_shown: Flag = True


class OutcomeIn(Schema):
    item: BodyId
    outcome: ItemOutcome
    note: Text500 = ""


class ResultIn(Schema):
    inspection_date: Day
    result_date: Day
    category: Code16 = Field(description="Result category code, e.g. R01")
    refused: Flag = False
    findings: Findings = ""
    confidentiality: Confidentiality = Confidentiality.NONE
    public_findings: Findings = ""
    present: list[PresentIn] = Field(min_length=1, max_length=50)
    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=500)
    submit: Flag = Field(False, description="Send to the department's reviewer at once")


class PresentOut(Schema):
    inspector_id: int
    name: str
    certificate_no: str
    certificate_shown: bool


class OutcomeOut(Schema):
    item_id: int
    code: str
    name: str
    outcome: str
    note: str


class ResultOut(Schema):
    id: int
    task_id: int
    task_number: str
    target_id: int
    target_name: str
    credit_code: str
    department: DepartmentRef
    status: str
    inspection_date: dt.date
    result_date: dt.date
    category: CategoryOut
    refused: bool
    findings: str
    confidentiality: str
    public_findings: str
    deadline: dt.date
    deadline_provisional: bool
    entered_by: str
    submitted_at: dt.datetime | None
    return_reason: str
    reviewed_at: dt.datetime | None
    publication_id: int | None = Field(description="Set once the result is published")
    present: list[PresentOut]
    outcomes: list[OutcomeOut]


class ResultPage(PageOut):
    items: list[ResultOut]


class ResultFilters(Schema):
    department: Id | None = None
    task: Id | None = None
    year: Year | None = Field(None, description="The task's year")
    status: ResultStatus | None = None
    q: Text100 = Field("", description="Part of the target's name or credit code")


class ReasonIn(Schema):
    reason: Reason


class NoteIn(Schema):
    note: LongText1


class FollowUpIn(Schema):
    action: FollowUpAction
    description: LongText1
    due_date: Day
    to_department: BodyId | None = Field(None, description="Referrals (refer) only")


class FollowUpOut(Schema):
    id: int
    result_id: int
    action: str
    description: str
    department: DepartmentRef
    referred_by: DepartmentRef | None
    due_date: dt.date
    state: str
    closing_note: str
    closed_at: dt.datetime | None
    created_at: dt.datetime


class FollowUpPage(PageOut):
    items: list[FollowUpOut]


class FollowUpFilters(Schema):
    department: Id | None = Field(None, description="Responsible or referring department")
    state: FollowUpState | None = None


class PublicationOut(Schema):
    """The frozen public copy (公示) of a result: what the public read on the day."""

    id: int
    published_on: dt.date
    target_name: str
    credit_code: str
    task_number: str
    task_name: str
    department_name: str
    items: list[dict[str, Any]]
    inspection_date: dt.date
    result_date: dt.date
    category_name: str
    refused: bool
    public_text: str
    late: bool
    working_days_late: int


class PublicationPage(PageOut):
    items: list[PublicationOut]


class PublicationFilters(Schema):
    q: Text100 = Field("", description="Name, credit code or task number")
    department: Id | None = None
    year: Year | None = Field(None, description="Year of publication")
    published_from: Day | None = None
    published_to: Day | None = None


# --- credit ---------------------------------------------------------------------------------


class RestrictionOut(Schema):
    list_code: str
    list_name: str
    reason: str
    authority: str
    document_no: str
    start_date: dt.date
    end_date: dt.date | None
    legal_basis: str


class AnswerIn(Schema):
    credit_code: Text100 = Field(description="Unified social credit code (统一社会信用代码)")
    activity: Activity
    date: Day | None = Field(None, description="The day asked about; default today")


class AnswerOut(Schema):
    credit_code: str
    name: str
    activity: str
    activity_label: str
    date: dt.date
    allowed: bool
    restrictions: list[RestrictionOut]


# --- exchange -------------------------------------------------------------------------------


class ImportReportOut(Schema):
    file_name: str
    sha256: str
    rows: int
    added: int
    changed: int
    unchanged: int
    warnings: int
    applied: bool
    ignored_columns: list[str]
    problems: list[ProblemOut]
