"""Records named in request bodies (items of a plan, inspectors present …): looked up
under the caller's data scope, so naming another department's record only ever gets
"unknown", never a hint of what it holds."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from shuangsuiji.directory.models import InspectionItem
from shuangsuiji.errors import DomainError
from shuangsuiji.organizations.policy import AnyUser

from ..common import visible


def items_of(user: AnyUser, ids: Sequence[int]) -> list[InspectionItem]:
    wanted = list(dict.fromkeys(ids))
    found = {i.pk: i for i in visible(user, InspectionItem).filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise DomainError(
            _("Unknown inspection items: %(ids)s.") % {"ids": ", ".join(missing)},
            field="items",
        )
    return [found[pk] for pk in wanted]
