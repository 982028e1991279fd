"""Funding calls: every rule about publishing them, organisations' interest, the consortium
and the deadline reminders lives here.

Services take plain values (a web form's strings or the API's JSON values), check them,
flush, and raise DomainError subclasses; the caller commits. Dates are days of the
Europe/Rome calendar; `today` can be given (tests, reminders) and defaults to now.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Date, Select, bindparam, case, func, literal, select
from sqlalchemy.orm import joinedload, selectinload

from consult import permissions
from consult.accounts.models import Membership, Organization, User
from consult.audit.services import record
from consult.database import is_valid_id, utcnow
from consult.errors import Conflict, NotFound, PermissionDenied
from consult.extensions import db
from consult.validation import clean_text, raise_if
from consult.follows import services as follows
from consult.funding.cards import CallCard, card_of
from consult.funding.models import (
    CALL_STATUSES, INTEREST_ROLES, PROGRAMMES, CallInterest, FundingCall, call_plans,
)
from consult.notifications.services import notify
from consult.pagination import PageNumbers
from consult.plans.models import ActionPlan
from consult.plans.parsing import parse_date, parse_euros

ROME = ZoneInfo("Europe/Rome")
PER_PAGE = 20
TITLE_MAX = 200
REFERENCE_MAX = 100
URL_MAX = 500
DESCRIPTION_MAX = 20_000
NOTE_MAX = 2_000
FIRST_YEAR, LAST_YEAR = 2000, 2100
REMINDER_DAYS = (14, 3)

CALL_FIELDS = ("title", "programme", "reference", "opens_on", "deadline", "budget_eur", "url",
               "description", "plan_ids")


def rome_today(now: datetime | None = None) -> date:
    """Today's date in Lecce."""
    return (now or datetime.now(tz=ROME)).astimezone(ROME).date()


# --- checking values -------------------------------------------------------------------------

def _require_manager(user) -> None:
    if not permissions.can_manage_funding_calls(user):
        raise PermissionDenied(_("Only the office's staff can publish funding calls."))


def _day(value: Any, problems: list[str]) -> date | None:
    try:
        day = parse_date(value)
    except ValueError as error:
        problems.append(str(error))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(_("Enter a date between %(first)s and %(last)s.",
                          first=FIRST_YEAR, last=LAST_YEAR))
        return None
    return day


def _link(value: Any, problems: list[str]) -> str:
    text = clean_text(value, required=False, maximum=URL_MAX, problems=problems)
    if text and not text.lower().startswith(("https://", "http://")):
        problems.append(_("Enter the full address of the official call page, starting with https://."))
    return text


def _plans(value: Iterable[Any] | None, problems: list[str]) -> list[ActionPlan]:
    ids: list[int] = []
    for item in value or ():
        try:
            number = int(item)
        except (TypeError, ValueError):
            number = 0
        if not is_valid_id(number):
            problems.append(_("Choose among the options offered."))
            return []
        if number not in ids:
            ids.append(number)
    if not ids:
        return []
    plans = db.session.scalars(select(ActionPlan).where(ActionPlan.id.in_(ids))).all()
    if len(plans) != len(ids):
        problems.append(_("Choose among the options offered."))
    return sorted(plans, key=lambda plan: ids.index(plan.id))


