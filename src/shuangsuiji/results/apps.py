from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "shuangsuiji.results"
    label = "results"
    verbose_name = _("Inspection results")

    def ready(self) -> None:
        from django.db.models import Q
        from django.db.models.signals import post_migrate

        from shuangsuiji.organizations import policy
        from shuangsuiji.workdays.signals import calendar_changed

        from . import models as m
        from .services.deadlines import on_calendar_changed

        # A result is its department's; the inspector who entered it owns it; the public
        # sees it once published (and then only its Publication's frozen public text).
        # The team's other inspectors reach it through services.entry.user_on_team.
        policy.register(
            m.Result,
            policy.ScopeSpec(
                department="department", owner="entered_by", published=Q(status="published")
            ),
        )
        policy.register(m.ResultCategory, policy.ScopeSpec(department=None))
        policy.register(
            m.Attachment, policy.ScopeSpec(department="result__department", owner="uploaded_by")
        )
        policy.register(
            m.Publication,
            policy.ScopeSpec(
                department="task__department",
                participants="task__participants",
                published=Q(pk__isnull=False),
            ),
        )
        # A referral is seen by the department it was sent to and the one that sent it.
        policy.register(
            m.FollowUp,
            policy.ScopeSpec(department="department", participants="referred_by", owner="owner"),
        )
        calendar_changed.connect(on_calendar_changed, dispatch_uid="results-deadlines")
        # Like Django's own content types: reference rows that must exist after every
        # migrate, and again after a test flush.
        from .defaults import ensure_default_categories

        post_migrate.connect(ensure_default_categories, sender=self, dispatch_uid="results-cats")
