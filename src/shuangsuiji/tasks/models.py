"""Tasks and everything legally significant that happens to them.

Order is fixed (R6): items → freeze (population + commitment) → draw → matching →
inspection → publication.  Every row here is written by a service in ``tasks.services``
together with its audit row; nothing is edited after the fact — a redraw or a recusal is
a new row that points at the one it supersedes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    RANDOM = "random", _("Random (double-random)")
    TARGETED = "targeted", _("Targeted (non-random)")


class TaskStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FROZEN = "frozen", _("Population frozen")
    DRAWN = "drawn", _("Targets drawn")
    MATCHED = "matched", _("Inspectors matched")
    DISPATCHED = "dispatched", _("Dispatched")


class Task(models.Model):
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("department"),
    )
    participants = models.ManyToManyField(
        "organizations.Department",
        blank=True,
        related_name="joint_tasks",
        verbose_name=_("participating departments"),
    )
    plan = models.ForeignKey(
        "plans.AnnualPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("annual plan"),
    )
    adhoc_reason = models.TextField(_("reason for an ad hoc task"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.RANDOM
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("task number"), max_length=64, unique=True)
    name = models.CharField(_("task name"), max_length=200)
    items = models.ManyToManyField(
        "directory.InspectionItem", related_name="tasks", verbose_name=_("inspection items")
    )
    scope = models.TextField(_("target scope"), blank=True)
    quotas = models.JSONField(_("quotas per risk class"), default=dict)
    inspectors_per_target = models.PositiveSmallIntegerField(_("inspectors per target"), default=2)
    inspector_cap = models.PositiveSmallIntegerField(
        _("most targets per inspector"), default=20, help_text=_("Workload cap for the matching")
    )
    required_expertise = models.JSONField(_("required expertise"), default=list, blank=True)
    period_start = models.DateField(_("inspection period start"))
    period_end = models.DateField(_("inspection period end"))
    exclude_inspected_by_any = models.BooleanField(
        _("exclude targets randomly inspected this year by any department"), default=False
    )
    extra_tickets_abnormal = models.PositiveSmallIntegerField(
        _("tickets for entities on the abnormal-operation list"),
        default=1,
        help_text=_("1 = same chance as others; 2 or more raises their chance in their stratum"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["-year", "department__sort_order", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "serial"], name="task_unique_serial"
            ),
            models.CheckConstraint(
                condition=models.Q(inspectors_per_target__gte=2),
                name="task_two_inspectors_at_least",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="task_period_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(plan__isnull=True, adhoc_reason=""),
                name="task_from_plan_or_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class TaskParticipation(models.Model):
    """A participating department's part of a joint task (跨部门联合抽查, R11): it confirms
    its part and contributes items from its own list.  The lead department sets scope and
    quotas; nothing is frozen before every participant has confirmed."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="participations")
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="task_participations",
        verbose_name=_("department"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("participation in a joint task")
        verbose_name_plural = _("participations in joint tasks")
        ordering = ["task", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="participation_once")
        ]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.department}"


