"""Token authentication (``Authorization: Bearer ssj_…``).

Two ways an operation is protected:

- ``REQUIRED``: staff data; no token → 401.
- ``OPTIONAL``: what the public portal shows (published items, approved plans, task
  announcements, drawn lists, published results, the participation answer).  Without a
  token the caller is anonymous and sees what the portal shows; with one, what the token's
  account sees under the data-scope policy.

Either way a header with an unknown or revoked token is a 401: a broken integration is
told so at once instead of quietly getting the public view.  Sessions are not accepted —
the API is for machines, and a cookie would bring CSRF with it — so handlers read the
caller from ``request.auth``, never from a browser session.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from .errors import TokenInvalid
from .language import activate_caller_language
from .tokens import token_user


class BearerToken(HttpBearer):
    """The bearer token of a department account (see ``shuangsuiji token create``)."""

    def __call__(self, request: HttpRequest) -> Any:
        # Authentication runs before anything else of an operation, so this is where the
        # caller's language is set for every message that follows (validation included).
        activate_caller_language(request)
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _sep, secret = header.strip().partition(" ")
        secret = secret.strip()
        if scheme.lower() != self.openapi_scheme or not secret or len(secret) > 200:
            raise TokenInvalid()
        user = token_user(secret)
        if user is None:
            raise TokenInvalid()
        # simple_history and anything else that reads request.user records the token's
        # account, not a browser session that happens to be open.
        request.user = user
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        raise NotImplementedError  # __call__ does the work


def anonymous(request: HttpRequest) -> AnonymousUser:
    """The fallback of OPTIONAL operations: no token, the public's view."""
    activate_caller_language(request)
    request.user = AnonymousUser()
    return AnonymousUser()


token_auth = BearerToken()
REQUIRED: list[Any] = [token_auth]
OPTIONAL: list[Any] = [token_auth, anonymous]

#: OpenAPI: a token is accepted but not needed.  django-ninja writes the operation's
#: ``[{"BearerToken": []}]`` and extends the list with this empty requirement ("none").
OPTIONAL_SECURITY: dict[str, Any] = {"security": [{}]}
