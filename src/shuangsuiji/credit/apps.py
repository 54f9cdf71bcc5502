from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "shuangsuiji.credit"
    label = "credit"
    verbose_name = _("Credit linkage")

    def ready(self) -> None:
        from django.db.models import Q

        from shuangsuiji.organizations import policy

        from .models import CreditRecordEntry

        # The credit record is public (企业信用信息公示): every entry is published text.
        policy.register(
            CreditRecordEntry,
            policy.ScopeSpec(department="department", published=Q(pk__isnull=False)),
        )
