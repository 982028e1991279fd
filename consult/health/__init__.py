"""`/healthz`: is this instance able to serve (for load balancers and monitoring)."""
from flask import Blueprint

bp = Blueprint("health", __name__)

from consult.health import views  # noqa: E402,F401
