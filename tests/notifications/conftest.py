import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""
