import pytest

from tests.search.factories import make_process


@pytest.fixture
def process(app):
    return make_process()
