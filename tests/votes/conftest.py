from tests.proposals.fixtures import _english, process, proposal  # noqa: F401
