"""The report back (restituzione) of each participatory process."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from consult.reports import views  # noqa: E402,F401
