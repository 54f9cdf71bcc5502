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
    flags = models.JSONField(_("flags"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection target")
        verbose_name_plural = _("inspection targets")
        constraints = [
            models.UniqueConstraint(fields=["region", "credit_code"], name="target_unique_code"),
        ]
        indexes = [models.Index(fields=["region", "status", "risk_class"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class InspectorStatus(models.TextChoices):
    ON_DUTY = "在岗", _("On duty")
    SUSPENDED = "停用", _("Suspended")
    TRANSFERRED = "调离", _("Transferred away")


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
    status = models.CharField(
        _("status"), max_length=8, choices=InspectorStatus.choices, default=InspectorStatus.ON_DUTY
    )
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

    def drawable_on(self, day: dt.date) -> bool:
        """Only inspectors on duty with a valid certificate may be drawn (R3)."""
        return self.status == InspectorStatus.ON_DUTY and self.certificate_valid_on(day)


class Conflict(models.Model):
    """A declared conflict of interest (利害关系) between an inspector and a target, for a
    period: the matching treats it as a removed arc, and it leads to recusal (回避)."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("inspector")
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("target")
    )
    reason = models.CharField(_("reason"), max_length=200)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="conflict_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector.name} ↔ {self.target.name}: {self.reason}"


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


class ItemListVersion(models.Model):
    """A published version of a department's item list: a frozen snapshot that the public
    portal shows, so later edits do not silently change what was published."""

    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="item_list_versions"
    )
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(_("items"))
    digest = models.CharField(_("SHA-256 of the snapshot"), max_length=64)

    class Meta:
        verbose_name = _("published item list")
        verbose_name_plural = _("published item lists")
        ordering = ["department", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "version"], name="item_list_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} v{self.version}"


class DepartmentRules(models.Model):
    """A department's sampling rules (抽查规则 / 实施方案), versioned; the latest published
    version is public (R4)."""

    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="rules_versions"
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    principles = models.TextField(_("principles"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    methods = models.TextField(_("methods"), blank=True)
    publication = models.TextField(_("publication of results"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("department rules")
        verbose_name_plural = _("department rules")
        ordering = ["department", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["department", "version"], name="rules_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.title} v{self.version}"


class TargetLibrary(models.Model):
    """A department's target library (检查对象名录库): the targets its items cover, defined
    by rules (entity kinds, industry code prefixes, townships) plus explicit additions and
    removals, so it follows the county register without being copied from it."""

    department = models.OneToOneField(
        "organizations.Department", on_delete=models.PROTECT, related_name="target_library"
    )
    kinds = models.JSONField(_("entity kinds"), default=list, blank=True)
    industry_prefixes = models.JSONField(_("industry code prefixes"), default=list, blank=True)
    township_codes = models.JSONField(_("townships"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target library")
        verbose_name_plural = _("target libraries")

    def __str__(self) -> str:
        return f"{self.department} · {_('target library')}"


class LibraryAdjustment(models.Model):
    """An explicit addition to or removal from a library, with its reason."""

    library = models.ForeignKey(TargetLibrary, on_delete=models.PROTECT, related_name="adjustments")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    included = models.BooleanField(_("included"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("library adjustment")
        verbose_name_plural = _("library adjustments")
        constraints = [
            models.UniqueConstraint(fields=["library", "target"], name="library_adjustment_unique")
        ]

    def __str__(self) -> str:
        return f"{'+' if self.included else '-'} {self.target}"


from .models_jobs import ImportJob  # noqa: E402,F401
