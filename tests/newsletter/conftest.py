import pytest


@pytest.fixture
def client(app):
    """A browser that chose English, so assertions read the messages as written in the code."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""
