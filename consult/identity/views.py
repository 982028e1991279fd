"""Log in with SPID or CIE, complete the first login, link and unlink from the profile.

The flow is OpenID Connect's authorization code flow with PKCE (S256), `state` and
`nonce`, run by Authlib: the state, nonce and code verifier wait in the session, are used
once, and the ID token's signature and claims (iss, aud, exp, iat, nonce) are checked.
Whatever goes wrong shows a page that says what happened, and creates no account.
"""
from __future__ import annotations

import logging
import time

import requests
from authlib.common.errors import AuthlibBaseError
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from joserfc.errors import JoseError

from consult.extensions import db, limiter
from consult.i18n import LANGUAGE_COOKIE
from consult.identity import bp, providers, services
from consult.identity.forms import CompleteAccountForm, IdentityActionForm
from consult.web import safe_next, service_call

log = logging.getLogger(__name__)

INTENT = "identity_intent"        # what the round trip to the provider is for
PENDING = "identity_pending"      # a first login waiting for consent and category
LOGGED_IN_WITH = "identity_provider"  # for logout: end the provider's session too
PENDING_MAX_AGE = 30 * 60          # seconds to complete a first login
LIMIT = "20 per minute; 100 per hour"


class FlowError(Exception):
    """A round trip that cannot go on: the page to show and its status."""

    def __init__(self, title: str, message: str, status: int = 400):
        super().__init__(message)
        self.title, self.message, self.status = title, message, status


def _provider_or_404(name: str) -> providers.Provider:
    provider = providers.get(name)
    if provider is None:
        abort(404)
    return provider


def _error_page(error: FlowError, provider: providers.Provider | None = None):
    return render_template("identity/error.html", title=error.title, message=error.message,
                           provider=provider), error.status


def _unreachable(provider: providers.Provider) -> FlowError:
    return FlowError(_("%(provider)s cannot be reached", provider=provider.label),
                     _("%(provider)s did not answer. Try again in a few minutes, or log in with "
                       "your password.", provider=provider.label), 502)


def _not_started_here() -> FlowError:
    return FlowError(_("This login is not valid"), _(
        "This answer from the provider does not belong to a login started here, or it has "
        "already been used. Start again from the login page."))


def _start(provider: providers.Provider, intent: dict):
    """Send the browser to the provider, with state, nonce and PKCE kept in the session."""
    session[INTENT] = {**intent, "provider": provider.name}
    try:
        return providers.client(provider).authorize_redirect(
            url_for("identity.callback", name=provider.name, _external=True))
    except (requests.RequestException, AuthlibBaseError, ValueError, RuntimeError) as error:
        log.warning("identity provider %s: discovery failed: %s", provider.name, type(error).__name__)
        session.pop(INTENT, None)
        return _error_page(_unreachable(provider), provider)


@bp.route("/account/identity/<name>/login")
@limiter.limit(LIMIT)
def login(name: str):
    provider = _provider_or_404(name)
    next_url = safe_next(request.args.get("next"), url_for("site.home"))
    if current_user.is_authenticated:
        return redirect(next_url)
    return _start(provider, {"action": "login", "next": next_url})


@bp.route("/account/identity/<name>/link", methods=["POST"])
@login_required
@limiter.limit(LIMIT)
def link(name: str):
    provider = _provider_or_404(name)
    if not IdentityActionForm().validate_on_submit():
        abort(400)
    return _start(provider, {"action": "link", "user_id": current_user.id})


@bp.route("/account/identity/<name>/callback")
@limiter.limit(LIMIT)
def callback(name: str):
    provider = _provider_or_404(name)
    intent = session.pop(INTENT, None)
    try:
        if not intent or intent.get("provider") != provider.name:
            raise _not_started_here()
        identity = services.identity_from_claims(provider, _verified_claims(provider))
        if intent["action"] == "link":
            return _finish_link(provider, identity, intent)
        return _finish_login(provider, identity, intent.get("next") or url_for("site.home"))
    except FlowError as error:
        return _error_page(error, provider)
    except services.IdentityError as error:
        db.session.rollback()
        return _error_page(FlowError(_("Your identity could not be used"), error.message), provider)


def _verified_claims(provider: providers.Provider) -> dict:
    """The ID token's validated claims, with the user info endpoint's claims of the same person."""
    client = providers.client(provider)
    if request.args.get("error"):
        # Authlib forgets the round trip's state too; a cancelled login leaves nothing behind.
        _forget_state(provider, request.args.get("state"))
        if request.args["error"] == "access_denied":
            raise FlowError(_("Login cancelled"), _(
                "You cancelled the login at %(provider)s. Nothing has been saved: you can try "
                "again or log in with your password.", provider=provider.label))
        raise FlowError(_("%(provider)s refused the login", provider=provider.label), _(
            "%(provider)s did not log you in. Nothing has been saved: try again.",
            provider=provider.label))
    try:
        token = client.authorize_access_token()
        if "userinfo" not in token:  # no ID token, or no nonce kept: nothing we can trust
            raise AuthlibBaseError("no validated ID token")
        claims = dict(token["userinfo"])
        if client.load_server_metadata().get("userinfo_endpoint"):
            extra = client.userinfo(token=token)
            if extra.get("sub") == claims["sub"]:
                claims = {**extra, **claims}
        return claims
    except requests.RequestException as error:
        log.warning("identity provider %s unreachable: %s", provider.name, type(error).__name__)
        raise _unreachable(provider) from None
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        # The state did not match, the code was refused (used twice, expired), or the ID
        # token's signature or claims are wrong. The reason goes to the log, never a claim.
        log.warning("identity provider %s: answer refused: %s %s", provider.name,
                    type(error).__name__, getattr(error, "error", ""))
        if getattr(error, "error", "") == "mismatching_state":
            raise _not_started_here() from None
        raise FlowError(_("Your identity could not be verified"), _(
            "The answer of %(provider)s could not be verified (it may have expired). Nothing "
            "has been saved: start again.", provider=provider.label), 502) from None


