"""Fixtures shared by the tests of processes, proposals, comments and votes."""
import pytest
from flask import g

from tests.proposals.factories import make_process, make_proposal


@pytest.fixture(autouse=True)
def _english(request):
    """The assertions read the English source strings: every request of these tests, the
    test's own (services) and the client's (pages), asks for English."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    if "client" in request.fixturenames:
        request.getfixturevalue("client").set_cookie("lang", "en")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        g.pop("_flask_babel", None)
        yield


@pytest.fixture
def process(app):
    return make_process(title="Lecce Smart City: the programmatic document")


@pytest.fixture
def proposal(app, process):
    return make_proposal(process, title="Cycle lanes to the university")
