"""Participatory processes: phases, timeline, and the proposals they hold."""
from flask import Blueprint

bp = Blueprint("processes", __name__)

from consult.processes import views  # noqa: E402,F401  (routes attach to bp)