def _forget_state(provider: providers.Provider, state: str | None) -> None:
    session.pop(f"_state_{provider.name}_{state}", None)


def _finish_login(provider: providers.Provider, identity: services.Identity, next_url: str):
    user = services.account_for(identity)
    if user is not None:
        db.session.commit()
        _log_in(user, provider)
        flash(_("Welcome, %(name)s.", name=user.display_name), "success")
        return redirect(next_url)
    db.session.rollback()
    if services.email_in_use(identity):
        raise FlowError(_("You already have an account"), _(
            "An account with the e-mail address that %(provider)s sent already exists. Log in "
            "with its password, then link %(provider)s from your profile. No new account has "
            "been created.", provider=provider.label), 409)
    session[PENDING] = {**identity.as_dict(), "next": next_url, "at": time.time()}
    return redirect(url_for("identity.complete"))


def _finish_link(provider: providers.Provider, identity: services.Identity, intent: dict):
    if not current_user.is_authenticated or current_user.id != intent.get("user_id"):
        raise FlowError(_("This login is not valid"), _(
            "Log in with your password again, then link your identity from your profile."))
    with service_call() as call:
        services.link(current_user, identity)
    if call.ok:
        session[LOGGED_IN_WITH] = provider.name
        flash(_("Your account is linked to %(provider)s: it is now verified.",
                provider=provider.label), "success")
    return redirect(url_for("accounts.profile"))


def _log_in(user, provider: providers.Provider) -> None:
    session.clear()  # a fresh session at every login
    login_user(user)
    session[LOGGED_IN_WITH] = provider.name


def _pending() -> services.Identity | None:
    data = session.get(PENDING)
    if not data or time.time() - data.get("at", 0) > PENDING_MAX_AGE:
        return None
    fields = {key: data.get(key) for key in ("provider", "subject", "fiscal_hash", "name", "email")}
    return services.Identity(**fields) if providers.get(fields["provider"] or "") else None


@bp.route("/account/identity/complete", methods=["GET", "POST"])
@limiter.limit(LIMIT, exempt_when=lambda: request.method != "POST")
def complete():
    identity = _pending()
    if identity is None:
        session.pop(PENDING, None)
        return _error_page(FlowError(_("Start your login again"), _(
            "Your login through the identity provider has expired or was not started. Nothing "
            "has been saved: start again from the login page.")))
    provider = providers.get(identity.provider)
    form = CompleteAccountForm()
    if request.method == "GET":
        form.display_name.data = identity.name
    if form.validate_on_submit():
        with service_call(form) as call:
            user = services.create_account(identity, display_name=form.display_name.data,
                                           category=form.category.data,
                                           accept_terms=form.accept_terms.data,
                                           locale=request.cookies.get(LANGUAGE_COOKIE))
        if call.ok:
            next_url = session.get(PENDING, {}).get("next") or url_for("site.home")
            _log_in(user, provider)
            flash(_("Welcome, %(name)s: your verified account is ready.", name=user.display_name),
                  "success")
            return redirect(safe_next(next_url, url_for("site.home")))
    return render_template("identity/complete.html", form=form, identity=identity,
                           provider=provider)


@bp.route("/account/identity/<name>/unlink", methods=["POST"])
@login_required
def unlink(name: str):
    provider = _provider_or_404(name)
    form = IdentityActionForm()
    if form.validate_on_submit():
        with service_call() as call:
            services.unlink(current_user, provider.name)
        if call.ok:
            flash(_("%(provider)s is no longer linked to your account.", provider=provider.label),
                  "success")
    return redirect(url_for("accounts.profile"))


def end_session_url() -> str | None:
    """Where logout continues when the account logged in through a provider that has an
    end-session endpoint (RP-initiated logout), else None. Read before the session is cleared."""
    provider = providers.get(session.get(LOGGED_IN_WITH) or "")
    if provider is None:
        return None
    try:
        client = providers.client(provider)
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(
            post_logout_redirect_uri=url_for("site.home", _external=True),
            client_id=provider.client_id)["url"]
    except (requests.RequestException, AuthlibBaseError, ValueError, RuntimeError):
        return None  # the provider is down: the logout here still happens
