import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """The assertions read the English source strings (the e-mail tests set each
    reader's language themselves)."""