def _clean(values: dict[str, Any], call: FundingCall | None, today: date) -> dict[str, Any]:
    problems: dict[str, list[str]] = {name: [] for name in CALL_FIELDS}
    clean: dict[str, Any] = {}
    if "title" in values:
        clean["title"] = clean_text(values["title"], required=True, maximum=TITLE_MAX,
                                    problems=problems["title"])
    if "programme" in values:
        if values["programme"] not in PROGRAMMES:
            problems["programme"].append(_("Choose a programme."))
        clean["programme"] = values["programme"]
    if "reference" in values:
        clean["reference"] = clean_text(values["reference"], required=False, maximum=REFERENCE_MAX,
                                        problems=problems["reference"])
    if "url" in values:
        clean["url"] = _link(values["url"], problems["url"])
    if "description" in values:
        clean["description"] = clean_text(values["description"], required=False,
                                          maximum=DESCRIPTION_MAX, problems=problems["description"])
    if "budget_eur" in values:
        clean["budget_eur"] = _budget(values["budget_eur"], problems["budget_eur"])
    if "opens_on" in values:
        clean["opens_on"] = _day(values["opens_on"], problems["opens_on"])
    if "deadline" in values:
        clean["deadline"] = _day(values["deadline"], problems["deadline"])
        if clean["deadline"] and call is None and clean["deadline"] < today:
            problems["deadline"].append(_("The deadline of a new call cannot be in the past."))
    if "plan_ids" in values:
        clean["plans"] = _plans(values["plan_ids"], problems["plan_ids"])
    opens_on = clean.get("opens_on") or (call.opens_on if call else None)
    deadline = clean.get("deadline") or (call.deadline if call else None)
    if opens_on and deadline and deadline < opens_on and not problems["deadline"]:
        problems["deadline"].append(_("The deadline cannot come before the opening date."))
    raise_if(problems)
    return clean


