"""The rules of attachments, for the pages, the API and the open-data catalogue: what may
be attached (checked by content, at most CONSULT_ATTACHMENT_MAX_BYTES), who attaches and
removes, who reads. Removing hides: the file and its row stay, and the audit log says who."""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from werkzeug.utils import secure_filename

from consult import filecheck
from consult.attachments.models import LANGUAGES, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, Attachment
from consult.attachments.storage import StorageError, storage
from consult.attachments.targets import AttachableKind, kind_of
from consult.audit.services import record
from consult.database import utcnow
from consult.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from consult.extensions import db

ACCEPTED = {"pdf", "odt", "docx", "xlsx", "ods", "csv", "png", "jpg", "gif", "webp"}
MAX_REASON_CHARS = 500


class StorageUnavailable(DomainError):
    status = 503
    code = "storage_unavailable"


def _raise_if(problems: dict[str, list[str]]) -> None:
    problems = {name: messages for name, messages in problems.items() if messages}
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], problems)


def _kind(target_type: str) -> AttachableKind:
    kind = kind_of(target_type)
    if kind is None:
        raise NotFound(_("This page does not exist."))
    return kind


def can_attach(user, target_type: str, target) -> bool:
    kind = kind_of(target_type)
    return kind is not None and bool(kind.can_manage(user, target))


def _checked_file(upload, filename: str) -> filecheck.CheckedFile:
    data = filecheck.read_upload(upload, current_app.config["CONSULT_ATTACHMENT_MAX_BYTES"])
    checked = filecheck.identify(data, ACCEPTED | {"text"})
    if checked.kind == "text":
        if not filename.lower().endswith(".csv"):
            message = _("This kind of file is not accepted here. Accepted: %(kinds)s.",
                        kinds=", ".join(sorted(f".{name}" for name in ACCEPTED)))
            raise InvalidInput(message, {"file": [message]})
        checked = filecheck.CheckedFile("csv", data)
    return checked


def store_file(checked: filecheck.CheckedFile) -> str:
    """Put a checked file in the store (folder or S3 bucket) under a new key, returned.
    Stored files are never deleted: removing hides the row that points at them."""
    key = uuid.uuid4().hex
    try:
        storage().put(key, checked.data, checked.mime_type)
    except StorageError:
        current_app.logger.exception("attachment store unavailable")
        raise StorageUnavailable(_("The file could not be stored just now: nothing was saved. "
                                   "Try again in a few minutes."))
    return key


def read_stored(key: str) -> bytes:
    try:
        return storage().get(key)
    except StorageError:
        current_app.logger.exception("attachment store unavailable")
        raise StorageUnavailable(_("The file cannot be read just now. Try again in a few minutes."))


def _safe_filename(original: str, kind: str) -> str:
    stem = secure_filename(re.sub(r"\.[A-Za-z0-9]{1,5}$", "", original or ""))[:150] or "attachment"
    return f"{stem}.{kind}"


def add_attachment(actor, target_type: str, target, upload, *, title: str, description: str = "",
                   language: str = "it", is_demo: bool = False) -> Attachment:
    """Check the file by its content and store it; the caller commits."""
    kind = _kind(target_type)
    if not kind.can_manage(actor, target):
        raise PermissionDenied(_("Only the office can attach files here."))
    title, description = (title or "").strip(), (description or "").strip()
    _raise_if({
        "title": [_("Give the attachment a title.")] if not title else
                 [_("A title can have at most %(max)s characters.", max=MAX_TITLE_CHARS)]
                 if len(title) > MAX_TITLE_CHARS else [],
        "description": [_("The description can have at most %(max)s characters.",
                          max=f"{MAX_DESCRIPTION_CHARS:,}")] if len(description) > MAX_DESCRIPTION_CHARS else [],
        "language": [] if language in LANGUAGES else [_("Choose the language of the file.")],
    })
    original = getattr(upload, "filename", "") or ""
    checked = _checked_file(upload, original)
    key = store_file(checked)
    attachment = Attachment(
        target_type=target_type, target_id=target.id, title=title, description=description,
        language=language, filename=_safe_filename(original, checked.kind), kind=checked.kind,
        mime_type=checked.mime_type, size=checked.size,
        sha256=hashlib.sha256(checked.data).hexdigest(), storage_key=key,
        uploaded_by_id=actor.id, is_demo=is_demo)
    db.session.add(attachment)
    db.session.flush()
    record(actor, "attachment.added", attachment, reason=f"{target_type}:{target.id} {title}")
    return attachment


