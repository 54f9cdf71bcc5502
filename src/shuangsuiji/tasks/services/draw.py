"""The draw (摇号) and the reasoned, public redraw."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.directory.models import Target
from shuangsuiji.errors import DomainError, NotAllowed
from shuangsuiji.lottery import commitment_of, new_secret, parse_population, quota_set
from shuangsuiji.lottery import draw as lottery_draw
from shuangsuiji.lottery.errors import LotteryError
from shuangsuiji.lottery.record import record_bytes, record_dict
from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import User
from shuangsuiji.organizations.policy import Action

from ..models import Commitment, Draw, DrawnTarget, Task, TaskStatus
from .errors import DrawAlreadyMade, TaskStateError


def _quotas_of(task: Task) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in task.freeze.quota_line.split(";"))


def read_frozen_population(task: Task) -> bytes:
    """The population file, checked against the digest recorded at the freeze: a file
    changed on disk must never be drawn from."""
    freeze = task.freeze
    with freeze.population.open("rb") as fh:
        data = fh.read()
    population = parse_population(data)
    if population.digest != freeze.population_digest:
        raise DomainError(_("The frozen population file does not match its published digest."))
    return data


@transaction.atomic
def task_draw(*, task: Task, actor: User, entropy: Sequence[str] = ()) -> Draw:
    """Draw the targets.  Exactly once per commitment: a task is drawn once, and each
    redraw has its own, earlier-published commitment.  Two users pressing draw at once get
    one draw: the task row is locked, and the database's one-live-draw constraint backs it."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, task):
        raise NotAllowed(_("You may not draw this task."))
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.FROZEN:
        if locked.status == TaskStatus.DRAFT:
            raise TaskStateError(_("Freeze the population before drawing."))
        raise DrawAlreadyMade(_("This task has already been drawn; a redraw needs a reason."))
    commitment = (
        Commitment.objects.filter(task=locked, draw__isnull=True).order_by("-sequence").first()
    )
    if commitment is None:
        raise DrawAlreadyMade(_("This task has already been drawn; a redraw needs a reason."))
    data = read_frozen_population(locked)
    try:
        result = lottery_draw(
            parse_population(data),
            task_id=locked.number,
            quotas=quota_set(_quotas_of(locked)),
            secret=commitment.secret,
            entropy=list(entropy),
        )
    except LotteryError as exc:
        raise DomainError(str(exc)) from exc
    record = record_dict(result)
    redraw_of = Draw.objects.filter(task=locked, superseded=True).order_by("-sequence").first()
    try:
        with transaction.atomic():
            draw = Draw.objects.create(
                task=locked,
                commitment=commitment,
                sequence=commitment.sequence,
                entropy=record["entropy"],
                seed=record["seed"],
                record=record,
                record_bytes=record_bytes(record),
                selected_count=len(record["selected"]),
                reason=commitment.reason,
                drawn_at=timezone.now(),
                drawn_by=actor,
            )
    except IntegrityError as exc:  # a concurrent draw won the race
        raise DrawAlreadyMade(_("This task has already been drawn.")) from exc
    ids = {
        code: pk
        for code, pk in Target.objects.filter(
            region_id=locked.department.region_id,
            credit_code__in=[s["id"] for s in record["selected"]],
        ).values_list("credit_code", "pk")
    }
    DrawnTarget.objects.bulk_create(
        DrawnTarget(
            draw=draw, target_id=ids[s["id"]], position=n, stratum=s["stratum"], key=s["key"]
        )
        for n, s in enumerate(record["selected"], start=1)
    )
    locked.status = TaskStatus.DRAWN
    locked.save(update_fields=["status"])
    chain.record(
        actor=actor,
        action="task.draw" if redraw_of is None else "task.redraw",
        obj=locked,
        payload={
            "number": locked.number,
            "sequence": draw.sequence,
            "seed": draw.seed,
            "secret": commitment.secret,
            "entropy": draw.entropy,
            "selected": [s["id"] for s in record["selected"]],
            "reason": draw.reason,
        },
    )
    return draw


@transaction.atomic
def task_request_redraw(*, task: Task, actor: User, reason: str) -> Commitment:
    """Set the current draw aside and publish a fresh commitment for a redraw.  The first
    draw stays on record; the reason is public.  Only before inspectors are matched."""
    if not policy.user_has_permission_for_instance(actor, Action.CHANGE, task):
        raise NotAllowed(_("You may not redraw this task."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("A redraw needs its reason, which will be published."))
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.DRAWN:
        raise TaskStateError(
            _("Only a drawn task whose inspectors are not matched yet can be redrawn.")
        )
    current = Draw.objects.get(task=locked, superseded=False)
    current.superseded = True
    current.save(update_fields=["superseded"])
    secret = new_secret()
    commitment = Commitment.objects.create(
        task=locked,
        sequence=current.sequence + 1,
        secret=secret,
        commitment=commitment_of(secret),
        created_at=timezone.now(),
        reason=reason,
        created_by=actor,
    )
    locked.status = TaskStatus.FROZEN
    locked.save(update_fields=["status"])
    chain.record(
        actor=actor,
        action="task.redraw_requested",
        obj=locked,
        payload={
            "number": locked.number,
            "superseded_draw": current.sequence,
            "reason": reason,
            "commitment": commitment.commitment,
        },
    )
    return commitment
