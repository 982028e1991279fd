"""Meetings and co-design workshops: organised in a process, registered for (with a
waiting list), in iCalendar, and tied to the proposals, sections and amendments they produced."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)

from consult.meetings import views  # noqa: E402,F401  (routes attach to bp)
from consult.meetings.mailing import MESSAGES  # noqa: E402
from consult.notifications.services import MESSAGES as NOTIFICATION_MESSAGES  # noqa: E402

NOTIFICATION_MESSAGES.update(MESSAGES)


def _register_audit_labels() -> None:
    from flask_babel import lazy_gettext as _l

    from consult.audit.labels import ACTION_LABELS, TARGET_TYPE_LABELS

    ACTION_LABELS.update({
        "meeting.created": _l("Meeting organised"),
        "meeting.edited": _l("Meeting edited"),
        "meeting.cancelled": _l("Meeting cancelled"),
        "meeting.held": _l("Meeting marked as held"),
        "meeting.minutes_edited": _l("Minutes of a meeting edited"),
        "meeting.links_changed": _l("Outcomes of a meeting changed"),
        "meeting.registered": _l("Registered for a meeting"),
        "meeting.waitlisted": _l("Joined the waiting list of a meeting"),
        "meeting.unregistered": _l("Registration for a meeting withdrawn"),
        "meeting.promoted": _l("Moved up from the waiting list"),
        "meeting.messaged": _l("Message sent to the participants of a meeting"),
        "meeting.registrations_downloaded": _l("Sign-in sheet of a meeting downloaded"),
    })
    TARGET_TYPE_LABELS["meeting"] = _l("Meeting")


_register_audit_labels()


@bp.record_once
def _template_helpers(state) -> None:
    """"Discussed at" on proposal, section and amendment pages; labels for the templates."""
    from consult.meetings.forms import ACCESS_LABELS, KIND_LABELS, STATUS_LABELS
    from consult.meetings.services import meetings_discussing, meetings_of_process

    state.app.jinja_env.globals.update(
        meetings_discussing=meetings_discussing,
        process_meetings=lambda process: meetings_of_process(process.id),
        meeting_kind_labels=KIND_LABELS, meeting_status_labels=STATUS_LABELS,
        meeting_access_labels=ACCESS_LABELS,
    )


def register_cli(app) -> None:
    from consult.meetings.cli import meetings_cli

    app.cli.add_command(meetings_cli)


def _register_open_data() -> None:
    """The meetings dataset on the open-data page and in the DCAT-AP_IT catalogue."""
    from flask_babel import lazy_gettext as _l
    from sqlalchemy import func, select

    from consult.meetings.models import Meeting
    from consult.meetings.services import OPEN_DATA_COLUMNS, open_data_rows
    from consult.opendata.services import DATASETS, Dataset

    DATASETS["meetings"] = Dataset(
        "meetings", _l("Meetings and workshops"),
        _l("The meetings and co-design workshops of each process: when and where, kind, status, "
           "places, registrations and people present, minutes, accessibility and the proposals "
           "they produced. Without personal data: nobody's registration is published."),
        OPEN_DATA_COLUMNS, open_data_rows, lambda: select(func.max(Meeting.updated_at)),
        ("GOVE", "SOCI"), ("incontri", "laboratori", "partecipazione", "co-progettazione"))


_register_open_data()
