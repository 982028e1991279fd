"""Verified identities: log in with SPID and CIE over OpenID Connect."""
from flask import Blueprint

bp = Blueprint("identity", __name__)


@bp.record_once
def _init_providers(state) -> None:
    from consult.identity.providers import init_app

    init_app(state.app)


@bp.record_once
def _template_globals(state) -> None:
    # Globals, not a context processor: the macros are imported without the page's context.
    from consult.identity.providers import configured
    from consult.identity.services import links_of

    state.app.add_template_global(configured, "identity_providers")
    state.app.add_template_global(links_of, "identity_links_of")


@bp.after_app_request
def _let_forms_reach_the_providers(response):
    """Linking (a form on the profile) and logging out (a form in the header) continue at the
    provider with a redirect, which the CSP's form-action must allow: add their origins."""
    from consult.identity.providers import form_origins

    policy = response.headers.get("Content-Security-Policy", "")
    origins = form_origins() if "form-action 'self'" in policy else []
    if origins:
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", " ".join(["form-action 'self'", *origins]), 1)
    return response


from consult.identity import views  # noqa: E402,F401  (routes attach to bp)