def _budget(value: Any, problems: list[str]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_euros(value)
    except ValueError as error:
        problems.append(str(error))
        return None


def _known(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown funding call fields: {sorted(unknown)}")
    return values


def _apply(call: FundingCall, clean: dict[str, Any]) -> set[str]:
    changed = set()
    for name, value in clean.items():
        if name == "plans":
            if {p.id for p in call.plans} != {p.id for p in value}:
                call.plans = value
                changed.add(name)
        elif getattr(call, name) != value:
            setattr(call, name, value)
            changed.add(name)
    return changed


# --- publishing calls --------------------------------------------------------------------

def create_call(user, *, today: date | None = None, is_demo: bool = False, **values) -> FundingCall:
    """A new call. Required: title, programme, opens_on, deadline (not in the past)."""
    _require_manager(user)
    for name in ("title", "programme", "opens_on", "deadline"):
        values.setdefault(name, None)
    clean = _clean(_known(values), None, today or rome_today())
    call = FundingCall(created_by_id=getattr(user, "id", None), is_demo=is_demo)
    _apply(call, clean)
    db.session.add(call)
    db.session.flush()
    record(user, "call.created", target_type="call", target_id=call.id, reason=call.title)
    return call


def update_call(user, call: FundingCall, *, today: date | None = None, **values) -> FundingCall:
    """Change any of the call's fields (only those given)."""
    _require_manager(user)
    clean = _clean(_known(values), call, today or rome_today())
    changed = _apply(call, clean)
    if changed:
        call.updated_at = utcnow()
        db.session.flush()
        record(user, "call.updated", target_type="call", target_id=call.id,
               reason=", ".join(sorted(changed)))
    return call


# --- interest and consortium ---------------------------------------------------------------

def edited_organizations(user) -> list[Organization]:
    """The organisations whose approved editor `user` is (they may speak for them)."""
    if not permissions.is_active_participant(user):
        return []
    return list(db.session.scalars(
        select(Organization).join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id, Membership.status == "approved",
               Membership.role == "editor")
        .order_by(Organization.name)))


def _organization_for(user, organization_id: Any) -> Organization:
    try:
        number = int(organization_id)
    except (TypeError, ValueError):
        number = 0
    for organization in edited_organizations(user):
        if organization.id == number:
            return organization
    raise PermissionDenied(_("Only an editor of the organisation can speak for it."),
                           {"organization_id": [_("Choose an organisation you are an editor of.")]})


def express_interest(user, call: FundingCall, *, organization_id: Any, role: Any,
                     note: Any = "", today: date | None = None) -> CallInterest:
    """An editor states that their organisation is interested in the call, in a role."""
    organization = _organization_for(user, organization_id)
    problems: dict[str, list[str]] = {"role": [], "note": []}
    if role not in INTEREST_ROLES:
        problems["role"].append(_("Choose the role the organisation would take."))
    clean_note = clean_text(note, required=False, maximum=NOTE_MAX, problems=problems["note"])
    raise_if(problems)
    if call.status_on(today or rome_today()) == "closed":
        raise Conflict(_("The deadline of this call has passed: interest can no longer be expressed."))
    interest = _interest(call.id, organization.id)
    if interest is None:
        interest = CallInterest(call=call, organization=organization)
        db.session.add(interest)
    elif interest.withdrawn_at is None and (interest.role, interest.note) == (role, clean_note):
        return interest
    interest.role, interest.note = role, clean_note
    interest.expressed_by_id, interest.withdrawn_at = user.id, None
    db.session.flush()
    record(user, "call.interest_expressed", target_type="call", target_id=call.id,
           reason=f"{organization.name}: {role}")
    follows.auto_follow(user, call)
    return interest


def _interest(call_id: int, organization_id: int) -> CallInterest | None:
    return db.session.scalar(select(CallInterest).where(
        CallInterest.call_id == call_id, CallInterest.organization_id == organization_id))


def withdraw_interest(user, call: FundingCall, organization_id: int) -> CallInterest:
    """The organisation's editor (or staff) withdraws its interest; the row stays, marked."""
    interest = _interest(call.id, organization_id)
    if interest is None or interest.withdrawn_at is not None:
        raise NotFound(_("This organisation has not expressed interest in the call."))
    if not permissions.can_manage_funding_calls(user):
        _organization_for(user, organization_id)
    was_confirmed = interest.confirmed
    interest.withdrawn_at, interest.confirmed = utcnow(), False
    db.session.flush()
    record(user, "call.interest_withdrawn", target_type="call", target_id=call.id,
           reason=interest.organization.name)
    if was_confirmed:
        _consortium_changed(call, user)
    return interest


def set_consortium_member(user, call: FundingCall, organization_id: int,
                          confirmed: bool) -> CallInterest:
    """Staff confirm an interested organisation into the consortium, or take it out."""
    _require_manager(user)
    interest = _interest(call.id, organization_id)
    if interest is None or interest.withdrawn_at is not None:
        raise NotFound(_("This organisation has not expressed interest in the call."))
    if interest.confirmed != bool(confirmed):
        interest.confirmed = bool(confirmed)
        db.session.flush()
        record(user, "call.consortium_confirmed" if confirmed else "call.consortium_removed",
               target_type="call", target_id=call.id, reason=interest.organization.name)
        _consortium_changed(call, user)
    return interest


def _consortium_changed(call: FundingCall, actor) -> None:
    url = _call_url(call)
    follows.notify_followers(call, "call.consortium_changed", actor=actor, url=url)
    for member in _members_of_interested(call, exclude_followers=True):
        notify(member, "call.consortium_changed", url=url, actor=actor, target=call,
               title=call.title)


def _call_url(call: FundingCall) -> str:
    return follows._in_request(lambda: url_for("funding.detail", call_id=call.id))


def _members_of_interested(call: FundingCall, *, exclude_followers: bool) -> list[User]:
    """Approved members of the organisations interested in the call (one query)."""
    from consult.follows.models import Follow

    query = (
        select(User).join(Membership, Membership.user_id == User.id)
        .join(CallInterest, CallInterest.organization_id == Membership.organization_id)
        .where(CallInterest.call_id == call.id, CallInterest.withdrawn_at.is_(None),
               Membership.status == "approved", User.deleted_at.is_(None))
        .distinct()
    )
    if exclude_followers:  # followers were told by notify_followers already
        query = query.where(User.id.not_in(select(Follow.user_id).where(
            Follow.target_type == "call", Follow.target_id == call.id)))
    return list(db.session.scalars(query))


# --- deadline reminders (a periodic task) -------------------------------------------------------

def send_deadline_reminders(now: datetime | None = None) -> int:
    """Tell followers of each open call and members of the interested organisations, 14 and
    3 days before its deadline; each reminder goes out once. Returns the calls reminded."""
    today = rome_today(now)
    reminded = 0
    for days in REMINDER_DAYS:
        column = FundingCall.reminded_14_at if days == 14 else FundingCall.reminded_3_at
        due = db.session.scalars(select(FundingCall).where(
            FundingCall.deadline <= today + timedelta(days=days), FundingCall.deadline >= today,
            FundingCall.opens_on <= today, column.is_(None))).all()
        for call in due:
            _remind(call, (call.deadline - today).days)
            setattr(call, column.key, utcnow())
            if days == 14 and call.reminded_3_at is None and (call.deadline - today).days <= 3:
                call.reminded_3_at = utcnow()  # one reminder is enough when both are due
            reminded += 1
    db.session.flush()
    return reminded


def _remind(call: FundingCall, days_left: int) -> None:
    url = _call_url(call)
    follows.notify_followers(call, "call.deadline", url=url, days=days_left)
    for member in _members_of_interested(call, exclude_followers=True):
        notify(member, "call.deadline", url=url, target=call, title=call.title, days=days_left)


# --- reading ------------------------------------------------------------------------------

def _status_expression(today: date):
    return case((FundingCall.opens_on > today, literal("upcoming")),
                (FundingCall.deadline >= today, literal("open")), else_=literal("closed"))


def _filters(status: str | None, programme, today) -> list:
    """The board's filters; `programme` None for any (a value or a bound parameter)."""
    filters = []
    if programme is not None:
        filters.append(FundingCall.programme == programme)
    if status == "upcoming":
        filters.append(FundingCall.opens_on > today)
    elif status == "open":
        filters += [FundingCall.opens_on <= today, FundingCall.deadline >= today]
    elif status == "closed":
        filters.append(FundingCall.deadline < today)
    elif status:
        filters.append(literal(False))
    return filters


def _order(today) -> tuple:
    """Open calls first (nearest deadline first), then upcoming, then closed (latest first)."""
    rank = case((FundingCall.opens_on > today, 1), (FundingCall.deadline >= today, 0), else_=2)
    still_open = case((FundingCall.deadline >= today, FundingCall.deadline), else_=None)
    return rank, still_open.asc(), FundingCall.deadline.desc(), FundingCall.id


def calls_query(*, status: str | None = None, programme: str | None = None,
                today: date | None = None) -> Select:
    """The calls in the board's order (_order)."""
    today = today or rome_today()
    return (select(FundingCall).where(*_filters(status, programme or None, today))
            .order_by(*_order(today)))


@dataclass
class CardPage(PageNumbers):
    """A page of the board's cards, shaped like Flask-SQLAlchemy's Pagination."""
    items: list[CallCard]
    page: int
    per_page: int
    total: int


def list_cards(*, status: str | None = None, programme: str | None = None, page: int = 1,
               per_page: int = PER_PAGE, today: date | None = None) -> CardPage:
    """One page of the board's cards, in the board's order: two queries (the page with its
    interest counts, the total)."""
    today = today or rome_today()
    page = max(page or 1, 1)
    values = {"today": today, "programme": programme, "limit": per_page,
              "offset": (page - 1) * per_page}
    status = status if not status or status in CALL_STATUSES else "unknown"
    page_statement, count_statement = _cards_statements(status, bool(programme))
    items = [card_of(*row, today=today) for row in db.session.execute(page_statement, values)]
    return CardPage(items, page, per_page, db.session.scalar(count_statement, values))


@cache
def _cards_statements(status: str | None, by_programme: bool):
    """The board's statements for each kind of filter, built once. The page's ids are
    sorted alone, then only their rows read, with their interest counts."""
    today = bindparam("today", type_=Date())
    filters = _filters(status, bindparam("programme") if by_programme else None, today)
    order = _order(today)
    page_ids = (select(FundingCall.id).where(*filters).order_by(*order)
                .limit(bindparam("limit")).offset(bindparam("offset")))
    interested = (select(func.count()).where(CallInterest.call_id == FundingCall.id,
                                             CallInterest.withdrawn_at.is_(None))
                  .correlate(FundingCall).scalar_subquery())
    page = (select(FundingCall.id, FundingCall.title, FundingCall.is_demo, FundingCall.opens_on,
                   FundingCall.deadline, FundingCall.programme, FundingCall.budget_eur,
                   FundingCall.reference, interested)
            .where(FundingCall.id.in_(page_ids)).order_by(*order))
    return page, select(func.count()).select_from(FundingCall).where(*filters)


def load_call(call_id: int) -> FundingCall | None:
    """A call with everything its page shows, in a fixed number of queries."""
    return db.session.scalar(select(FundingCall).where(FundingCall.id == call_id).options(
        selectinload(FundingCall.plans),
        selectinload(FundingCall.interests).joinedload(CallInterest.organization)))


class Interested(NamedTuple):
    """An organisation whose interest in a call stands, as the call's page lists it."""
    organization_id: int
    name: str
    role: str
    note: str
    confirmed: bool


def consortium(call_id: int) -> list[Interested]:
    """The standing interests in a call, confirmed ones first (one query)."""
    return [Interested(*row) for row in db.session.execute(_consortium_statement(),
                                                           {"call_id": call_id})]


def plans_of_call(call_id: int) -> list[tuple[int, str]]:
    """(id, title) of the action plans the call could fund, by title (one query)."""
    return [tuple(row) for row in db.session.execute(_plans_statement(), {"call_id": call_id})]


# The call page's statements are built once (building one costs more than running it).
@cache
def _consortium_statement():
    return (select(CallInterest.organization_id, Organization.name, CallInterest.role,
                   CallInterest.note, CallInterest.confirmed)
            .join(Organization, Organization.id == CallInterest.organization_id)
            .where(CallInterest.call_id == bindparam("call_id"), CallInterest.withdrawn_at.is_(None))
            .order_by(CallInterest.confirmed.desc(), CallInterest.id))


@cache
def _plans_statement():
    return (select(ActionPlan.id, ActionPlan.title)
            .join(call_plans, call_plans.c.plan_id == ActionPlan.id)
            .where(call_plans.c.call_id == bindparam("call_id"))
            .order_by(ActionPlan.title, ActionPlan.id))


def calls_for_plan(plan_id: int) -> list[FundingCall]:
    """The calls that could fund an action plan, nearest deadline first (one query)."""
    return list(db.session.scalars(
        select(FundingCall).join(call_plans, call_plans.c.call_id == FundingCall.id)
        .where(call_plans.c.plan_id == plan_id).order_by(FundingCall.deadline.desc())))


def calls_of_organization(organization_id: int) -> list[tuple[FundingCall, CallInterest]]:
    """The calls an organisation is interested in, with its interest (one query)."""
    rows = db.session.execute(
        select(FundingCall, CallInterest).join(CallInterest, CallInterest.call_id == FundingCall.id)
        .where(CallInterest.organization_id == organization_id, CallInterest.withdrawn_at.is_(None))
        .order_by(FundingCall.deadline.desc())).all()
    return [(row[0], row[1]) for row in rows]


def open_budget_for_plans(today: date | None = None) -> Decimal:
    """The indicative budgets of the open calls tied to at least one action plan, summed."""
    today = today or rome_today()
    tied = select(call_plans.c.call_id)
    total = db.session.scalar(select(func.coalesce(func.sum(FundingCall.budget_eur), 0)).where(
        FundingCall.id.in_(tied), FundingCall.opens_on <= today, FundingCall.deadline >= today))
    return Decimal(total or 0).quantize(Decimal("0.01"))


def call_to_dict(call: FundingCall, *, full: bool = False, today: date | None = None) -> dict[str, Any]:
    """The call as the API contract shapes it (budget as a string with two decimals)."""
    interests = call.active_interests
    data = {
        "id": call.id, "title": call.title, "programme": call.programme,
        "reference": call.reference, "opens_on": call.opens_on.isoformat(),
        "deadline": call.deadline.isoformat(),
        "budget_eur": f"{call.budget_eur:.2f}" if call.budget_eur is not None else None,
        "url": call.url, "status": call.status_on(today or rome_today()),
        "interests_count": len(interests), "plan_ids": [plan.id for plan in call.plans],
    }
    if full:
        data["description"] = call.description
        data["consortium"] = [
            {"organization_id": i.organization_id, "name": i.organization.name, "role": i.role,
             "confirmed": i.confirmed} for i in interests]
    return data
