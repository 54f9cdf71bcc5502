"""Results of inspections and what follows them.

One :class:`Result` per drawn target, task and entering department (a joint task gets one
part per department).  Its life: draft (the assigned inspectors enter it) → submitted →
returned with a reason, or published by the department's reviewer.  The publication
keeps a frozen copy of what the public saw; the full findings stay internal, and text
covered by state secrets, trade secrets or personal privacy never leaves the building
(only ``public_findings`` does).

The deadline is the 20th working day after ``result_date``; it is stored (so lists can
filter and sort on it in the database) and recomputed when the holiday calendar changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PUBLICATION_WORKING_DAYS = 20


class ResultCategory(models.Model):
    """The standard result categories (结果类别) of the provincial platforms, kept editable
    by system admins.  ``proposes_abnormal``: the category suggests an abnormal-operation
    list entry (通过登记的住所无法联系), confirmed or rejected by the department (issue 8)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    problem_found = models.BooleanField(
        _("a problem was found"),
        default=False,
        help_text=_("Counts as a problem found in the supervision figures"),
    )
    proposes_abnormal = models.BooleanField(
        _("proposes an abnormal-operation entry"), default=False
    )

    class Meta:
        verbose_name = _("result category")
        verbose_name_plural = _("result categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ResultStatus(models.TextChoices):
    DRAFT = "draft", _("Being entered")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for correction")
    # A joint task's part, approved by its department, waiting for the other parts: the
    # result is published once, when every department's part is approved (R11).
    APPROVED = "approved", _("Approved, waiting for the other departments")
    PUBLISHED = "published", _("Published")


class Confidentiality(models.TextChoices):
    NONE = "none", _("Nothing to withhold")
    STATE_SECRET = "state_secret", _("State secrets")
    TRADE_SECRET = "trade_secret", _("Trade secrets")
    PRIVACY = "privacy", _("Personal privacy")


class Result(models.Model):
    task = models.ForeignKey("tasks.Task", on_delete=models.PROTECT, related_name="results")
    target = models.ForeignKey("directory.Target", on_delete=models.PROTECT, related_name="results")
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("department"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ResultStatus.choices, default=ResultStatus.DRAFT
    )
    inspection_date = models.DateField(_("inspection date"))
    result_date = models.DateField(
        _("result date"), help_text=_("The publication deadline counts from this day")
    )
    category = models.ForeignKey(
        ResultCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("result category"),
    )
    refused = models.BooleanField(_("the target refused to be inspected"), default=False)
    findings = models.TextField(_("findings (full, internal)"), blank=True)
    confidentiality = models.CharField(
        _("withheld from the public"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.NONE,
    )
    public_findings = models.TextField(
        _("findings as published"),
        blank=True,
        help_text=_("The text the public reads; required when something is withheld"),
    )
    deadline = models.DateField(_("publication deadline"))
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    late_working_days = models.PositiveSmallIntegerField(
        _("working days late"),
        default=0,
        help_text=_("How many working days after its deadline this part was approved"),
    )
    publication = models.ForeignKey(
        "Publication", on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["-result_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "target", "department"], name="result_one_per_part"
            ),
            models.CheckConstraint(
                condition=models.Q(result_date__gte=models.F("inspection_date")),
                name="result_date_after_inspection",
            ),
            models.CheckConstraint(
                condition=models.Q(confidentiality="none") | ~models.Q(public_findings=""),
                name="result_withheld_needs_public_text",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "deadline"], name="result_dept_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.target.name}"

    @property
    def public_text(self) -> str:
        """What the public may read: never the internal findings when anything is withheld."""
        if self.confidentiality != Confidentiality.NONE:
            return self.public_findings
        return self.public_findings or self.findings


class ResultInspector(models.Model):
    """An inspector present at the inspection, with the certificate shown (亮证检查)."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="present")
    inspector = models.ForeignKey("directory.Inspector", on_delete=models.PROTECT, related_name="+")
    certificate_shown = models.BooleanField(_("certificate shown"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "inspector"], name="result_inspector_once")
        ]

    def __str__(self) -> str:
        return f"{self.result_id} · {self.inspector_id}"


class ItemOutcome(models.TextChoices):
    NO_PROBLEM = "ok", _("No problem found")
    PROBLEM = "problem", _("Problem found")
    NOT_CHECKED = "not_checked", _("Not checked")


class ResultItem(models.Model):
    """The outcome for one inspection item of the task."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="item_outcomes")
    item = models.ForeignKey("directory.InspectionItem", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=ItemOutcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["result", "item__code"]
        constraints = [models.UniqueConstraint(fields=["result", "item"], name="result_item_once")]

    def __str__(self) -> str:
        return f"{self.result_id} · {self.item_id}: {self.outcome}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document (PDF)")
    THIRD_PARTY = "third_party", _("Third-party report (PDF)")


class Attachment(models.Model):
    """Evidence kept outside the web root (``SHUANGSUIJI_PRIVATE_DIR``) and served only by a
    view that asks the policy.  Never public."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["result", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Publication(models.Model):
    """What was published (公示), frozen at the moment of publication: one per drawn target
    of a task, covering every department's part of a joint task ("一次公示")."""

    task = models.ForeignKey("tasks.Task", on_delete=models.PROTECT, related_name="publications")
    target = models.ForeignKey(
        "directory.Target", on_delete=models.PROTECT, related_name="publications"
    )
    deadline = models.DateField(_("publication deadline"))
    published_on = models.DateField(_("published on"))
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    target_name = models.CharField(max_length=200)
    credit_code = models.CharField(max_length=18)
    task_number = models.CharField(max_length=64)
    task_name = models.CharField(max_length=200)
    department_name = models.CharField(max_length=100)
    items = models.JSONField(default=list)
    inspection_date = models.DateField()
    result_date = models.DateField()
    category_name = models.CharField(max_length=100)
    refused = models.BooleanField(default=False)
    public_text = models.TextField(blank=True)
    late = models.BooleanField(_("published late"), default=False)
    working_days_late = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_on", "-pk"]
        indexes = [models.Index(fields=["credit_code"], name="publication_credit_code")]
        constraints = [
            models.UniqueConstraint(fields=["task", "target"], name="publication_once_per_target")
        ]

    def __str__(self) -> str:
        return f"{self.task_number} · {self.target_name}"


class FollowUpAction(models.TextChoices):
    CORRECT = "correct", _("Order to correct (责令改正)")
    CASE = "case", _("Open a case (立案查处)")
    REFER = "refer", _("Refer a lead to another department (线索移送)")
    JUDICIAL = "judicial", _("Transfer to the judicial authorities (移送司法机关)")
    OTHER = "other", _("Other (其他)")


class FollowUpState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FollowUp(models.Model):
    """A follow-up action (后续处置) tracked to closure.  A referral (线索移送) lands in the
    receiving department's inbox; that department answers and closes it."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="follow_ups")
    action = models.CharField(_("action"), max_length=16, choices=FollowUpAction.choices)
    description = models.TextField(_("what is to be done"))
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("responsible department"),
    )
    referred_by = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_sent",
        verbose_name=_("referred by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    state = models.CharField(
        _("state"), max_length=16, choices=FollowUpState.choices, default=FollowUpState.OPEN
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["state", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="closed", closing_note=""),
                name="followup_closed_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.result}"


class Reminder(models.Model):
    """An in-app reminder (站内提醒) to a member of staff; also sent by e-mail when the
    user has an address.  One per user, result, kind and day, so a daily run repeats none."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Publication overdue")
        DUE_SOON = "due_soon", _("Publication due soon")
        REFERRAL = "referral", _("Referral received")
        RETURNED = "returned", _("Result returned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField()
    message = models.CharField(max_length=500)
    emailed = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "result", "kind", "day"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return self.message
