from tests.proposals.fixtures import process, proposal  # noqa: F401
