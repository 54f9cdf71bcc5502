from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "shuangsuiji.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from shuangsuiji.organizations import policy

        from .models import AuditEvent

        policy.register(
            AuditEvent,
            policy.ScopeSpec(department="department", owner="actor", read_only=True),
        )
