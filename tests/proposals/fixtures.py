"""Fixtures shared by the tests of processes, proposals, comments and votes."""
import pytest

from tests.proposals.factories import make_process, make_proposal


@pytest.fixture
def process(app):
    return make_process(title="Lecce Smart City: the programmatic document")


@pytest.fixture
def proposal(app, process):
    return make_proposal(process, title="Cycle lanes to the university")
