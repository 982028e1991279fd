"""Meeting pages: lists, month view, a meeting, iCalendar, organisers' forms, registrations."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from consult import permissions
from consult.accounts.models import Organization
from consult.database import utcnow
from consult.errors import DomainError
from consult.exports import csv_response
from consult.extensions import db
from consult.forms import options
from consult.meetings import bp, ical, services
from consult.meetings.cards import facts_of
from consult.meetings.forms import (
    ActionForm, CancelForm, FilterForm, MeetingForm, MessageForm, MinutesForm, NewMeetingForm,
)
from consult.meetings.models import Meeting
from consult.processes import services as process_services
from consult.processes.models import Process
from consult.web import page_number, require, service_call


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = services.get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _require_manager(meeting: Meeting) -> None:
    require(lambda user: permissions.can_manage_meeting(user, meeting),
            _("Only the organisers of this meeting and the office's staff can change it."))


def _process_filter() -> int | None:
    process_id = request.args.get("process_id", type=int)
    return process_id if process_id and 0 < process_id < 2**31 else None


# --- everyone ---------------------------------------------------------------------------------

@bp.route("/meetings")
def index():
    form = FilterForm(request.args)
    processes = tuple(process_services.process_options())
    form.process_id.choices = options(((str(id_), title) for id_, title in processes),
                                      empty=_("Any process"))
    when = form.when.data if form.when.data in services.WHEN else "upcoming"
    page = services.list_cards(when=when, process_id=_process_filter(), page=page_number())
    url_args = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template("meetings/index.html", page=page, form=form, when=when, url_args=url_args,
                           processes=processes)


@bp.route("/meetings/calendar")
def month():
    status = 200
    try:
        year, month_number = services.parse_month(request.args.get("month"))
    except DomainError as error:
        flash(error.message, "danger")
        year, month_number = services.parse_month(None)
        status = 400
    view = services.month_view(year, month_number, process_id=_process_filter())
    locale = get_locale()
    short, full = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    weekday_names = [(short[day], full[day]) for day in range(7)]  # Monday first
    return render_template("meetings/month.html", view=view, weekday_names=weekday_names), status


@bp.route("/meetings/<int:meeting_id>")
def detail(meeting_id: int):
    meeting = services.find_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return _detail_page(meeting)


def _detail_page(meeting: Meeting, status: int = 200):
    registration = services.my_registration(current_user, meeting)
    show_online_url = services.can_see_online_url(current_user, meeting, registration)
    return render_template(
        "meetings/detail.html", meeting=meeting, registration=registration,
        facts=facts_of(meeting, show_online_url), outcomes=services.outcomes(meeting.id),
        position=services.waitlist_position(registration),
        can_manage=permissions.can_manage_meeting(current_user, meeting),
        has_started=meeting.starts_at <= utcnow(),
        # Its buttons are for logged-in accounts only: a form costs a visitor's page its
        # CSRF token (and WTForms' catalogue).
        action_form=ActionForm() if current_user.is_authenticated else None,
    ), status


def _ics_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _external(meeting: Meeting) -> str:
    return url_for("meetings.detail", meeting_id=meeting.id, _external=True)


@bp.route("/meetings/<int:meeting_id>.ics")
def ics(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    return _ics_response(ical.calendar_bytes([meeting], _external, meeting.title),
                         f"meeting-{meeting.id}.ics")


@bp.route("/meetings.ics")
def feed():
    process_id = _process_filter()
    name = _("Lecce Partecipa: meetings")
    if process_id:
        process = db.session.get(Process, process_id)
        if process is None:
            abort(404)
        name = f"{name} – {process.title}"
    return _ics_response(ical.calendar_bytes(services.meetings_for_calendar(process_id), _external, name),
                         "meetings.ics")


# --- participants -----------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/registration", methods=["POST"])
def register(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require(lambda user: True)  # anonymous visitors log in first
    form = ActionForm()
    if not form.validate_on_submit():
        return _detail_page(meeting, 400)
    with service_call() as call:
        registration = services.register(current_user, meeting)
    if not call.ok:
        return _detail_page(meeting, call.status)
    flash(_("You are registered for this meeting.") if registration.status == "registered"
          else _("The meeting is full: you are on the waiting list and move up automatically "
                 "when a place becomes free."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/registration/delete", methods=["POST"])
def unregister(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require(lambda user: True)
    form = ActionForm()
    if not form.validate_on_submit():
        return _detail_page(meeting, 400)
    with service_call() as call:
        services.unregister(current_user, meeting)
    if not call.ok:
        return _detail_page(meeting, call.status)
    flash(_("You are no longer registered for this meeting."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


# --- organisers -------------------------------------------------------------------------------

def _organization_choices(form: NewMeetingForm) -> None:
    if permissions.is_staff(current_user):
        organizations = db.session.scalars(db.select(Organization).where(Organization.is_partner)
                                           .order_by(Organization.name)).all()
        form.organization_id.choices = options(((str(o.id), o.name) for o in organizations),
                                               empty=_("The office (Comune di Lecce)"))
    else:
        form.organization_id.choices = options(
            (str(o.id), o.name) for o in permissions.meeting_organizations(current_user))


@bp.route("/meetings/new", methods=["GET", "POST"])
def create():
    require(permissions.can_organise_meetings,
            _("Only the office's staff and the editors of partner organisations can organise meetings."))
    form = NewMeetingForm()
    processes = [p for p in process_services.all_processes() if p.phase != "closed"]
    form.process_id.choices = options((p.id, p.title) for p in processes)
    _organization_choices(form)
    if request.method == "GET" and request.args.get("process_id", type=int):
        form.process_id.data = request.args.get("process_id", type=int)
    status = 200
    if form.validate_on_submit():
        organization_id = int(form.organization_id.data) if (form.organization_id.data or "").isdigit() else None
        with service_call(form) as call:
            meeting = services.create_meeting(
                current_user, db.session.get(Process, form.process_id.data) if form.process_id.data else None,
                organization_id=organization_id, **form.values())
        if call.ok:
            flash(_("The meeting has been published."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("meetings/form.html", form=form, meeting=None), status


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _require_manager(meeting)
    form = MeetingForm(obj=None if request.method == "POST" else meeting)
    if request.method == "GET":
        form.starts_at.data = services.in_rome(meeting.starts_at).replace(tzinfo=None)
        form.ends_at.data = services.in_rome(meeting.ends_at).replace(tzinfo=None)
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            services.edit_meeting(current_user, meeting, form.values())
        if call.ok:
            flash(_("The meeting has been saved."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("meetings/form.html", form=form, meeting=meeting), status


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _require_manager(meeting)
    form = CancelForm()
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            services.cancel_meeting(current_user, meeting, form.reason.data)
        if call.ok:
            flash(_("The meeting has been cancelled; the registered participants have been told."),
                  "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("meetings/cancel.html", form=form, meeting=meeting), status


def _minutes_choices(form: MinutesForm, meeting: Meeting) -> None:
    choices = services.link_choices(meeting.process_id)
    form.proposal_ids.choices = options(choices["proposals"])
    form.section_ids.choices = options(choices["sections"])
    form.amendment_ids.choices = options(choices["amendments"])


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _require_manager(meeting)
    form = MinutesForm()
    _minutes_choices(form, meeting)
    if request.method == "GET":
        form.minutes.data = meeting.minutes or ""
        form.attendees_count.data = meeting.attendees_count
        form.proposal_ids.data = [p.id for p in meeting.proposals]
        form.section_ids.data = [s.id for s in meeting.sections]
        form.amendment_ids.data = [a.id for a in meeting.amendments]
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            services.publish_outcomes(current_user, meeting, minutes=form.minutes.data,
                                      attendees_count=form.attendees_count.data,
                                      proposal_ids=form.proposal_ids.data,
                                      section_ids=form.section_ids.data,
                                      amendment_ids=form.amendment_ids.data)
        if call.ok:
            flash(_("The minutes have been published."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#minutes")
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("meetings/minutes.html", form=form, meeting=meeting), status


@bp.route("/meetings/<int:meeting_id>/registrations", methods=["GET", "POST"])
def registrations(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _require_manager(meeting)
    form = MessageForm()
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            sent = services.message_registrants(current_user, meeting, form.text.data,
                                                include_waitlist=form.include_waitlist.data)
        if call.ok:
            flash(_("The message has been sent to %(count)s participants.", count=sent), "success")
            return redirect(url_for("meetings.registrations", meeting_id=meeting.id))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template(
        "meetings/registrations.html", meeting=meeting, form=form,
        registrations=services.registrations_for_organisers(current_user, meeting),
        can_download=permissions.can_download_registrations(current_user, meeting)), status


@bp.route("/meetings/<int:meeting_id>/registrations.csv")
def registrations_csv(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    require(lambda user: permissions.can_download_registrations(user, meeting),
            _("Only the office's staff can download the sign-in sheet."))
    header, rows = services.sign_in_sheet(current_user, meeting)
    db.session.commit()  # the download is in the audit log
    return csv_response(f"meeting-{meeting.id}-registrations.csv", header, rows)


@bp.route("/meetings/<int:meeting_id>/proposals/new", methods=["GET", "POST"])
def new_proposal(meeting_id: int):
    from consult.proposals.forms import ProposalForm

    meeting = _meeting_or_404(meeting_id)
    require(permissions.can_publish_proposal, _("Only the office's staff can publish proposals."))
    form = ProposalForm()
    del form.section_ids
    status = 200
    if form.validate_on_submit():
        with service_call(form) as call:
            proposal = services.publish_proposal_from_meeting(
                current_user, meeting, title=form.title.data, body=form.body.data, theme=form.theme.data)
        if call.ok:
            flash(_("The proposal has been published."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
        status = call.status
    elif form.is_submitted():
        status = 422
    return render_template("meetings/proposal_form.html", form=form, meeting=meeting), status


@bp.route("/meetings/<int:meeting_id>/held", methods=["POST"])
def mark_held(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _require_manager(meeting)
    form = ActionForm()
    if not form.validate_on_submit():
        return _detail_page(meeting, 400)
    with service_call() as call:
        services.mark_held(current_user, meeting)
    if not call.ok:
        return _detail_page(meeting, call.status)
    flash(_("The meeting is marked as held. Publish its minutes when they are ready."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))
