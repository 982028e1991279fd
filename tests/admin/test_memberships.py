"""Staff decide membership requests and make members editors; every decision is audited."""
from __future__ import annotations

from sqlalchemy import select

from consult import permissions
from consult.accounts.models import Membership
from consult.audit.models import AuditEntry
from consult.extensions import db
from tests.accounts.pages import check_page_structure
from tests.factories import make_membership, make_organization, make_user


def audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def decide(client, membership, decision, role="member"):
    return client.post(f"/admin/memberships/{membership.id}/decision",
                       data={"decision": decision, "role": role})


def reload(membership) -> Membership:
    db.session.expire_all()
    return db.session.get(Membership, membership.id)


def pending_request(**user_fields):
    user = make_user(**user_fields)
    return make_membership(user, make_organization(is_partner=True), status="pending")


def test_the_queue_lists_pending_requests_and_members(client, staff, login_as):
    waiting = pending_request(display_name="Waiting Person")
    make_membership(make_user(display_name="Approved Person"), make_organization(name="CETMA"))
    login_as(staff)
    page = check_page_structure(client.get("/admin/memberships").get_data(as_text=True))
    assert "Waiting Person" in page.html and "Approved Person" in page.html
    assert f'action="/admin/memberships/{waiting.id}/decision"' in page.html


def test_staff_approve_a_request_as_editor(client, staff, login_as):
    membership = pending_request()
    login_as(staff)
    response = decide(client, membership, "approve", role="editor")
    assert response.status_code == 302
    membership = reload(membership)
    assert (membership.status, membership.role, membership.decided_by_id) == ("approved", "editor", staff.id)
    assert membership.decided_at is not None
    assert permissions.is_partner_editor(membership.user)
    [entry] = audit("membership.approved")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (staff.id, "membership", membership.id)
    assert "Request approved." in client.get("/admin/memberships").get_data(as_text=True)


def test_staff_refuse_a_request(client, staff, login_as):
    membership = pending_request()
    login_as(staff)
    decide(client, membership, "refuse", role="editor")
    membership = reload(membership)
    assert (membership.status, membership.role) == ("refused", "member")
    assert len(audit("membership.refused")) == 1
    assert not permissions.is_partner_editor(membership.user)


def test_a_decided_request_cannot_be_decided_again(client, staff, login_as):
    membership = pending_request()
    login_as(staff)
    decide(client, membership, "refuse")
    decide(client, membership, "approve")
    assert reload(membership).status == "refused"
    assert audit("membership.approved") == []
    assert "already been decided" in client.get("/admin/memberships").get_data(as_text=True)


def test_an_unknown_decision_changes_nothing(client, staff, login_as):
    membership = pending_request()
    login_as(staff)
    for decision in ("", "maybe"):
        decide(client, membership, decision)
    client.post(f"/admin/memberships/{membership.id}/decision", data={"role": "member"})
    assert reload(membership).status == "pending"
    assert "Choose to approve or to refuse" in client.get("/admin/memberships").get_data(as_text=True)


def test_an_unknown_role_changes_nothing(client, staff, login_as):
    membership = pending_request()
    login_as(staff)
    decide(client, membership, "approve", role="owner")
    assert reload(membership).status == "pending"
    assert "Choose a valid role." in client.get("/admin/memberships").get_data(as_text=True)


def test_staff_make_a_member_an_editor_and_back(client, staff, login_as):
    membership = make_membership(make_user(), make_organization(is_partner=True), role="member")
    login_as(staff)
    client.post(f"/admin/memberships/{membership.id}/role", data={"role": "editor"})
    assert reload(membership).role == "editor"
    client.post(f"/admin/memberships/{membership.id}/role", data={"role": "member"})
    assert reload(membership).role == "member"
    entries = audit("membership.role_changed")
    assert [e.reason for e in entries] == ["member → editor", "editor → member"]
    assert {e.actor_id for e in entries} == {staff.id}


def test_saving_the_same_role_writes_no_audit_entry(client, staff, login_as):
    membership = make_membership(make_user(), make_organization(), role="editor")
    login_as(staff)
    client.post(f"/admin/memberships/{membership.id}/role", data={"role": "editor"})
    assert audit("membership.role_changed") == []


def test_a_pending_request_cannot_be_given_a_role(client, staff, login_as):
    membership = pending_request()
    login_as(staff)
    client.post(f"/admin/memberships/{membership.id}/role", data={"role": "editor"})
    assert (reload(membership).status, reload(membership).role) == ("pending", "member")
    assert "Only approved members" in client.get("/admin/memberships").get_data(as_text=True)


def test_unknown_memberships_answer_404(client, staff, login_as):
    login_as(staff)
    for path in ("/admin/memberships/99999999999999999999/decision", "/admin/memberships/4242/role"):
        assert client.post(path, data={"decision": "approve", "role": "member"}).status_code == 404


def test_a_moderator_cannot_decide(client, moderator, login_as):
    membership = pending_request()
    login_as(moderator)
    assert decide(client, membership, "approve").status_code == 403
    assert reload(membership).status == "pending"
    assert audit("membership.approved") == []


def test_the_queue_runs_the_same_number_of_queries_for_10_and_200_requests(
        client, staff, login_as, count_queries):
    login_as(staff)

    def fill(total: int) -> None:
        organization = make_organization()
        while db.session.query(Membership).count() < total:
            make_membership(make_user(), organization, status="pending")
            make_membership(make_user(), organization)

    fill(10)
    with count_queries() as small:
        client.get("/admin/memberships")
    fill(200)
    with count_queries() as large:
        client.get("/admin/memberships")
    assert small.count == large.count
