"""The joint-punishment lists (联合惩戒名单), their entries, the rule table of their effects,
and the abnormal-operation proposals that inspection results raise.

- :class:`CreditList`: 经营异常名录, 严重违法失信名单, 重大税收违法失信主体（案件当事人）名单,
  失信被执行人名单 (seeded by a data migration; system admins edit them).
- :class:`CreditListEntry`: one decision placing an entity on a list, from ``start_date``
  (included) until ``end_date`` (the removal day, excluded: on the day of removal the entity
  is no longer on the list).  Entries are never deleted; removal fills in the end.
- :class:`EffectRule`: the configurable rule table.  One row is one effect of one list: more
  tickets in the draw, drawing in a higher-risk stratum, or a restricted activity, each with
  its legal basis (法律依据), which the participation answer quotes.
- :class:`AbnormalProposal`: a published result whose category proposes an abnormal-list
  entry (通过登记的住所（经营场所）无法联系); nothing happens until the responsible department
  confirms it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shuangsuiji.directory.models import RiskClass

#: The code of the abnormal-operation list: the one list the platform's own results feed.
ABNORMAL_LIST = "abnormal"


class Activity(models.TextChoices):
    """The activities joint punishment restricts (R10)."""

    PROCUREMENT = "procurement", _("Government procurement (政府采购)")
    BIDDING = "bidding", _("Bidding for public works (工程招投标)")
    LAND_TRANSFER = "land_transfer", _("Transfer of state-owned land (国有土地出让)")
    HONOURS = "honours", _("Honours and awards (评优评先、荣誉称号)")


class CreditList(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deciding department"),
        help_text=_(
            "The department whose administrators place entities on this list. Empty: the "
            "lead department enters decisions made outside the platform (courts, tax offices)."
        ),
    )
    legal_basis = models.TextField(_("legal basis of the list"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit list")
        verbose_name_plural = _("credit lists")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class CreditListEntry(models.Model):
    credit_list = models.ForeignKey(
        CreditList, on_delete=models.PROTECT, related_name="entries", verbose_name=_("list")
    )
    # The register's entity when the county holds it; the credit code is what counts.
    target = models.ForeignKey(
        "directory.Target",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_list_entries",
        verbose_name=_("target"),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    entity_name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("reason (事由)"))
    authority = models.CharField(_("deciding authority"), max_length=200)
    document_no = models.CharField(_("decision document number"), max_length=100)
    start_date = models.DateField(_("listed from"))
    end_date = models.DateField(
        _("removed on"),
        null=True,
        blank=True,
        help_text=_("The day of removal; the entity is no longer on the list from this day"),
    )
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    removal_document_no = models.CharField(_("removal document number"), max_length=100, blank=True)
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by department"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("removal entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit list entry")
        verbose_name_plural = _("credit list entries")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_list", "credit_code", "document_no"], name="listentry_one_decision"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="listentry_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | ~Q(removal_reason=""),
                name="listentry_removal_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["credit_code", "credit_list"], name="listentry_code"),
            models.Index(fields=["credit_list", "start_date"], name="listentry_list_start"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_list} · {self.entity_name}（{self.credit_code}）"

    def active_on(self, day: dt.date) -> bool:
        from .participation import period_covers

        return period_covers(self.start_date, self.end_date, day)


class EffectKind(models.TextChoices):
    TICKETS = "tickets", _("More tickets in the random draw")
    STRATUM = "stratum", _("Drawn in a higher-risk stratum")
    RESTRICT = "restrict", _("Restricts an activity")


class EffectRule(models.Model):
    """One row of the rule table (联合惩戒措施清单)."""

    credit_list = models.ForeignKey(
        CreditList, on_delete=models.PROTECT, related_name="rules", verbose_name=_("list")
    )
    effect = models.CharField(_("effect"), max_length=16, choices=EffectKind.choices)
    activity = models.CharField(
        _("restricted activity"), max_length=16, choices=Activity.choices, blank=True
    )
    tickets = models.PositiveSmallIntegerField(
        _("tickets in the draw"),
        null=True,
        blank=True,
        help_text=_("For “more tickets”: each entity on the list holds this many (1–1000)"),
    )
    stratum = models.CharField(
        _("stratum"),
        max_length=1,
        choices=RiskClass.choices,
        blank=True,
        help_text=_("For “higher-risk stratum”: drawn in this class if its own is lower"),
    )
    legal_basis = models.TextField(_("legal basis"))
    active = models.BooleanField(_("in force"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("effect rule")
        verbose_name_plural = _("effect rules")
        ordering = ["credit_list__sort_order", "effect", "activity"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(effect="tickets", tickets__gte=1, tickets__lte=1000, activity="", stratum="")
                    | (
                        Q(effect="stratum", tickets__isnull=True, activity="")
                        & Q(stratum__in=["A", "B", "C", "D"])
                    )
                    | (Q(effect="restrict", tickets__isnull=True, stratum="") & ~Q(activity=""))
                ),
                name="effectrule_fields_match_effect",
            ),
            # Two rules in force for the same list and effect would give two answers.
            models.UniqueConstraint(
                fields=["credit_list", "effect", "activity"],
                condition=Q(active=True),
                name="effectrule_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        if self.effect == EffectKind.RESTRICT:
            detail = self.get_activity_display()
        elif self.effect == EffectKind.TICKETS:
            detail = f"×{self.tickets}"
        else:
            detail = self.stratum
        return f"{self.credit_list} → {self.get_effect_display()} {detail}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class AbnormalProposal(models.Model):
    """A proposal to place the inspected entity on the abnormal-operation list, raised by a
    published result; the result's department decides (lead administrators may too)."""

    result = models.OneToOneField(
        "results.Result", on_delete=models.PROTECT, related_name="abnormal_proposal"
    )
    target = models.ForeignKey(
        "directory.Target", on_delete=models.PROTECT, related_name="+", verbose_name=_("target")
    )
    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    reason = models.TextField(_("proposed reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    entry = models.OneToOneField(
        CreditListEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("list entry"),
    )

    class Meta:
        verbose_name = _("abnormal-operation proposal")
        verbose_name_plural = _("abnormal-operation proposals")
        ordering = ["status", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="pending", entry__isnull=True)
                    | Q(status="confirmed", entry__isnull=False)
                    | (Q(status="rejected", entry__isnull=True) & ~Q(rejection_reason=""))
                ),
                name="proposal_state_consistent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.get_status_display()}"
