"""The demo gives the moderators' queue one reported comment, below the hiding threshold."""
from sqlalchemy import select

from consult.demo.loader import load_demo
from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import Report
from tests.factories import make_user


def test_demo_queue_has_one_reported_comment_marked_demo(app, login_as):
    load_demo()
    db.session.commit()
    reports = db.session.scalars(select(Report)).all()
    assert len(reports) == 2 and all(r.is_demo for r in reports)
    [item] = services.queue(make_user(role="moderator")).items
    assert item.obj.is_demo and item.obj.hidden_at is None
    assert item.by_reason == {"spam": 1, "off_topic": 1}
