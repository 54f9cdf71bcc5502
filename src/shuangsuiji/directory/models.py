"""一单两库: the item list (随机抽查事项清单), the target directory (检查对象名录库) and the
inspector directory (执法检查人员名录库)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EntityKind(models.TextChoices):
    ENTERPRISE = "企业", _("Enterprise")
    INDIVIDUAL = "个体工商户", _("Individual business")
    COOPERATIVE = "农民专业合作社", _("Farmer cooperative")
    OTHER = "其他", _("Other")


class RegistrationStatus(models.TextChoices):
    ACTIVE = "存续", _("Active")
    DEREGISTERED = "注销", _("Deregistered")
    REVOKED = "吊销", _("Licence revoked")
    CANCELLED = "撤销", _("Registration cancelled")
    MOVED_OUT = "迁出", _("Moved out")


class RiskClass(models.TextChoices):
    A = "A", _("A · low risk")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D · high risk")


class Target(models.Model):
    """A market entity or other inspection object.  ``region`` is the shard key a later
    move to distributed PostgreSQL would use."""

    region = models.ForeignKey(
        "organizations.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("entity kind"), max_length=16, choices=EntityKind.choices)
    status = models.CharField(
        _("registration status"), max_length=8, choices=RegistrationStatus.choices, default="存续"
    )
    legal_rep = models.CharField(_("legal representative"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    township = models.ForeignKey(
        "organizations.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("township / street"),
    )
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=8, blank=True)
    scope = models.TextField(_("business scope"), blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    risk_class = models.CharField(
        _("credit risk class"), max_length=1, choices=RiskClass.choices, default="B"
    )
    abnormal_operation = models.BooleanField(_("on the abnormal-operation list"), default=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        constraints = [
            models.UniqueConstraint(fields=["region", "credit_code"], name="target_unique_code"),
        ]
        indexes = [models.Index(fields=["region", "status", "risk_class"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class Inspector(models.Model):
    """A law-enforcement inspector (执法检查人员)."""

    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="inspectors",
        verbose_name=_("department"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspector_profiles",
        verbose_name=_("login account"),
    )
    name = models.CharField(_("name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=4, blank=True)
    position = models.CharField(_("position"), max_length=64, blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=64, unique=True)
    certificate_valid_from = models.DateField(_("certificate valid from"))
    certificate_valid_to = models.DateField(_("certificate valid to"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    active = models.BooleanField(_("in service"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["department__sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(certificate_valid_to__gte=models.F("certificate_valid_from")),
                name="inspector_certificate_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"

    def certificate_valid_on(self, day: dt.date) -> bool:
        return self.certificate_valid_from <= day <= self.certificate_valid_to


class InspectionMethod(models.TextChoices):
    DOCUMENT = "书面检查", _("Document review")
    ON_SITE = "实地核查", _("On-site check")
    ONLINE = "网络监测", _("Online monitoring")
    EXPERT = "专业机构核查", _("Professional agency check")


class InspectionItem(models.Model):
    """One line of a department's random-inspection item list (随机抽查事项清单)."""

    department = models.ForeignKey(
        "organizations.Department",
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("department"),
    )
    code = models.CharField(_("item code"), max_length=32)
    name = models.CharField(_("item name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    inspecting_body = models.CharField(_("inspecting body"), max_length=128)
    content = models.TextField(_("inspection content"), blank=True)
    method = models.CharField(
        _("inspection method"), max_length=16, choices=InspectionMethod.choices
    )
    target_kind = models.CharField(_("target kind"), max_length=32, blank=True)
    is_key = models.BooleanField(_("key item (重点)"), default=False)
    active = models.BooleanField(_("in force"), default=True)
    is_published = models.BooleanField(_("published"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["department__sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="item_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
