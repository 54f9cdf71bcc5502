from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "shuangsuiji.directory"
    label = "directory"
    verbose_name = _("Directory (一单两库)")

    def ready(self) -> None:
        from shuangsuiji.organizations import policy

        from .models import InspectionItem, Inspector, Target

        # Market entities are county-wide master data: every department reads them.
        policy.register(Target, policy.ScopeSpec(department=None))
        policy.register(Inspector, policy.ScopeSpec(department="department", owner="user"))
        policy.register(
            InspectionItem, policy.ScopeSpec(department="department", published="is_published")
        )
