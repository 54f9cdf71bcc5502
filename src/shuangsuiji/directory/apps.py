from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "shuangsuiji.directory"
    label = "directory"
    verbose_name = _("Directory (一单两库)")

    def ready(self) -> None:
        from django.db import connections
        from django.db.models import Q
        from django.db.models.signals import post_migrate

        from shuangsuiji.organizations import policy

        from . import search

        # A later migration that remakes the SQLite table drops the search triggers;
        # restore them right after migrating rather than at the next search.
        def restore_search(using: str = "default", **_: object) -> None:
            search.ensure_sqlite_search(connections[using])

        post_migrate.connect(restore_search, sender=self, weak=False)

        from .models import (
            Conflict,
            DepartmentRules,
            InspectionItem,
            Inspector,
            ItemListVersion,
            LibraryAdjustment,
            Target,
            TargetLibrary,
        )

        # Market entities are county-wide master data: every department reads them.
        policy.register(Target, policy.ScopeSpec(department=None, lead_keeps=True))
        policy.register(Inspector, policy.ScopeSpec(department="department", owner="user"))
        policy.register(
            InspectionItem, policy.ScopeSpec(department="department", published="is_published")
        )
        policy.register(
            Conflict,
            policy.ScopeSpec(department="inspector__department", owner="inspector__user"),
        )
        # Published versions are public by nature; drafts of rules only once published.
        policy.register(
            ItemListVersion,
            policy.ScopeSpec(department="department", published=Q(pk__isnull=False)),
        )
        policy.register(
            DepartmentRules,
            policy.ScopeSpec(department="department", published=Q(published_at__isnull=False)),
        )
        policy.register(TargetLibrary, policy.ScopeSpec(department="department"))
        policy.register(LibraryAdjustment, policy.ScopeSpec(department="library__department"))
