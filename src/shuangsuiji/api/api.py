"""The API object: every router, the error handlers, the OpenAPI document at
``/api/openapi.json`` and its interactive page at ``/api/docs``.

The page's Swagger UI is served from django-ninja's own static files ("ninja" is an
installed app), never from a CDN: a county network may have no way out, and nothing of a
government page should load from elsewhere.  Swagger UI's online validator is off for the
same reason.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from shuangsuiji.organizations import policy
from shuangsuiji.organizations.policy import Action

from . import errors
from .auth import REQUIRED
from .common import department_ref, responses, staff
from .routers import credit, directory, exchange, plans, results, tasks
from .schemas import MeOut

DESCRIPTION = """\
双随机一公开 Shuangsuiji: the directory (一单两库), annual plans, tasks with their draws and
matchings, results and their publication, the participation answer (联合惩戒查询), and the
file exchange with the national platform.

**Tokens.** Send `Authorization: Bearer ssj_…` (create one with `shuangsuiji token
create USERNAME --name NAME`).  A token acts for its account under the same data-scope
policy as the pages; every write goes through the same service and leaves the same audit
row.  Operations marked with an optional lock also answer without a token, with what the
public portal shows.

**Errors** are `{"code", "message", "field", "errors", "problems"}`; `code` is stable,
`message` follows `Accept-Language` (Chinese by default, `en` for English).

**Lists** take `limit` (at most 200) and `offset`; the market-entity register uses keyset
pages (`after` = the previous page's `next_cursor`).  Requests are rate limited per client
address (429).  See docs/api.md.
"""


class ObjectBodyParser(Parser):
    """Every request body of the API is a JSON object; anything else (``[]``, ``"x"``,
    ``null``) is refused as unparsable (400 ``bad_request``) rather than read as "no
    fields given"."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        return data


meta = Router(tags=["meta"])


@meta.get("/me", response=responses(MeOut), auth=REQUIRED, summary="The token's account")
def me(request: HttpRequest) -> dict[str, Any]:
    user = staff(request)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "department": department_ref(user.department),
        "roles": sorted(policy.user_roles(user)),
        "acts_for": [
            department_ref(d) for d in policy.departments_user_acts_for(user, Action.CHANGE)
        ],
    }


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Shuangsuiji API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api",
        docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
        docs_url="/docs",
        parser=ObjectBodyParser(),
    )
    errors.install(api)
    api.add_router("", meta)
    for module in (directory, plans, tasks, results, credit, exchange):
        api.add_router("", module.router)
    return api


api = build_api()
