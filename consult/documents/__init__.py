"""The programmatic document: sections co-edited in revisions, paragraph comments and
amendments. Sections and amendments carry comment threads; amendments are voted on."""
from flask import Blueprint, url_for
from sqlalchemy import select

from consult import permissions
from consult.comments.targets import register_target
from consult.documents.models import Amendment, Document, Section
from consult.extensions import db
from consult.processes.models import Process
from consult.votes.targets import register_votable

bp = Blueprint("documents", __name__)

from consult.documents import services, views  # noqa: E402  (routes attach to bp)

bp.add_app_template_global(views.process_documents, "process_documents")
bp.add_app_template_global(services.revision_message, "revision_message")

register_target(
    "section", model=Section,
    url=lambda section: url_for("documents.section", section_id=section.id),
    can_comment=lambda user, section: bool(section.document.is_published),
    render=views.render_section_refused,
    title=lambda section: section.heading,
    can_view=lambda user, section: permissions.can_view_document(user, section.document),
    load=services.section_target_load,
)
register_target(
    "amendment", model=Amendment,
    url=lambda amendment: url_for("documents.amendment", amendment_id=amendment.id),
    can_comment=lambda user, amendment: bool(amendment.section.document.is_published),
    render=views.render_amendment_refused,
    title=lambda amendment: amendment.title,
    can_view=lambda user, amendment: permissions.can_view_document(user, amendment.section.document),
    load=services.amendment_target_load,
)
register_votable("amendment", model=Amendment, process=lambda amendment: db.session.scalar(
    select(Process).join(Document, Document.process_id == Process.id)
    .join(Section, Section.document_id == Document.id)
    .where(Section.id == amendment.section_id)))
