import pytest

from consult import create_app
from consult.extensions import db, limiter
from tests.conftest import build_app


@pytest.fixture
def make_app(app):
    """Build another app on the test database with other settings (CSRF, rate limits, production)."""
    built = []

    def _make(config_name: str = "testing", **overrides):
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        if config_name == "testing":
            other = build_app(url, **overrides)
        else:
            other = create_app(config_name, {"SQLALCHEMY_DATABASE_URI": url, "MAIL_OUTBOX": [],
                                             "SECRET_KEY": "a production-like secret",
                                             "RATELIMIT_ENABLED": False, **overrides})
        built.append(other)
        if limiter.enabled:
            limiter.reset()
        return other

    yield _make
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    # One limiter serves every app and follows the last one initialised: give it back.
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
