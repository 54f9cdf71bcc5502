"""What credit does to a random draw (R7): the stratum (the risk class in force at freeze
time, raised by a list's "higher-risk stratum" rule) and the number of tickets (raised by
a list's "more tickets" rule, and on the abnormal-operation list by the task's own setting).

:func:`sampling_effects` reads everything the freeze needs in a few queries — the classes
that took effect since the last sync, the entries in force on lists with sampling rules —
into dicts, so that the freeze's loop over a library of millions stays one dict lookup per
entity.  Entities it does not name keep ``Target.risk_class`` and one ticket.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from .models_lists import ABNORMAL_LIST, CreditListEntry, EffectKind, EffectRule
from .models_risk import CreditSync, RiskClassification


@dataclass(frozen=True)
class ListEffect:
    tickets: int = 1
    stratum: str = ""  # "" = no forced stratum


@dataclass
class SamplingEffects:
    day: dt.date
    #: Tickets of an entity on the abnormal-operation list (task setting and rule, the larger).
    abnormal_tickets: int
    #: credit code → the class in force on ``day`` where it differs from the current value.
    classes: dict[str, str] = field(default_factory=dict)
    #: credit code → codes of the lists with sampling rules it is on, on ``day``.
    lists_on: dict[str, list[str]] = field(default_factory=dict)
    #: list code → its combined sampling rules.
    effects: dict[str, ListEffect] = field(default_factory=dict)
    #: Codes with any abnormal-list entry: for them the entries, not the register's
    #: ``abnormal_operation`` flag, say whether they are on the list.
    abnormal_known: set[str] = field(default_factory=set)

    @property
    def special(self) -> set[str]:
        """Codes whose stratum or tickets may differ from (current class, 1 ticket)."""
        return self.classes.keys() | self.lists_on.keys() | self.abnormal_known

    def resolve(self, code: str, risk_class: str, abnormal_flag: bool) -> tuple[str, int]:
        """(stratum, tickets) of one entity.  ``abnormal_flag`` is the register's flag, used
        only for entities the lists know nothing about (data from before the lists)."""
        stratum = self.classes.get(code, risk_class)
        lists = self.lists_on.get(code, [])
        if abnormal_flag and code not in self.abnormal_known:
            lists = [*lists, ABNORMAL_LIST]
        tickets = 1
        for list_code in lists:
            effect = self.effects.get(list_code)
            if list_code == ABNORMAL_LIST:
                tickets = max(tickets, self.abnormal_tickets)
            if effect is not None:
                tickets = max(tickets, effect.tickets)
                # A < B < C < D: a forced stratum only ever raises the risk.
                if effect.stratum > stratum:
                    stratum = effect.stratum
        return stratum, tickets


def classes_in_force(day: dt.date) -> dict[str, str]:
    """credit code → class, for the classes that took effect after the last sync and by
    ``day`` (usually none: the daily sync and every import bring ``Target`` up to date)."""
    sync = CreditSync.objects.filter(pk=1).first()
    since = sync.synced_through if sync is not None else None
    rows = RiskClassification.objects.filter(effective_date__lte=day)
    if since is not None:
        rows = rows.filter(effective_date__gt=since)
    # Ordered by date, so the latest row per code wins.
    return dict(rows.order_by("effective_date").values_list("credit_code", "risk_class"))


def in_force_q(day: dt.date, prefix: str = "") -> Q:
    """Entries in force on ``day``: started, and not yet removed (the removal day excluded)."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


def sampling_effects(*, day: dt.date, abnormal_tickets: int = 1) -> SamplingEffects:
    rules = EffectRule.objects.filter(
        active=True,
        credit_list__active=True,
        effect__in=[EffectKind.TICKETS, EffectKind.STRATUM],
    ).values_list("credit_list__code", "effect", "tickets", "stratum")
    combined: dict[str, ListEffect] = {}
    for list_code, effect, tickets, stratum in rules:
        now = combined.get(list_code, ListEffect())
        if effect == EffectKind.TICKETS:
            now = ListEffect(max(now.tickets, tickets or 1), now.stratum)
        else:
            now = ListEffect(now.tickets, max(now.stratum, stratum))
        combined[list_code] = now
    abnormal = combined.get(ABNORMAL_LIST)
    result = SamplingEffects(
        day=day,
        abnormal_tickets=max(abnormal_tickets, abnormal.tickets if abnormal else 1),
        classes=classes_in_force(day),
        effects=combined,
    )
    # The abnormal list always counts (the task's own tickets setting), rules or not.
    lists = {*combined, ABNORMAL_LIST}
    on: defaultdict[str, list[str]] = defaultdict(list)
    for code, list_code in (
        CreditListEntry.objects.filter(
            in_force_q(day), credit_list__code__in=lists, credit_list__active=True
        )
        .values_list("credit_code", "credit_list__code")
        .iterator(chunk_size=20_000)
    ):
        on[code].append(list_code)
    result.lists_on = dict(on)
    result.abnormal_known = set(
        CreditListEntry.objects.filter(credit_list__code=ABNORMAL_LIST)
        .values_list("credit_code", flat=True)
        .distinct()
    )
    return result
