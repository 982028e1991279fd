from tests.follows.conftest import _english  # noqa: F401  (the UI is translated; tests read English)
