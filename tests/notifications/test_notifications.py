from consult.extensions import db
from consult.notifications import services
from consult.notifications.models import Notification
from tests.factories import make_user


def test_notify_stores_kind_and_words_it_when_shown(participant, staff):
    note = services.notify(participant, "amendment.rejected", actor=staff, url="/x",
                           section="Mobilità", reason="fuori tema")
    db.session.commit()
    assert services.message(note) == "Your amendment to “Mobilità” has been rejected: fuori tema"


def test_the_reported_hidden_notice_agrees_with_the_number_of_reports(app, moderator):
    from flask_babel import force_locale

    one, three = (services.notify(moderator, "moderation.reported_hidden", url="/q", count=n)
                  for n in (1, 3))
    db.session.commit()
    assert services.message(one) == "A contribution was hidden after 1 report and awaits review."
    assert services.message(three) == "A contribution was hidden after 3 reports and awaits review."
    with force_locale("it"):
        assert services.message(one) == ("Un contributo è stato nascosto dopo 1 segnalazione "
                                         "ed è in attesa di revisione.")
        assert services.message(three) == ("Un contributo è stato nascosto dopo 3 segnalazioni "
                                           "ed è in attesa di revisione.")
    one.params = {"count": "many"}  # a damaged row shows the kind, never an error
    assert services.message(one) == "moderation.reported_hidden"


def test_nobody_is_notified_of_their_own_action(participant):
    assert services.notify(participant, "moderation.restored", actor=participant) is None


def test_header_shows_unread_count_and_page_marks_read(login_as, participant, staff):
    services.notify(participant, "moderation.restored", actor=staff, url="/")
    db.session.commit()
    client = login_as(participant)
    page = client.get("/notifications").get_data(as_text=True)
    assert "1<span class=\"visually-hidden\">" in page.replace(" <span", "<span")
    note = db.session.scalars(db.select(Notification)).one()
    response = client.post(f"/notifications/{note.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.refresh(note)
    assert note.read_at is not None
    assert services.unread_count(participant) == 0


def test_the_unread_count_agrees_with_its_number_in_italian(login_as, participant, staff):
    services.notify(participant, "moderation.restored", actor=staff, url="/")
    db.session.commit()
    client = login_as(participant)
    client.set_cookie("lang", "it")
    assert '>1<span class="visually-hidden"> non letta</span>' in client.get("/").get_data(as_text=True)
    services.notify(participant, "moderation.restored", actor=staff, url="/")
    db.session.commit()
    assert '>2<span class="visually-hidden"> non lette</span>' in client.get("/").get_data(as_text=True)


def test_someone_elses_notification_is_not_found(login_as, participant, staff):
    other = make_user()
    note = services.notify(other, "moderation.restored", actor=staff)
    db.session.commit()
    client = login_as(participant)
    assert client.post(f"/notifications/{note.id}/open").status_code == 404
    db.session.refresh(note)
    assert note.read_at is None


def test_mark_all_read(login_as, participant, staff):
    for _ in range(3):
        services.notify(participant, "moderation.restored", actor=staff)
    db.session.commit()
    client = login_as(participant)
    client.post("/notifications/read")
    assert services.unread_count(participant) == 0


def test_notifications_page_needs_login(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_page_reads_the_count_with_the_account_and_a_post_counts_again(
        login_as, participant, staff, count_queries):
    for _ in range(2):
        services.notify(participant, "moderation.restored", actor=staff, url="/")
    db.session.commit()
    client = login_as(participant)
    client.get("/terms")
    with count_queries() as page:
        assert ">2<span" in client.get("/terms").get_data(as_text=True)
    # The account, its session and the count in one statement; no query of the count's own.
    reading = [statement for statement in page.statements if "notifications" in statement]
    assert len(reading) == 1 and reading[0].lstrip().startswith("SELECT users.id")
    client.post("/notifications/read")
    assert services.unread_count(participant) == 0
    assert "unread</span>" not in client.get("/terms").get_data(as_text=True)
