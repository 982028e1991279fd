import pytest

from consult.drafts import services
from consult.extensions import db
from tests.documents.factories import make_process
from tests.factories import make_user

BODY = ("A shuttle from the car parks to the historic centre.\n\n"
        "Electric minibuses every fifteen minutes.\n\n"
        "Tickets integrated with the city buses.")


@pytest.fixture
def process(app):
    return make_process(phase="co-drafting")


@pytest.fixture
def author(app):
    return make_user(display_name="Anna", category="citizen")


@pytest.fixture
def coauthor(app):
    return make_user(display_name="Bruno", category="business")


def start(process, author, *, private: bool = False, body: str = BODY):
    draft = services.start_draft(author, process, title="Navetta per il centro", body=body,
                                 is_private=private)
    db.session.commit()
    return draft


def add_coauthor(draft, author, user):
    request = services.request_coauthorship(user, draft, "I can help.")
    services.decide_coauthorship(author, request, accept=True)
    db.session.commit()
    return request


@pytest.fixture
def draft(process, author):
    return start(process, author)


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""
