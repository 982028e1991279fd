"""Attachments (issue 21): checked files on a process, a document, an action plan or a meeting.
Meetings (or any other feature) add their kind with `targets.register_attachable`."""
from flask import Blueprint, url_for

from consult import permissions

bp = Blueprint("attachments", __name__)

from consult.attachments import opendata, views  # noqa: E402,F401  (routes attach to bp)
from consult.attachments.targets import register_attachable  # noqa: E402
from consult.documents.models import Document  # noqa: E402
from consult.meetings.models import Meeting  # noqa: E402
from consult.plans.models import ActionPlan  # noqa: E402
from consult.processes.models import Process  # noqa: E402

bp.add_app_template_global(views.attachments_for, "attachments_for")
bp.add_app_template_global(views.can_attach, "can_attach")

register_attachable(
    "process", model=Process,
    can_view=lambda user, process: True,
    can_manage=lambda user, process: permissions.can_manage_processes(user),
    url=lambda process: url_for("processes.detail", slug=process.slug),
    public=lambda: Process.id.isnot(None))
register_attachable(
    "document", model=Document,
    can_view=permissions.can_view_document,
    can_manage=permissions.can_manage_document,
    url=lambda document: url_for("documents.document", document_id=document.id),
    public=lambda: Document.is_published.is_(True))
register_attachable(
    "plan", model=ActionPlan,
    can_view=lambda user, plan: True,
    can_manage=lambda user, plan: permissions.can_manage_plans(user),
    url=lambda plan: url_for("plans.detail", plan_id=plan.id),
    public=lambda: ActionPlan.id.isnot(None))
register_attachable(
    "meeting", model=Meeting,
    can_view=lambda user, meeting: True,
    can_manage=lambda user, meeting: permissions.can_manage_meeting(user, meeting),
    url=lambda meeting: url_for("meetings.detail", meeting_id=meeting.id),
    public=lambda: Meeting.id.isnot(None))
