from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "shuangsuiji.plans"
    label = "plans"
    verbose_name = _("Annual plans")

    def ready(self) -> None:
        from django.db.models import Q

        from shuangsuiji.organizations import policy

        from .models import AnnualPlan, PlanAmendment

        # Approved plans and their amendments are public (R5: "shown publicly").
        policy.register(
            AnnualPlan,
            policy.ScopeSpec(
                department="department",
                participants="participants",
                published=Q(status="approved"),
            ),
        )
        policy.register(
            PlanAmendment,
            policy.ScopeSpec(department="plan__department", published=Q(pk__isnull=False)),
        )
