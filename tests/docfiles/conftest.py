# The document fixtures (process, document, editor, English messages) serve these tests too.
from tests.documents.conftest import _english, document, editor, process  # noqa: F401
