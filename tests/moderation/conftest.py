import pytest

from tests.factories import make_user
from tests.moderation.factories import make_comment, make_proposal


@pytest.fixture
def client(app):
    """A browser that chose English, so assertions read the messages as written in the code."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def author(app):
    return make_user(email="author@example.org", display_name="Rita Author")


@pytest.fixture
def proposal(app):
    return make_proposal()


@pytest.fixture
def comment(proposal, author):
    return make_comment(proposal, author, "Buses should be *free* for students.")


@pytest.fixture
def reporters(app):
    return [make_user(display_name=f"Reporter {n}") for n in range(1, 5)]


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""