def _manageable(actor, attachment: Attachment):
    kind = _kind(attachment.target_type)
    target = db.session.get(kind.model, attachment.target_id)
    if target is None or not kind.can_manage(actor, target):
        raise PermissionDenied(_("Only the office can remove attachments."))
    return target


def hide_attachment(actor, attachment: Attachment, reason: str = "") -> Attachment:
    """Remove an attachment from the pages, the API and the catalogue; the file stays."""
    _manageable(actor, attachment)
    reason = (reason or "").strip()
    _raise_if({"reason": [_("The reason can have at most %(max)s characters.", max=MAX_REASON_CHARS)]
               if len(reason) > MAX_REASON_CHARS else []})
    if attachment.hidden_at is None:
        attachment.hidden_at = utcnow()
        attachment.hidden_by_id = actor.id
        attachment.hidden_reason = reason
        db.session.flush()
        record(actor, "attachment.hidden", attachment, reason=reason)
    return attachment


def restore_attachment(actor, attachment: Attachment) -> Attachment:
    _manageable(actor, attachment)
    if attachment.hidden_at is not None:
        attachment.hidden_at = attachment.hidden_by_id = attachment.hidden_reason = None
        db.session.flush()
        record(actor, "attachment.restored", attachment)
    return attachment


# --- reading ------------------------------------------------------------------------

def attachments_of(viewer, target_type: str, target) -> list[Attachment]:
    """The object's attachments, oldest first (one query). Hidden ones are listed only to
    those who manage the object, marked as such."""
    kind = kind_of(target_type)
    if kind is None or target is None:
        return []
    statement = _attachments_statement(with_hidden=bool(kind.can_manage(viewer, target)))
    return list(db.session.scalars(statement, {"target_type": target_type, "target_id": target.id}))


@cache
def _attachments_statement(*, with_hidden: bool):
    """Built once (building it cost more than running it on the pages that list them)."""
    query = (select(Attachment).where(Attachment.target_type == bindparam("target_type"),
                                      Attachment.target_id == bindparam("target_id"))
             .order_by(Attachment.created_at, Attachment.id))
    return query if with_hidden else query.where(Attachment.hidden_at.is_(None))


def attachments_by_target(target_type: str, ids: list[int]) -> dict[int, list[Attachment]]:
    """Shown attachments of many objects of one kind (one query), for API lists."""
    found: dict[int, list[Attachment]] = {target_id: [] for target_id in ids}
    if ids:
        for attachment in db.session.scalars(
                select(Attachment).where(Attachment.target_type == target_type,
                                         Attachment.target_id.in_(ids), Attachment.hidden_at.is_(None))
                .order_by(Attachment.created_at, Attachment.id)):
            found[attachment.target_id].append(attachment)
    return found


@dataclass
class Download:
    attachment: Attachment
    data: bytes


def open_attachment(viewer, attachment_id: int) -> Download:
    """The file, for someone who may read its object; a hidden one only for its managers."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("This file does not exist."))
    kind = _kind(attachment.target_type)
    target = db.session.get(kind.model, attachment.target_id)
    if target is None or not kind.can_view(viewer, target):
        raise NotFound(_("This file does not exist."))
    if attachment.hidden_at is not None and not kind.can_manage(viewer, target):
        raise NotFound(_("This file does not exist."))
    return Download(attachment, read_stored(attachment.storage_key))


def public_attachments_query():
    """Shown attachments of objects everyone may read, for the open-data catalogue."""
    from sqlalchemy import or_

    from consult.attachments.targets import KINDS

    conditions = [
        (Attachment.target_type == name)
        & Attachment.target_id.in_(select(kind.model.id).where(kind.public()))
        for name, kind in KINDS.items()
    ]
    return select(Attachment).where(Attachment.hidden_at.is_(None), or_(*conditions))

