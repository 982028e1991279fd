"""The open-data dataset of attachments: every shown attachment of a public object, with
its download address (registered into consult.opendata's list of datasets)."""
from __future__ import annotations

from collections.abc import Iterator

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from consult.attachments.models import Attachment
from consult.opendata.services import DATASETS, Dataset, _batches

COLUMNS = ("id", "object_type", "object_id", "title", "description", "language", "format",
           "media_type", "bytes", "sha256", "url", "created_at")


def attachment_rows() -> Iterator[tuple]:
    from consult.attachments.services import public_attachments_query

    for batch in _batches(public_attachments_query(), Attachment.id):
        for (attachment,) in batch:
            yield (attachment.id, attachment.target_type, attachment.target_id, attachment.title,
                   attachment.description, attachment.language, attachment.kind,
                   attachment.mime_type, attachment.size, attachment.sha256,
                   url_for("attachments.download", attachment_id=attachment.id, _external=True),
                   attachment.created_at)


def _modified():
    from consult.attachments.services import public_attachments_query

    return select(func.max(Attachment.created_at)).where(
        Attachment.id.in_(public_attachments_query().with_only_columns(Attachment.id)))


DATASETS["attachments"] = Dataset(
    "attachments", _l("Attachments"),
    _l("The files the office attached to processes, published documents and action plans: "
       "title, description, language, format, size, checksum and download address."),
    COLUMNS, attachment_rows, _modified, ("GOVE",), ("allegati", "documenti", "partecipazione"))
