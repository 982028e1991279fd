"""Home page, legal pages, language switch, favicon and web app manifest."""
from __future__ import annotations

from decimal import Decimal

from flask import current_app, jsonify, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user

from consult import ROOT
from consult.assets import static_url
from consult.dashboard import services as dashboard
from consult.extensions import db
from consult.i18n import LANGUAGE_COOKIE
from consult.site import bp
from consult.site.services import city_profile, partner_organizations
from consult.web import safe_next

@bp.route("/")
def home():
    profile = city_profile()
    partners = partner_organizations()
    stats = dashboard.city_stats()
    return render_template("site/home.html", profile=profile, partners=partners, stats=stats,
                           investment=Decimal(stats["investments_eur"]), locale=str(get_locale()))


@bp.route("/privacy")
def privacy():
    return render_template("site/privacy.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("site/accessibility.html")


@bp.route("/terms")
def terms():
    return render_template("site/terms.html")


@bp.route("/language/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """The visitor's language, kept in a cookie. Only a POST (a form with its CSRF token)
    also stores it in the logged-in account's profile: a link on another site can switch
    this browser's language, never change an account."""
    target = safe_next(request.values.get("next"), url_for("site.home"))
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
        if request.method == "POST" and current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
            db.session.commit()
    return response


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for it on every page, whatever the page's <link rel="icon"> says."""
    return send_from_directory(ROOT / "static" / "icons", "favicon.ico", max_age=7 * 24 * 3600)


@bp.route("/manifest.webmanifest")
def manifest():
    """What a phone needs to put the site on its home screen: name, colours, icons."""
    response = jsonify({
        "name": "Lecce Partecipa",
        "short_name": "Lecce Partecipa",
        "description": gettext("Lecce Partecipa: the participatory consultation platform of "
                               "the Smart City office of the Comune di Lecce"),
        "lang": str(get_locale()),
        "start_url": url_for("site.home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0066cc",
        "icons": [_icon("icon-192.png", "192x192", "image/png"),
                  _icon("icon-512.png", "512x512", "image/png"),
                  _icon("icon.svg", "any", "image/svg+xml")],
    })
    response.mimetype = "application/manifest+json"
    return response


def _icon(name: str, sizes: str, mimetype: str) -> dict:
    return {"src": static_url(f"icons/{name}"), "sizes": sizes, "type": mimetype}
