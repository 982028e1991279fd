"""`flask --app consult demo load`: the city profile, the partners and demo content."""
from consult.demo.cli import register_cli  # noqa: F401
