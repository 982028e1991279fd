import pytest

from tests.documents.factories import make_document, make_process
from tests.factories import make_partner_editor


@pytest.fixture
def process(app):
    return make_process()


@pytest.fixture
def document(app, process, staff):
    return make_document(process, staff=staff)


@pytest.fixture
def editor(app):
    """An approved editor of a partner organisation."""
    return make_partner_editor(display_name="Ricercatrice UniSalento")


@pytest.fixture(autouse=True)
def _english(english):
    """Assertions read the English source strings."""
