"""An entity's credit record (信用档案): an append-only list of dated entries, each naming
its source.  Published inspection results are appended here (R10), and so are additions
to and removals from the joint-punishment lists (issue 8).

The risk classes and the lists themselves live in :mod:`.models_risk` and
:mod:`.models_lists`, imported at the end of this module so that Django finds them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditEntryKind(models.TextChoices):
    INSPECTION_RESULT = "inspection_result", _("Random inspection result")
    LIST_ENTRY_ADDED = "list_added", _("Placed on a credit list")
    LIST_ENTRY_REMOVED = "list_removed", _("Removed from a credit list")


class CreditRecordEntry(models.Model):
    target = models.ForeignKey(
        "directory.Target", on_delete=models.PROTECT, related_name="credit_entries"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=CreditEntryKind.choices)
    entry_date = models.DateField(_("date"))
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=300)
    summary = models.TextField(_("summary"))
    result = models.OneToOneField(
        "results.Result",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_entry",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit record entry")
        verbose_name_plural = _("credit record entries")
        ordering = ["target", "-entry_date", "-pk"]
        indexes = [models.Index(fields=["target", "entry_date"], name="credit_target_date")]

    def __str__(self) -> str:
        return f"{self.target} · {self.entry_date} · {self.source}"


from .models_lists import (  # noqa: E402,F401 - registered with the app through this module
    AbnormalProposal,
    Activity,
    CreditList,
    CreditListEntry,
    EffectKind,
    EffectRule,
    ProposalStatus,
)
from .models_risk import CreditSync, RiskClassification, RiskClassImport  # noqa: E402,F401
