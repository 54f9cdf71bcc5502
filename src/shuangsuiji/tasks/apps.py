from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "shuangsuiji.tasks"
    label = "tasks"
    verbose_name = _("Inspection tasks")

    def ready(self) -> None:
        from django.db.models import Q

        from shuangsuiji.organizations import policy

        from . import models as m

        # A task's announcement, freeze commitment and draws are public once they exist;
        # drafts are not.  Joint tasks are visible to every participating department.
        public_task = ~Q(status="draft")
        policy.register(
            m.Task,
            policy.ScopeSpec(
                department="department",
                participants="participants",
                published=public_task & Q(kind="random"),
            ),
        )
        for model in (m.Freeze, m.Draw, m.Matching):
            policy.register(
                model,
                policy.ScopeSpec(
                    department="task__department",
                    participants="task__participants",
                    published=Q(pk__isnull=False),
                ),
            )
        policy.register(
            m.Assignment,
            policy.ScopeSpec(
                department="task__department",
                owner="inspector__user",
                participants="task__participants",
            ),
        )
        policy.register(
            m.Recusal,
            policy.ScopeSpec(
                department="assignment__task__department", owner="assignment__inspector__user"
            ),
        )
        policy.register(m.TargetedCheck, policy.ScopeSpec(department="department"))
        policy.register(m.ThirdPartyCommission, policy.ScopeSpec(department="task__department"))
