"""Creating, revoking and resolving API tokens (services: atomic, with their audit row).

A token reads ``ssj_`` + 43 URL-safe characters (256 random bits).  Its first 12
characters are the prefix shown in lists and used to revoke it; the database keeps only
the prefix and the SHA-256 of the whole token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.errors import DomainError, ErrorCode
from shuangsuiji.organizations.models import User

from .models import ApiToken

TOKEN_PREFIX = "ssj_"
PREFIX_LENGTH = 12
#: ``last_used_at`` is refreshed at most this often: one write per token a minute, not one
#: per request (SQLite has a single writer).
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the token itself: shown once, never stored


@transaction.atomic
def token_create(*, user: User, name: str, actor: User | None = None) -> IssuedToken:
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. the system that will use it."))
    if not user.is_active:
        raise DomainError(_("The account %(u)s is not active.") % {"u": user.username})
    while True:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = secret[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = ApiToken.objects.create(
        user=user, name=name[:100], token_hash=token_digest(secret), prefix=prefix
    )
    chain.record(
        actor=actor,
        action="api.token.create",
        obj=token,
        department=user.department_id,
        payload={"user": user.username, "name": token.name, "prefix": prefix},
    )
    return IssuedToken(token, secret)


@transaction.atomic
def token_revoke(*, prefix: str, actor: User | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").filter(prefix=prefix)
    found = token.first()
    if found is None:
        raise DomainError(
            _("No API token with the prefix %(p)s.") % {"p": prefix}, code=ErrorCode.NOT_FOUND
        )
    if found.revoked_at is None:
        found.revoked_at = timezone.now()
        found.save(update_fields=["revoked_at"])
        chain.record(
            actor=actor,
            action="api.token.revoke",
            obj=found,
            department=found.user.department_id,
            payload={"user": found.user.username, "name": found.name, "prefix": found.prefix},
        )
    return found


def token_user(secret: str) -> User | None:
    """The active account a token belongs to, or None (unknown, revoked, inactive)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
