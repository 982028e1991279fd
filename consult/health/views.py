from flask import jsonify

from consult.extensions import limiter
from consult.health import bp
from consult.health.services import health


@bp.route("/healthz")
@limiter.exempt
def healthz():
    healthy, body = health()
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
