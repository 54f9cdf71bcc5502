"""Reads of the credit app.  Every read of a registered model goes through the data-scope
policy; the lists, their entries and the rule table are public (企业信用信息公示), the risk
classes and the proposals are not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When
from django.utils.translation import gettext as _

from shuangsuiji.directory.models import Target
from shuangsuiji.directory.search import TargetFilters, public_target_search
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action, AnyUser

from .errors import CreditError, clean_credit_code
from .lookup import target_by_code
from .models_lists import (
    AbnormalProposal,
    Activity,
    CreditList,
    CreditListEntry,
    EffectKind,
    EffectRule,
    ProposalStatus,
)
from .models_risk import RiskClassification, RiskClassImport
from .participation import Answer, EntryFacts, answer
from .sampling import in_force_q


class EntryState:
    IN_FORCE = "in_force"
    REMOVED = "removed"
    ALL = "all"


def credit_lists(*, user: AnyUser, day: dt.date) -> QuerySet[CreditList]:
    """The lists in use, each with ``in_force``: its entries in force on ``day``."""
    qs = policy.instances_user_has_permission_for(user, Action.VIEW, CreditList)
    return qs.filter(active=True).annotate(
        in_force=Count("entries", filter=in_force_q(day, "entries__"))
    )


def effect_rules(*, user: AnyUser) -> QuerySet[EffectRule]:
    return (
        policy.instances_user_has_permission_for(user, Action.VIEW, EffectRule)
        .filter(active=True, credit_list__active=True)
        .select_related("credit_list")
    )


def list_entries(
    *,
    user: AnyUser,
    credit_list: CreditList | None = None,
    q: str = "",
    state: str = EntryState.IN_FORCE,
    day: dt.date | None = None,
) -> QuerySet[CreditListEntry]:
    """Entries, newest first; ``q`` matches a credit code (or its start) or a name."""
    qs = policy.instances_user_has_permission_for(
        user, Action.VIEW, CreditListEntry.objects.select_related("credit_list", "department")
    )
    if credit_list is not None:
        qs = qs.filter(credit_list=credit_list)
    q = q.strip()
    if q:
        qs = qs.filter(Q(credit_code__startswith=q.upper()) | Q(entity_name__contains=q))
    if day is not None and state == EntryState.IN_FORCE:
        qs = qs.filter(in_force_q(day))
    elif state == EntryState.REMOVED:
        qs = qs.filter(end_date__isnull=False)
    return qs.order_by("-start_date", "-pk")


def entity_entries(*, user: AnyUser, credit_code: str) -> QuerySet[CreditListEntry]:
    """An entity's whole list history, newest first."""
    return list_entries(user=user, state=EntryState.ALL).filter(credit_code=credit_code)


def risk_history(*, user: AnyUser, credit_code: str) -> QuerySet[RiskClassification]:
    return policy.instances_user_has_permission_for(
        user, Action.VIEW, RiskClassification.objects.select_related("batch")
    ).filter(credit_code=credit_code)


def risk_imports(*, user: AnyUser) -> QuerySet[RiskClassImport]:
    return policy.instances_user_has_permission_for(
        user, Action.VIEW, RiskClassImport.objects.select_related("imported_by")
    )


def proposal_inbox(*, user: AnyUser) -> QuerySet[AbnormalProposal]:
    """Proposals the user's departments are responsible for, pending first.  Lead
    administrators see every pending proposal: they may decide any."""
    qs = policy.instances_user_has_permission_for(user, Action.VIEW, AbnormalProposal)
    lead = [d.pk for d in policy.departments_user_acts_for(user, Action.CHANGE) if d.is_lead]
    if lead:
        qs = qs | AbnormalProposal.objects.filter(status=ProposalStatus.PENDING)
    pending_first = Case(When(status=ProposalStatus.PENDING, then=0), default=1)
    return qs.select_related(
        "target", "department", "result__task", "entry", "decided_by"
    ).order_by(pending_first, "-created_at", "-pk")


def find_entities(query: str, limit: int = 20) -> list[Target]:
    """Entities of the register by credit code or by part of the name, for the answer
    page: the directory's public search (indexed; market entities are public records)."""
    query = query.strip()
    if not query:
        return []
    return public_target_search(filters=TargetFilters(q=query), limit=limit).items


def restricting_rules(activity: str) -> dict[str, str]:
    """list code → legal basis, for the lists whose rules in force restrict ``activity``."""
    rows = EffectRule.objects.filter(
        active=True, credit_list__active=True, effect=EffectKind.RESTRICT, activity=activity
    ).values_list("credit_list__code", "legal_basis")
    return dict(rows)


def parse_activity(value: str) -> str:
    if value not in Activity.values:
        raise CreditError(
            _("Unknown activity %(a)s; expected one of %(all)s.")
            % {"a": value or "—", "all": ", ".join(Activity.values)},
            field="activity",
        )
    return value


def parse_day(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CreditError(_("Write the date as YYYY-MM-DD."), field="date") from None


@dataclass(frozen=True)
class ParticipationQuery:
    credit_code: str
    activity: str
    day: dt.date


def participation_query(
    *, credit_code: str, activity: str, date: str | None, today: dt.date
) -> ParticipationQuery:
    """Raw inputs (of a form or the API) → a checked query, or :class:`CreditError`."""
    return ParticipationQuery(
        clean_credit_code(credit_code), parse_activity(activity), parse_day(date, today)
    )


def participation_answer(*, credit_code: str, activity: str, day: dt.date) -> Answer:
    """May the entity take part in ``activity`` on ``day``?  Public information: no user."""
    entries = list(
        CreditListEntry.objects.filter(credit_code=credit_code, credit_list__active=True)
        .select_related("credit_list")
        .order_by("start_date", "pk")
    )
    target = target_by_code(credit_code)
    name = target.name if target else (entries[-1].entity_name if entries else "")
    facts: Sequence[EntryFacts] = [
        EntryFacts(
            list_code=e.credit_list.code,
            list_name=e.credit_list.name,
            reason=e.reason,
            authority=e.authority,
            document_no=e.document_no,
            start_date=e.start_date,
            end_date=e.end_date,
        )
        for e in entries
    ]
    return answer(
        credit_code=credit_code,
        entity_name=name,
        activity=activity,
        day=day,
        entries=facts,
        restricting=restricting_rules(activity),
    )
