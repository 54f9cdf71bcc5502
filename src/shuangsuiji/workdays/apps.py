from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "shuangsuiji.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from shuangsuiji.organizations import policy

        from . import signals
        from .models import CalendarDay, CalendarYear

        # County-wide reference data: every staff role reads it, only system admins change it.
        policy.register(CalendarDay, policy.ScopeSpec(department=None))
        policy.register(CalendarYear, policy.ScopeSpec(department=None))
        signals.connect_model_signals()
