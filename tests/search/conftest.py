import pytest

from tests.follows.conftest import _english  # noqa: F401  (the UI is translated; tests read English)
from tests.search.factories import make_process


@pytest.fixture
def process(app):
    return make_process()
