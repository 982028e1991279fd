"""Verified identities: log in with SPID and CIE over OpenID Connect."""
from flask import Blueprint

bp = Blueprint("identity", __name__)


@bp.record_once
def _init_providers(state) -> None:
    from consult.identity.providers import init_app

    init_app(state.app)


@bp.app_context_processor
def _identity_providers() -> dict:
    from consult.identity.providers import configured

    from consult.identity.services import links_of

    return {"identity_providers": configured, "identity_links_of": links_of}


from consult.identity import views  # noqa: E402,F401  (routes attach to bp)
