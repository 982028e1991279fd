"""Benchmark support: `flask --app consult bench generate|check|info|tokens` (see bench/)."""
from consult.bench.cli import register_cli  # noqa: F401
