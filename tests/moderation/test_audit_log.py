"""The audit log: append-only, browsed and filtered by moderators and up, exported by admins."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from consult.audit import services as audit
from consult.audit.models import AuditEntry
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from tests.factories import make_user


def add_entry(actor, action="user.blocked", *, reason="", when=None, target_type="user",
              target_id=1) -> AuditEntry:
    entry = audit.record(actor, action, None, reason, target_type=target_type, target_id=target_id)
    if when is not None:
        entry.created_at = when
    db.session.commit()
    return entry


# --- append-only ---------------------------------------------------------------------

def test_an_entry_cannot_be_changed_through_the_orm(admin):
    entry = add_entry(admin)
    entry.reason = "rewritten history"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_an_entry_cannot_be_deleted_through_the_orm(admin):
    entry = add_entry(admin)
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.id)) == entry.id


@pytest.mark.parametrize("statement", [
    lambda: update(AuditEntry).values(reason="rewritten"),
    lambda: delete(AuditEntry),
])
def test_bulk_update_or_delete_of_entries_is_refused(admin, statement):
    add_entry(admin, reason="original")
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.execute(statement())
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.reason)) == "original"


# --- filters --------------------------------------------------------------------------

def test_filters_by_actor_action_type_and_dates(admin, moderator):
    now = datetime.now(UTC)
    add_entry(admin, "user.role_changed", when=now - timedelta(days=10))
    add_entry(moderator, "comment.hidden", target_type="comment", when=now - timedelta(days=2))
    add_entry(moderator, "user.blocked", when=now)

    def actions(**filters):
        query = audit.log_query(audit.make_filters(**filters))
        return [entry.action for entry in db.session.scalars(query)]

    assert actions() == ["user.blocked", "comment.hidden", "user.role_changed"]  # newest first
    assert actions(actor="MODERATOR@example") == ["user.blocked", "comment.hidden"]
    assert actions(actor=admin.display_name) == ["user.role_changed"]
    assert actions(action="comment.hidden") == ["comment.hidden"]
    assert actions(target_type="user") == ["user.blocked", "user.role_changed"]
    assert actions(date_from=(now - timedelta(days=3)).date()) == ["user.blocked", "comment.hidden"]
    assert actions(date_to=(now - timedelta(days=2)).date()) == ["comment.hidden", "user.role_changed"]


def test_actor_filter_treats_like_wildcards_literally(admin):
    add_entry(admin)
    assert db.session.scalars(audit.log_query(audit.make_filters(actor="%"))).all() == []


def test_an_end_date_before_the_start_is_refused():
    with pytest.raises(InvalidInput) as caught:
        audit.make_filters(date_from=date(2025, 5, 2), date_to=date(2025, 5, 1))
    assert "date_to" in caught.value.fields


def test_participants_cannot_read_the_log(participant):
    with pytest.raises(PermissionDenied):
        audit.log_page(participant, audit.LogFilters())


# --- pages ----------------------------------------------------------------------------------

def test_log_page_lists_entries_newest_first(login_as, admin, moderator):
    add_entry(moderator, "user.blocked", reason="spamming every thread for days")
    add_entry(admin, "user.unblocked")
    page = login_as(admin).get("/moderation/log").get_data(as_text=True)
    assert page.index(">Account unblocked</td>") < page.index(">Account blocked</td>")
    assert "spamming every thread for days" in page


def test_log_page_filters_from_the_query_string(login_as, admin, moderator):
    add_entry(moderator, "user.blocked")
    add_entry(admin, "membership.approved", target_type="membership")
    page = login_as(admin).get("/moderation/log?action=membership.approved").get_data(as_text=True)
    assert ">Membership request approved</td>" in page and ">Account blocked</td>" not in page


def test_bad_dates_are_shown_as_errors_with_the_input_kept(login_as, admin):
    response = login_as(admin).get("/moderation/log?date_from=2025-05-09&date_to=2025-05-01")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The end date cannot be before the start date." in page
    assert 'value="2025-05-01"' in page
    response = login_as(admin).get("/moderation/log?date_from=yesterday")
    assert response.status_code == 422 and 'value="yesterday"' in response.get_data(as_text=True)


def test_log_is_paginated(login_as, admin):
    for n in range(audit.LOG_PER_PAGE + 3):
        add_entry(admin, reason=f"entry {n}")
    client = login_as(admin)
    first = client.get("/moderation/log").get_data(as_text=True)
    second = client.get("/moderation/log?page=2").get_data(as_text=True)
    assert "entry 52" in first and "entry 0<" not in first
    assert "entry 0<" in second and "entry 52" not in second


@pytest.mark.parametrize("role, status", [("participant", 403), ("moderator", 200), ("staff", 200),
                                          ("admin", 200)])
def test_log_page_is_for_moderators_and_up(login_as, role, status):
    user = make_user(role=role)
    assert login_as(user).get("/moderation/log").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/moderation/log")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_log_page_runs_a_fixed_number_of_queries(login_as, admin, count_queries):
    client = login_as(admin)

    def queries_with(n: int) -> int:
        actors = [make_user(commit=False) for _ in range(n)]
        db.session.commit()
        for actor in actors:
            audit.record(actor, "user.blocked", None, "x", target_type="user", target_id=1)
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/moderation/log").status_code == 200
        return counter.count

    assert queries_with(10) == queries_with(190)


# --- CSV -----------------------------------------------------------------------------------------

def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_admin_downloads_the_log_as_csv_with_formulas_neutralised(login_as, admin, moderator):
    add_entry(moderator, "user.blocked", reason="=HYPERLINK(\"http://evil.example\")")
    response = login_as(admin).get("/moderation/log.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == list(audit.CSV_HEADER)
    blocked = next(row for row in rows if row[4] == "user.blocked")
    assert blocked[7] == "'=HYPERLINK(\"http://evil.example\")"


def test_the_csv_export_is_itself_recorded_once_with_its_filters(login_as, admin):
    add_entry(admin, "user.blocked")
    response = login_as(admin).get("/moderation/log.csv?action=user.blocked")
    rows = read_csv(response)
    assert [row[4] for row in rows[1:]] == ["user.blocked"]
    exports = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.exported")).all()
    assert len(exports) == 1
    assert exports[0].actor_id == admin.id and exports[0].reason == "action=user.blocked"


@pytest.mark.parametrize("role", ["participant", "moderator", "staff"])
def test_only_admins_download_the_log(login_as, role):
    user = make_user(role=role)
    assert login_as(user).get("/moderation/log.csv").status_code == 403
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_csv_with_bad_filters_goes_back_to_the_page(login_as, admin):
    response = login_as(admin).get("/moderation/log.csv?date_from=2025-05-09&date_to=2025-05-01")
    assert response.status_code == 302 and "/moderation/log?" in response.headers["Location"]