class Freeze(models.Model):
    """The frozen population (冻结名单) and the commitment published with it."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="freeze")
    population = models.FileField(_("population file"), upload_to="lottery/")
    population_digest = models.CharField(_("population digest"), max_length=64)
    population_size = models.PositiveIntegerField(_("eligible targets"))
    strata = models.JSONField(_("stratum sizes"))
    quota_line = models.CharField(_("quota line"), max_length=500)
    exclusions = models.FileField(_("exclusion report"), upload_to="lottery/")
    excluded_count = models.PositiveIntegerField(_("excluded targets"))
    frozen_at = models.DateTimeField(_("frozen at"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("frozen population")
        verbose_name_plural = _("frozen populations")

    def __str__(self) -> str:
        return f"{self.task.number} · {self.population_digest[:12]}"


class Commitment(models.Model):
    """A published commitment to a secret (承诺值).  The secret stays on the server until
    the draw that uses it, then is published in the draw record.  A redraw needs a fresh
    commitment, published before its entropy is known."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="commitments")
    sequence = models.PositiveSmallIntegerField()
    commitment = models.CharField(max_length=64)
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    reason = models.TextField(blank=True, help_text=_("Why a redraw is needed (redraws only)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "sequence"], name="commitment_unique_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.task.number} #{self.sequence} {self.commitment[:12]}"


class Draw(models.Model):
    """One draw (摇号).  Sequence 1 is the draw; 2+ are redraws, each with its reason; the
    earlier draws stay on record and are public."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="draws")
    commitment = models.OneToOneField(Commitment, on_delete=models.PROTECT, related_name="draw")
    sequence = models.PositiveSmallIntegerField()
    entropy = models.JSONField(default=list)
    seed = models.CharField(max_length=64)
    record = models.JSONField(_("draw record"))
    record_bytes = models.BinaryField()
    selected_count = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    superseded = models.BooleanField(default=False)
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["task", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["task", "sequence"], name="draw_unique_sequence"),
            # At most one live draw per task: the database, not just the code, says so.
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(superseded=False), name="draw_one_live_per_task"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} draw {self.sequence}"


class DrawnTarget(models.Model):
    """The drawn list as rows, in dispatch order, for queries such as "inspected this year"."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="drawn")
    target = models.ForeignKey("directory.Target", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    stratum = models.CharField(max_length=32)
    key = models.CharField(max_length=64)

    class Meta:
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="drawn_unique_position"),
            models.UniqueConstraint(fields=["draw", "target"], name="drawn_unique_target"),
        ]

    def __str__(self) -> str:
        return f"{self.draw} #{self.position}"


class Matching(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="matchings")
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="matchings")
    inputs_bytes = models.BinaryField()
    inputs_digest = models.CharField(max_length=64)
    record = models.JSONField()
    record_bytes = models.BinaryField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("matching")
        verbose_name_plural = _("matchings")
        constraints = [models.UniqueConstraint(fields=["draw"], name="matching_one_per_draw")]

    def __str__(self) -> str:
        return f"{self.task.number} matching"


class Assignment(models.Model):
    """One inspector on one target's team (选派).  Recused assignments stay, inactive."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="assignments")
    matching = models.ForeignKey(Matching, on_delete=models.PROTECT, related_name="assignments")
    target = models.ForeignKey("directory.Target", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(
        "directory.Inspector", on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.PositiveIntegerField(help_text=_("the target's place in dispatch order"))
    active = models.BooleanField(default=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "target", "inspector"],
                condition=models.Q(active=True),
                name="assignment_unique_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.number}: {self.target.name} ← {self.inspector.name}"


class Recusal(models.Model):
    """An inspector's recusal (回避) from an assignment, refilled by a recorded replacement."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="recusal")
    sequence = models.PositiveIntegerField()
    reason = models.TextField(_("reason"))
    replacement = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="replacement_for"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")

    def __str__(self) -> str:
        return f"{self.assignment} 回避"


class TargetedSource(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint or report (投诉举报)")
    REFERRAL = "referral", _("Referral or assignment (转办交办)")
    DATA = "data", _("Big-data analysis (大数据分析)")


class TargetedCheck(models.Model):
    """A non-random, targeted check (R7).  Never counted as random coverage and never
    excludes a target from the random draw."""

    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="targeted_checks"
    )
    target = models.ForeignKey("directory.Target", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=16, choices=TargetedSource.choices)
    reference = models.CharField(
        _("reference (complaint or document number)"), max_length=100, blank=True
    )
    reason = models.TextField(_("reason"))
    check_date = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("targeted check")
        verbose_name_plural = _("targeted checks")

    def __str__(self) -> str:
        return f"{self.target} ({self.get_source_display()})"


class CommissionKind(models.TextChoices):
    AUDIT = "audit", _("Audit (审计)")
    TESTING = "testing", _("Testing (检验检测)")
    APPRAISAL = "appraisal", _("Appraisal (评估鉴定)")


class ThirdPartyCommission(models.Model):
    """A commissioned agency (委托第三方); the commissioning department pays (谁委托、谁付费)."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="commissions")
    agency = models.CharField(_("agency"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=CommissionKind.choices)
    cost_yuan = models.DecimalField(_("cost (yuan)"), max_digits=12, decimal_places=2)
    paying_department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="+"
    )
    contract_no = models.CharField(_("contract number"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("third-party commission")
        verbose_name_plural = _("third-party commissions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_yuan__gte=0), name="commission_cost_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_kind_display()})"
