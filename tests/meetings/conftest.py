import pytest

from tests.factories import make_organization, make_membership, make_user
from tests.proposals.fixtures import _english, process  # noqa: F401


@pytest.fixture
def editor(app):
    """An approved editor of a partner organisation."""
    user = make_user(email="editor@example.org", category="academia")
    make_membership(user, make_organization(name="Università del Salento", is_partner=True), role="editor")
    return user
