"""The Django admin, for system administrators only, with every model behind the policy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from shuangsuiji.organizations import policy
from shuangsuiji.organizations.models import Role
from shuangsuiji.organizations.policy import Action


class ShuangsuijiAdminSite(admin.AdminSite):
    site_header = _("Shuangsuiji system administration")
    site_title = _("Shuangsuiji")
    index_title = _("System administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and Role.SYSTEM_ADMIN in policy.user_roles(user)):
            return False
        # Two-factor sign-in required of system administrators when the deployment says so.
        if settings.SHUANGSUIJI_ADMIN_OTP:
            return bool(getattr(user, "is_verified", lambda: False)())
        return True

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One sign-in page for the whole platform (with its lockout and second factor)."""
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next") or self.index_url(), "web:login")

    def index_url(self) -> str:
        from django.urls import reverse

        return reverse("admin:index", current_app=self.name)


admin_site = ShuangsuijiAdminSite(name="admin")


class PolicyAdminMixin:
    """Admin permissions answered by the data-scope policy, not by Django's model perms."""

    model: type[Model]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return policy.instances_user_has_permission_for(request.user, Action.VIEW, qs)

    def _allowed(self, request: HttpRequest, action: Action, obj: Model | None) -> bool:
        if not admin_site.has_permission(request):
            return False
        if obj is None:
            return policy.user_has_permission(request.user, action, self.model)
        return policy.user_has_permission_for_instance(request.user, action, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, Action.VIEW, None)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, Action.VIEW, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request, Action.ADD, None)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, Action.CHANGE, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, Action.DELETE, obj)
