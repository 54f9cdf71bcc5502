from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "shuangsuiji.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from . import policy
        from .models import Department, Region, RoleAssignment, User

        policy.register(Region, policy.ScopeSpec(department=None))
        policy.register(Department, policy.ScopeSpec(department=None))
        policy.register(User, policy.ScopeSpec(department="department", owner="pk"))
        policy.register(RoleAssignment, policy.ScopeSpec(department="department", owner="user"))
