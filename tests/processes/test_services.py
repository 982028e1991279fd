"""Process rules: create, validate dates, edit, change phase with an audit entry, timeline."""
from datetime import date

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.errors import InvalidInput, PermissionDenied
from consult.extensions import db
from consult.processes import services


def _create(staff, **fields):
    process = services.create_process(staff, **{"title": "Lecce Smart City", **fields})
    db.session.commit()
    return process


def test_create_process_with_slug_and_audit(staff):
    process = _create(staff, summary="**The** document", phase="consultation",
                      starts_on=date(2025, 1, 10), ends_on=date(2025, 6, 30))
    assert process.slug == "lecce-smart-city"
    assert process.phase == "consultation"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "process.created"))
    assert entry.actor_id == staff.id and entry.target_id == process.id


def test_slugs_stay_unique_and_avoid_the_new_page(staff):
    first, second = _create(staff), _create(staff)
    assert (first.slug, second.slug) == ("lecce-smart-city", "lecce-smart-city-2")
    assert _create(staff, title="New").slug == "new-process"


def test_end_before_start_refused(staff):
    with pytest.raises(InvalidInput) as error:
        services.create_process(staff, title="Dates", starts_on=date(2025, 5, 1),
                                ends_on=date(2025, 4, 30))
    assert "ends_on" in error.value.fields


@pytest.mark.parametrize("fields, field", [
    ({"title": "ab"}, "title"), ({"title": "x" * 201}, "title"), ({"phase": "dreaming"}, "phase"),
])
def test_bad_values_refused(staff, fields, field):
    with pytest.raises(InvalidInput) as error:
        services.create_process(staff, **{"title": "Fine title", **fields})
    assert field in error.value.fields


def test_participants_and_moderators_cannot_manage(participant, moderator, staff):
    for user in (participant, moderator):
        with pytest.raises(PermissionDenied):
            services.create_process(user, title="Nope")
    process = _create(staff)
    with pytest.raises(PermissionDenied):
        services.change_phase(moderator, process, "voting")


def test_update_process_keeps_slug(staff):
    process = _create(staff)
    services.update_process(staff, process, title="Renamed", summary="New", starts_on=None,
                            ends_on=None)
    db.session.commit()
    assert (process.title, process.slug) == ("Renamed", "lecce-smart-city")


def test_change_phase_writes_audit_and_timeline(staff):
    process = _create(staff, phase="information")
    services.change_phase(staff, process, "voting")
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "process.phase_changed"))
    assert entry.reason == "information → voting"
    steps = services.timeline(process)
    assert [s.state for s in steps] == ["done", "skipped", "skipped", "current", "next"]
    assert steps[3].started_at is not None and steps[4].started_at is None
    assert steps[0].started_at is not None and steps[1].started_at is None


def test_same_phase_is_no_change(staff):
    process = _create(staff, phase="consultation")
    services.change_phase(staff, process, "consultation")
    db.session.commit()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "process.phase_changed")) is None


def test_unknown_phase_refused(staff):
    process = _create(staff)
    with pytest.raises(InvalidInput):
        services.change_phase(staff, process, "finished")
