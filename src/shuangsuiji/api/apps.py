from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "shuangsuiji.api"
    label = "api"
    verbose_name = _("API and data exchange")

    def ready(self) -> None:
        from django.apps import apps

        from shuangsuiji.organizations import policy

        # django-ninja ships Redoc next to Swagger UI; the API's page is Swagger UI only.
        # Left out of collectstatic, Redoc's 4 MB (and their hashing and compression at
        # every `shuangsuiji serve`) cost nothing.
        staticfiles = apps.get_app_config("staticfiles")
        staticfiles.ignore_patterns = [  # type: ignore[attr-defined]
            *getattr(staticfiles, "ignore_patterns", []),
            "redoc.standalone.js*",
        ]

        from .models import ApiToken

        # A token is its holder's own record; department admins see (and may revoke) the
        # tokens of their department's accounts.
        policy.register(ApiToken, policy.ScopeSpec(department="user__department", owner="user"))
