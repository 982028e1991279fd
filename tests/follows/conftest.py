import pytest
from flask import g


@pytest.fixture(autouse=True)
def _english(request):
    """The assertions read the English source strings: the test's own requests (services)
    and the client's (pages) ask for English; the e-mail tests set each reader's language."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    if "client" in request.fixturenames:
        request.getfixturevalue("client").set_cookie("lang", "en")
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        g.pop("_flask_babel", None)
        yield
