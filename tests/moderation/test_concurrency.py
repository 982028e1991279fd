"""Reports arriving at the same moment (SQLite and PostgreSQL): every reporter counted once,
the item hidden exactly once at the threshold, the later reporters told it is hidden."""
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.audit.models import AuditEntry
from consult.comments.models import Comment
from consult.errors import PermissionDenied
from consult.extensions import db
from consult.moderation import services
from consult.moderation.models import Report
from consult import tasks
from tests.factories import make_user
from tests.proposals.threads import THREADS, run_threads


def test_simultaneous_reports_hide_the_comment_once_at_the_threshold(app, comment, monkeypatch):
    # E-mail to the moderators is tested with notifications; here the queued mail pass
    # would take a second connection in each committing thread.
    monkeypatch.setattr(tasks, "send_notification_mail", lambda: None)
    reporter_ids = [make_user(display_name=f"Reporter {n}").id for n in range(THREADS)]
    comment_id = comment.id
    db.session.commit()

    def report(index):  # in a request: the notifications link to the queue
        with app.test_request_context(method="POST", headers={"Cookie": "lang=en"}):
            reporter = db.session.get(User, reporter_ids[index])
            services.report(reporter, db.session.get(Comment, comment_id), reason="spam")
            db.session.commit()

    errors = run_threads(app, report)
    threshold = app.config["CONSULT_REPORTS_TO_HIDE"]
    assert len(errors) == THREADS - threshold
    assert all(isinstance(error, PermissionDenied) and "already hidden" in error.message
               for error in errors), errors
    db.session.rollback()  # end the snapshot: read what the threads committed
    assert db.session.scalar(select(func.count(Report.id))) == threshold
    assert db.session.get(Comment, comment_id).hidden_reason == services.PENDING_REVIEW
    assert list(db.session.scalars(select(AuditEntry.action))) == ["comment.auto_hidden"]
