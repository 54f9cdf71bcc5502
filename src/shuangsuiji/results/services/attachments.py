"""Evidence files (photos, PDFs, third-party reports) attached to a result.

Checked by content, not by name: a photo must be JPEG or PNG, a document a PDF, by their
magic bytes; size capped by ``SHUANGSUIJI_ATTACHMENT_MAX_BYTES``.  Stored under
``SHUANGSUIJI_PRIVATE_DIR`` with a random name (the user's file name is kept only as a
label), so no upload can become a served page or overwrite another file.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuangsuiji.audit import chain
from shuangsuiji.organizations.models import User

from ..models import Attachment, AttachmentKind, Result
from .entry import EDITABLE, user_on_team
from .errors import ResultError

_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"%PDF-", "application/pdf", "pdf"),
]
ALLOWED = {
    AttachmentKind.PHOTO: {"image/jpeg", "image/png"},
    AttachmentKind.DOCUMENT: {"application/pdf"},
    AttachmentKind.THIRD_PARTY: {"application/pdf"},
}


def private_dir() -> Path:
    return Path(settings.SHUANGSUIJI_PRIVATE_DIR)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def attachment_path(attachment: Attachment) -> Path:
    return private_dir() / attachment.stored_name


@transaction.atomic
def attachment_add(
    *, actor: User, result: Result, kind: str, name: str, stream: IO[bytes], size: int
) -> Attachment:
    """Check and store one file; nothing is kept if any check fails."""
    if user_on_team(actor, result.task, result.target) is None:
        raise ResultError(_("Only the inspectors assigned to this target add its evidence."))
    if result.status not in EDITABLE:
        raise ResultError(
            _("Evidence can be added while the result is being entered or corrected.")
        )
    if kind not in ALLOWED:
        raise ResultError(_("Unknown kind of attachment."))
    limit = settings.SHUANGSUIJI_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ResultError(
            _("%(name)s is too large (%(size)s MB; at most %(limit)s MB).")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    if size == 0:
        raise ResultError(_("%(name)s is empty.") % {"name": name})
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ResultError(_("%(name)s is too large.") % {"name": name})
    found = sniff(data[:16])
    if found is None or found[0] not in ALLOWED[AttachmentKind(kind)]:
        expected = _("a JPEG or PNG photo") if kind == AttachmentKind.PHOTO else _("a PDF file")
        raise ResultError(_("%(name)s is not %(expected)s.") % {"name": name, "expected": expected})
    content_type, ext = found
    digest = hashlib.sha256(data).hexdigest()
    day = timezone.localdate()
    stored = f"attachments/{day:%Y/%m}/{secrets.token_hex(16)}.{ext}"
    path = private_dir() / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    attachment = Attachment.objects.create(
        result=result,
        kind=kind,
        original_name=Path(name).name[:200] or f"file.{ext}",
        content_type=content_type,
        size=len(data),
        sha256=digest,
        stored_name=stored,
        uploaded_by=actor,
    )
    path.write_bytes(data)
    # If the transaction rolls back after this point, the orphan file is harmless (it has
    # a random name no row points to); the reverse, a row without its file, cannot happen.
    chain.record(
        actor=actor,
        action="result.attachment",
        obj=attachment,
        department=result.department_id,
        payload={"result": result.pk, "kind": kind, "sha256": digest, "size": len(data)},
    )
    return attachment
