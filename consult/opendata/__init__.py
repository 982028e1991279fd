"""Open data: CSV and JSON downloads (CC BY 4.0), a DCAT-AP_IT catalogue, Atom feeds."""
from flask import Blueprint

bp = Blueprint("opendata", __name__)

from consult.opendata import views  # noqa: E402,F401  (routes attach to bp)
