"""Credit linkage (信用监管联动, R7, R10): each entity's credit record (信用档案), the risk
classes, the joint-punishment lists, their effects and the participation answer."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "shuangsuiji.credit"
    label = "credit"
    verbose_name = _("Credit linkage")

    def ready(self) -> None:
        from django.db.models import Q

        from shuangsuiji.organizations import policy

        from .models import (
            AbnormalProposal,
            CreditList,
            CreditListEntry,
            CreditRecordEntry,
            CreditSync,
            EffectRule,
            RiskClassification,
            RiskClassImport,
        )

        public = Q(pk__isnull=False)
        # The credit record is public (企业信用信息公示): every entry is published text.
        policy.register(
            CreditRecordEntry, policy.ScopeSpec(department="department", published=public)
        )
        # The lists, their entries and the rule table are public too: the answer to "may
        # this entity take part" is given to anyone.  The lists and rules are county-wide
        # settings that only system administrators change (in the admin); an entry belongs
        # to the department that entered it (the list services add who may decide).
        policy.register(CreditList, policy.ScopeSpec(department=None, published=public))
        policy.register(EffectRule, policy.ScopeSpec(department=None, published=public))
        policy.register(
            CreditListEntry, policy.ScopeSpec(department="department", published=public)
        )
        # Risk classes are internal (分类结果用于内部监管): every staff role reads them, the
        # lead department (which receives the regulator's file) imports them.
        policy.register(RiskClassification, policy.ScopeSpec(department=None, lead_keeps=True))
        policy.register(RiskClassImport, policy.ScopeSpec(department=None, lead_keeps=True))
        policy.register(CreditSync, policy.ScopeSpec(department=None, read_only=True))
        # A proposal is the responsible (the result's) department's business.
        policy.register(AbnormalProposal, policy.ScopeSpec(department="department"))
