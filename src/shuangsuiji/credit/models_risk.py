"""Credit risk classes (企业信用风险分类, 国市监信发〔2022〕6号) with their history.

The market regulator re-classifies every entity monthly and sends a file of (credit code,
class, effective date).  Each file is one :class:`RiskClassImport`; each of its rows is a
:class:`RiskClassification`.  History rows are never changed except to correct a class on
the same date (a re-sent file), which is counted and audited as a change.

``Target.risk_class`` stays the *current* class (what the rest of the platform reads): the
services set it to the class effective on :attr:`CreditSync.synced_through`, and the freeze
adds the classes that took effect after that day.  So a freeze never scans the whole
history (a year of monthly files for a province is over 100 million rows)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuangsuiji.directory.models import RiskClass


class RiskClassImport(models.Model):
    """One imported classification file: who, when, which file (by SHA-256), what it did."""

    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    first_date = models.DateField(_("earliest effective date"), null=True, blank=True)
    last_date = models.DateField(_("latest effective date"), null=True, blank=True)
    targets_updated = models.PositiveIntegerField(_("current classes updated"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("risk classification import")
        verbose_name_plural = _("risk classification imports")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


class RiskClassification(models.Model):
    """An entity's class from ``effective_date`` until its next row.  Keyed by credit code,
    not by target: the regulator's file covers entities this county may not (yet) hold."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    risk_class = models.CharField(_("credit risk class"), max_length=1, choices=RiskClass.choices)
    effective_date = models.DateField(_("effective from"))
    batch = models.ForeignKey(
        RiskClassImport,
        on_delete=models.PROTECT,
        related_name="classifications",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("risk classification")
        verbose_name_plural = _("risk classifications")
        ordering = ["credit_code", "-effective_date"]
        constraints = [
            # Also the index for "the class of X on day D" (code, then date descending).
            models.UniqueConstraint(
                fields=["credit_code", "effective_date"], name="riskclass_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(risk_class__in=["A", "B", "C", "D"]),
                name="riskclass_known_class",
            ),
        ]
        indexes = [
            # The freeze and the daily sync read "what took effect between two days".
            models.Index(fields=["effective_date"], name="riskclass_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.risk_class} ({self.effective_date})"


class CreditSync(models.Model):
    """One row: the day up to which ``Target.risk_class`` and ``Target.abnormal_operation``
    hold the classes and list memberships in force (set by the import and by the daily
    ``shuangsuiji credit sync``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    synced_through = models.DateField(_("current values as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit sync state")
        verbose_name_plural = _("credit sync state")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="credit_sync_single")]

    def __str__(self) -> str:
        return f"{self.synced_through}"
