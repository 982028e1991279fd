"""Attachments in the API: each object that takes files lists them at `…/attachments`."""
from __future__ import annotations

from datetime import datetime

from flask import abort, url_for
from pydantic import BaseModel

from consult.api.auth import current_api_user
from consult.api.routing import operation
from consult.attachments import services
from consult.attachments.targets import load_target


class AttachmentOut(BaseModel):
    id: int
    title: str
    description: str
    language: str
    format: str
    media_type: str
    bytes: int
    sha256: str
    url: str
    created_at: datetime


class AttachmentList(BaseModel):
    items: list[AttachmentOut]


def _list(target_type: str, target_id: int) -> dict:
    kind, target = load_target(target_type, target_id)
    viewer = current_api_user()
    if not kind.can_view(viewer, target):
        abort(404)
    items = [attachment for attachment in services.attachments_of(viewer, target_type, target)
             if attachment.hidden_at is None]
    return {"items": [{
        "id": item.id, "title": item.title, "description": item.description,
        "language": item.language, "format": item.kind, "media_type": item.mime_type,
        "bytes": item.size, "sha256": item.sha256,
        "url": url_for("attachments.download", attachment_id=item.id, _external=True),
        "created_at": item.created_at} for item in items]}


@operation("GET", "/processes/<int:process_id>/attachments", tag="Attachments",
           summary="The files attached to a process", response=AttachmentList, errors=(404,))
def process_attachments(process_id: int):
    return _list("process", process_id)


@operation("GET", "/documents/<int:document_id>/attachments", tag="Attachments",
           summary="The files attached to a document", response=AttachmentList, errors=(404,))
def document_attachments(document_id: int):
    return _list("document", document_id)


@operation("GET", "/action-plans/<int:plan_id>/attachments", tag="Attachments",
           summary="The files attached to an action plan", response=AttachmentList, errors=(404,))
def plan_attachments(plan_id: int):
    return _list("plan", plan_id)
