"""The newsletter: people subscribe with an e-mail address (double opt-in) or from their
profile; staff send a published news item to the confirmed subscribers, in batches through
the task queue; every message has a one-click unsubscribe (RFC 8058)."""
from flask import Blueprint

bp = Blueprint("newsletter", __name__)


@bp.record_once
def _template_globals(state) -> None:
    # A global, not a context processor: the profile's macro is imported without the context.
    from consult.newsletter.services import CONSENT, subscription_of

    state.app.add_template_global(subscription_of, "newsletter_subscription_of")
    state.app.add_template_global(lambda: str(CONSENT), "newsletter_consent")


from consult.newsletter import views  # noqa: E402,F401  (routes attach to bp)
