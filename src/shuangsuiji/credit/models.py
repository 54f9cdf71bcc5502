"""An entity's credit record (信用档案): an append-only list of dated entries, each naming
its source.  Published inspection results are appended here (R10); the credit lists and
risk classes of issue 8 will add their own entry kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditEntryKind(models.TextChoices):
    INSPECTION_RESULT = "inspection_result", _("Random inspection result")


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
