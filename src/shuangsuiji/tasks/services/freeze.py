"""Freezing the population (冻结名单) and publishing the commitment (承诺值)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.credit.sampling import sampling_effects
from shuangsuiji.directory.library import library_members
from shuangsuiji.directory.models import RegistrationStatus, Target, TargetLibrary
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.lottery import commitment_of, new_secret, population_from_rows, quota_set
from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import User
from shuangsuiji.organizations.policy import Action

from ..models import Commitment, DrawnTarget, Freeze, Task, TaskStatus
from .errors import TaskStateError
from .joint import unconfirmed


def inspected_this_year(task: Task) -> dict[int, str]:
    """Targets already drawn in a live random draw this year → the task number that drew
    them (same department, or any department when the task says so)."""
    drawn = DrawnTarget.objects.filter(
        draw__superseded=False, draw__task__year=task.year, draw__task__kind="random"
    ).exclude(draw__task=task)
    if not task.exclude_inspected_by_any:
        drawn = drawn.filter(draw__task__department=task.department_id)
    return dict(drawn.values_list("target_id", "draw__task__number"))


def _eligible_and_excluded(
    task: Task, library: TargetLibrary
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, str]]]:
    already = inspected_this_year(task)
    rows: list[tuple[str, str, int]] = []
    excluded: list[tuple[str, str, str]] = []
    members: Iterator[tuple[int, str, str, str, str, bool]] = (
        library_members(library)
        .values_list("pk", "credit_code", "name", "status", "risk_class", "abnormal_operation")
        .iterator(chunk_size=20_000)
    )
    # Translated once: a million-row freeze may exclude a hundred thousand targets.
    not_active = _("registration status is %(s)s, not 存续")
    drawn_before = _("already randomly inspected this year (%(task)s)")
    # Credit at freeze time (R7): the class in force today picks the stratum, and the lists
    # the entity is on today add tickets or raise the stratum as the rule table says.  Read
    # once into dicts; most entities are on no list and keep (current class, one ticket).
    effects = sampling_effects(
        day=timezone.localdate(), abnormal_tickets=task.extra_tickets_abnormal
    )
    special = effects.special
    resolve = effects.resolve
    for pk, code, name, status, risk_class, abnormal in members:
        if status != RegistrationStatus.ACTIVE:
            excluded.append((code, name, not_active % {"s": status}))
        elif pk in already:
            excluded.append((code, name, drawn_before % {"task": already[pk]}))
        elif abnormal or code in special:
            rows.append((code, *resolve(code, risk_class, abnormal)))
        else:
            rows.append((code, risk_class, 1))
    return rows, excluded


def _joint_scope(
    task: Task, rows: list[tuple[str, str, int]], excluded: list[tuple[str, str, str]]
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, str]]]:
    """A joint task draws from the businesses in the remit of every joint item: those in
    every participating department's library.  The others go to the exclusion report with
    the department whose remit they are outside."""
    keep = {code for code, _s, _t in rows}
    reasons: dict[str, str] = {}
    outside = _("not in the target library of %(d)s")
    for department in task.participants.order_by("sort_order", "code"):
        library = TargetLibrary.objects.filter(department=department).first()
        if library is None:
            raise DomainError(
                _("%(d)s has no target library: set it up before the joint task is frozen.")
                % {"d": department.name}
            )
        members = set(library_members(library).values_list("credit_code", flat=True))
        for code in keep - members:
            reasons.setdefault(code, outside % {"d": department.name})
        keep &= members
    names = dict(
        Target.objects.filter(credit_code__in=list(reasons)).values_list("credit_code", "name")
    )
    excluded = excluded + [(code, names.get(code, ""), why) for code, why in reasons.items()]
    return [r for r in rows if r[0] in keep], excluded


def _exclusion_csv(excluded: list[tuple[str, str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["统一社会信用代码", "名称", "排除原因"])
    writer.writerows(sorted(excluded))
    # BOM so that Excel opens the Chinese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@transaction.atomic
def task_freeze(*, task: Task, actor: User) -> Freeze:
    """Compute the eligible population from the department's library, write the canonical
    population file and the exclusion report, and publish the commitment.  After this,
    nothing about the population can change."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, task):
        raise NotAllowed(_("You may not freeze this task."))
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.DRAFT:
        raise TaskStateError(_("The population of this task is already frozen."))
    waiting = [p.department.name for p in unconfirmed(locked)]
    if waiting:
        raise TaskStateError(
            _("Waiting for the participating departments to confirm their part: %(d)s.")
            % {"d": "、".join(waiting)}
        )
    library = TargetLibrary.objects.filter(department=locked.department_id).first()
    if library is None:
        raise DomainError(_("Set up the department's target library before freezing."))
    rows, excluded = _eligible_and_excluded(locked, library)
    if locked.participants.exists():
        rows, excluded = _joint_scope(locked, rows, excluded)
    if not rows:
        raise DomainError(
            _("No eligible targets: the library is empty or every target is excluded.")
        )
    try:
        population = population_from_rows(rows)
        present = set(population.strata)
        missing = sorted(present - set(locked.quotas))
        if missing:
            raise DomainError(
                _("No quota for risk class %(c)s, which has eligible targets.")
                % {"c": "、".join(missing)}
            )
        # Quotas for classes with no eligible target are left out of the quota line:
        # draw-v1 refuses a quota for an absent stratum.
        quotas = quota_set({s: q for s, q in locked.quotas.items() if s in present})
        quotas.resolve(population.strata)
    except LotteryError as exc:
        raise DomainError(str(exc)) from exc
    now = timezone.now()
    freeze = Freeze(
        task=locked,
        population_digest=population.digest,
        population_size=population.size,
        strata=dict(population.strata),
        quota_line=quotas.line,
        excluded_count=len(excluded),
        frozen_at=now,
        frozen_by=actor,
    )
    freeze.population.save(
        f"{locked.pk}/population-{population.digest[:16]}.csv",
        ContentFile(bytes(population.data)),
        save=False,
    )
    freeze.exclusions.save(
        f"{locked.pk}/exclusions-{population.digest[:16]}.csv",
        ContentFile(_exclusion_csv(excluded)),
        save=False,
    )
    freeze.save()
    secret = new_secret()
    commitment = Commitment.objects.create(
        task=locked,
        sequence=1,
        secret=secret,
        commitment=commitment_of(secret),
        created_at=now,
        created_by=actor,
    )
    locked.status = TaskStatus.FROZEN
    locked.save(update_fields=["status"])
    chain.record(
        actor=actor,
        action="task.freeze",
        obj=locked,
        payload={
            "number": locked.number,
            "population_digest": population.digest,
            "population_size": population.size,
            "strata": freeze.strata,
            "quota_line": quotas.line,
            "excluded": len(excluded),
            "commitment": commitment.commitment,
        },
    )
    return freeze
