"""Following items and the notifications their followers receive, for each event."""
import pytest
from sqlalchemy import func, select

from consult.comments import services as comments
from consult.database import utcnow
from consult.documents import services as documents
from consult.drafts import services as drafts
from consult.extensions import db
from consult.follows import services
from consult.follows.models import Follow
from consult.notifications.models import Notification
from consult.plans import services as plans
from consult.processes import services as processes
from consult.proposals import services as proposals
from tests.factories import make_user
from tests.search.factories import make_draft, make_plan, make_process, make_proposal, make_section


@pytest.fixture
def process(app):
    return make_process()


@pytest.fixture
def proposal(process):
    return make_proposal(process, title="Piste ciclabili")


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _follow(user, target):
    services.follow(user, target)
    db.session.commit()


# --- following ---------------------------------------------------------------------------

def test_follow_twice_keeps_one_row(participant, proposal):
    assert services.follow(participant, proposal) is True
    assert services.follow(participant, proposal) is False
    db.session.commit()
    assert db.session.scalar(select(func.count(Follow.id))) == 1
    assert services.is_following(participant, "proposal", proposal.id)


def test_the_database_refuses_a_duplicate_follow(participant, proposal):
    from sqlalchemy.exc import IntegrityError

    db.session.add(Follow(user_id=participant.id, target_type="proposal", target_id=proposal.id))
    db.session.add(Follow(user_id=participant.id, target_type="proposal", target_id=proposal.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unconfirmed_accounts_cannot_follow(proposal):
    from consult.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.follow(make_user(confirmed=False), proposal)


def test_follow_and_unfollow_from_the_page(login_as, participant, proposal):
    client = login_as(participant)
    response = client.post(f"/follow/proposal/{proposal.id}", data={"next": f"/proposals/{proposal.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/proposals/{proposal.id}"
    assert services.is_following(participant, "proposal", proposal.id)
    response = client.post(f"/unfollow/proposal/{proposal.id}", data={"next": "//evil.example"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}"  # never off-site
    assert not services.is_following(participant, "proposal", proposal.id)


def test_follow_needs_login(client, proposal):
    response = client.post(f"/follow/proposal/{proposal.id}")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(Follow.id))) == 0


@pytest.mark.parametrize("path", ["/follow/users/1", "/follow/proposal/999999",
                                  "/follow/proposal/99999999999999999999", "/unfollow/users/1"])
def test_unknown_items_are_not_found(login_as, participant, proposal, path):
    assert login_as(participant).post(path).status_code == 404


def test_a_private_draft_cannot_be_followed_by_others(login_as, participant, process):
    draft = make_draft(process, make_user(), private=True)
    assert login_as(participant).post(f"/follow/draft/{draft.id}").status_code == 404
    assert not services.is_following(participant, "draft", draft.id)


def test_a_process_can_be_followed(login_as, participant, process):
    client = login_as(participant)
    client.post(f"/follow/process/{process.id}")
    assert services.is_following(participant, "process", process.id)


def test_what_i_follow_lists_items_with_unfollow(login_as, participant, process, proposal):
    _follow(participant, proposal)
    _follow(participant, process)
    page = login_as(participant).get("/following").get_data(as_text=True)
    assert "Piste ciclabili" in page and process.title in page
    assert f'action="/unfollow/proposal/{proposal.id}"' in page
    assert f'action="/unfollow/process/{process.id}"' in page


def test_what_i_follow_runs_a_fixed_number_of_queries(login_as, participant, process, count_queries):
    client = login_as(participant)

    def add(n):
        for i in range(n):
            target = make_proposal(process, title=f"P{i}") if i % 3 else make_plan(process, title=f"Plan {i}")
            services.follow(participant, target)
        db.session.commit()

    def measure():
        with count_queries() as counter:
            assert client.get("/following").status_code == 200
        return counter.count

    add(10)
    small = measure()
    add(190)
    assert measure() == small


def test_follow_button_shows_the_state(app, participant, proposal):
    from flask import render_template_string
    from flask_login import login_user

    template = '{% from "notifications/_follow.html" import follow_button %}{{ follow_button("proposal", id) }}'
    with app.test_request_context(f"/proposals/{proposal.id}"):
        login_user(participant)
        html = render_template_string(template, id=proposal.id)
        assert f'action="/follow/proposal/{proposal.id}"' in html and "csrf_token" in html
        _follow(participant, proposal)
        html = render_template_string(template, id=proposal.id)
        assert f'action="/unfollow/proposal/{proposal.id}"' in html


def test_follow_button_is_named_by_one_italian_sentence(app, participant, proposal):
    from flask import render_template_string
    from flask_babel import force_locale
    from flask_login import login_user

    with app.test_request_context(f"/proposals/{proposal.id}"), force_locale("it"):
        login_user(participant)
        html = render_template_string(
            '{% from "notifications/_follow.html" import follow_button %}{{ follow_button("proposal", id) }}',
            id=proposal.id)
    assert ('>Segui<span class="visually-hidden"> questo contenuto per ricevere notifiche su ciò '
            'che gli accade</span></button>') in html


def test_follow_button_invites_visitors_to_log_in(app, proposal):
    from flask import render_template_string

    with app.test_request_context(f"/proposals/{proposal.id}"):
        html = render_template_string(
            '{% from "notifications/_follow.html" import follow_button %}{{ follow_button("proposal", 1) }}')
    assert "/account/login" in html and "<form" not in html


# --- notifications for each event ------------------------------------------------------------

def test_new_comment_notifies_followers_but_not_its_author(participant, proposal):
    follower, author = make_user(), make_user()
    _follow(follower, proposal)
    _follow(author, proposal)
    comments.post_comment(author, proposal, body="Servono più rastrelliere.")
    db.session.commit()
    assert _kinds(follower) == ["follow.comment"]
    assert _kinds(author) == []


def test_commenters_follow_automatically(participant, proposal):
    comments.post_comment(participant, proposal, body="Sono d'accordo.")
    db.session.commit()
    assert services.is_following(participant, "proposal", proposal.id)


def test_a_reply_tells_the_parent_author_once(proposal):
    first, second = make_user(), make_user()
    parent = comments.post_comment(first, proposal, body="Idea.")
    db.session.commit()
    comments.post_comment(second, proposal, body="Risposta.", parent_id=parent.id)
    db.session.commit()
    assert _kinds(first) == ["follow.reply"]  # not also "follow.comment"
    note = db.session.scalars(select(Notification).where(Notification.user_id == first.id)).one()
    assert note.url == f"/comments/{parent.id + 1}"
    from consult.notifications.services import message
    assert second.display_name in message(note) and "Piste ciclabili" in message(note)


def test_replying_to_oneself_notifies_nobody(proposal):
    author = make_user()
    parent = comments.post_comment(author, proposal, body="Idea.")
    comments.post_comment(author, proposal, body="Aggiungo.", parent_id=parent.id)
    db.session.commit()
    assert _kinds(author) == []


def test_answer_and_status_change_notify_followers(staff, participant, proposal):
    _follow(participant, proposal)
    proposals.answer_proposal(staff, proposal, "La valuteremo nel piano 2026.")
    proposals.set_status(staff, proposal, "evaluating")
    db.session.commit()
    assert _kinds(participant) == ["follow.answer", "follow.status"]


def test_staff_following_their_own_change_is_not_notified(staff, proposal):
    _follow(staff, proposal)
    proposals.set_status(staff, proposal, "accepted")
    db.session.commit()
    assert _kinds(staff) == []


def test_new_proposal_and_phase_change_notify_process_followers(staff, participant, process):
    _follow(participant, process)
    proposals.publish_proposal(staff, process, title="Bus notturni", body="Dalle 23 alle 2.")
    processes.change_phase(staff, process, "voting")
    db.session.commit()
    assert _kinds(participant) == ["follow.new_proposal", "follow.phase"]


def test_new_revision_notifies_section_followers(staff, participant, process):
    section = make_section(process, heading="Mobilità", text="Autobus.")
    _follow(participant, section)
    documents.save_section_text(staff, section, "Autobus elettrici.", 1)
    db.session.commit()
    assert _kinds(participant) == ["follow.revision"]


def test_amendments_notify_section_followers_and_their_decision_the_amendment_followers(
        staff, participant, process):
    section = make_section(process, heading="Mobilità", text="Autobus.")
    watcher, fan = make_user(), make_user()
    _follow(watcher, section)
    amendment = documents.propose_amendment(participant, section, text="Autobus e tram.",
                                            rationale="Più capienza.")
    db.session.commit()
    assert services.is_following(participant, "amendment", amendment.id)  # its author follows it
    assert _kinds(watcher) == ["follow.amendment_proposed"]
    _follow(fan, amendment)
    documents.reject_amendment(staff, amendment, reason="Fuori tema.")
    db.session.commit()
    assert _kinds(fan) == ["follow.amendment_rejected"]
    assert _kinds(participant) == ["amendment.rejected"]  # the author: told once, directly


def test_plan_events_notify_followers(staff, participant, process):
    _follow(participant, process)
    plan = plans.create_plan(staff, process_id=process.id, title="Ciclovia", budget_eur="1000.00",
                             funding_source="eu")
    db.session.commit()
    _follow(participant, plan)
    plans.update_plan(staff, plan, status="in_progress")
    plans.add_update(staff, plan, happened_on="2025-03-01", body="Cantiere aperto.")
    db.session.commit()
    assert _kinds(participant) == ["follow.new_plan", "follow.status", "follow.plan_update"]


def test_draft_authors_and_coauthors_follow_and_hear_of_edits(participant, process):
    draft = drafts.start_draft(participant, process, title="Orti urbani", body="Testo.")
    db.session.commit()
    assert services.is_following(participant, "draft", draft.id)
    other = make_user()
    _follow(other, draft)
    drafts.save_draft(participant, draft, body="Testo nuovo.", base_revision_number=1)
    db.session.commit()
    assert _kinds(other) == ["follow.revision"]


def test_deleted_accounts_get_no_notifications(proposal):
    gone, author = make_user(), make_user()
    _follow(gone, proposal)
    gone.deleted_at = utcnow()
    db.session.commit()
    comments.post_comment(author, proposal, body="Ciao.")
    db.session.commit()
    assert _kinds(gone) == []


def test_fan_out_is_one_statement_however_many_followers(proposal, count_queries):
    followers = [make_user(commit=False) for _ in range(60)]
    db.session.commit()
    for user in followers:
        services.follow(user, proposal)
    db.session.commit()
    actor = make_user()
    with count_queries() as counter:
        services.notify_followers(proposal, "follow.status", actor=actor)
    inserts = [s for s in counter.statements if s.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS")]
    assert len(inserts) == 1 and counter.count <= 3
    db.session.commit()
    assert db.session.scalar(select(func.count(Notification.id))) == 60


def test_fan_out_says_how_many_it_notified_and_nobody_is_none(proposal, outbox):
    actor = make_user()
    assert services.notify_followers(proposal, "follow.status", actor=actor) == 0
    db.session.commit()  # nobody notified: no mail pass either
    follower = make_user()
    follower_id = follower.id
    services.follow(follower, proposal)
    assert services.notify_followers(proposal, "follow.status", actor=actor) == 1
    db.session.commit()
    assert db.session.scalars(select(Notification.user_id)).all() == [follower_id]


def test_notifications_page_words_follow_notifications(login_as, participant, proposal):
    _follow(participant, proposal)
    author = make_user(display_name="Giulia")
    comments.post_comment(author, proposal, body="Ottima idea.")
    db.session.commit()
    page = login_as(participant).get("/notifications").get_data(as_text=True)
    assert "Giulia commented on “Piste ciclabili”." in page


def test_followers_on_immediate_mail_get_an_email(participant, proposal, outbox):
    from consult.notifications import delivery

    delivery.set_email_mode(participant, "immediate")
    _follow(participant, proposal)
    comment = comments.post_comment(make_user(), proposal, body="Nuovo commento.")
    db.session.commit()
    assert [mail.to for mail in outbox] == [participant.email]
    assert f"/comments/{comment.id}" in outbox[0].body  # it leads to the comment's thread page


def test_item_pages_carry_the_follow_button(login_as, participant, process, proposal):
    plan = make_plan(process, title="Ciclovia")
    section = make_section(process, heading="Mobilità", text="Autobus.")
    draft = drafts.start_draft(participant, process, title="Orti", body="Testo.")
    amendment = documents.propose_amendment(participant, section, text="Tram.", rationale="Sì.")
    db.session.commit()
    client = login_as(make_user())
    for kind, obj, path in [("proposal", proposal, f"/proposals/{proposal.id}"),
                            ("process", process, f"/processes/{process.slug}"),
                            ("plan", plan, f"/plans/{plan.id}"),
                            ("section", section, f"/sections/{section.id}"),
                            ("amendment", amendment, f"/amendments/{amendment.id}"),
                            ("draft", draft, f"/drafts/{draft.id}")]:
        page = client.get(path).get_data(as_text=True)
        assert f'action="/follow/{kind}/{obj.id}"' in page, path
