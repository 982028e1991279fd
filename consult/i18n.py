"""Language choice (Italian by default, English on request; the choice is remembered) and
the templates' gettext, which elides Italian articles before numbers read with a vowel."""
from __future__ import annotations

import re
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import flask_babel
from flask import current_app, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work speak the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# --- Flask-Babel's per-request state, reached without its proxies -------------------------

def _babel_context() -> SimpleNamespace | None:
    """What flask_babel._get_current_context answers (its namespace in `g`, None outside an
    application context), without going through the `g` proxy three times. Flask-Babel
    calls it on every gettext, lazy string, date and number it formats (some 900 times
    for a list page), which made it a tenth of a page's time."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    values = app_context.g.__dict__
    namespace = values.get("_flask_babel")
    if namespace is None:
        namespace = values["_flask_babel"] = SimpleNamespace()
    return namespace


_domain_translations = flask_babel.Domain.get_translations


def _request_translations(domain: flask_babel.Domain):
    """Domain.get_translations, kept for the rest of the request: Flask-Babel looks its
    catalogue up again (by the locale's name) for every string. Kept per locale object,
    so force_locale() and refresh(), which set another one, get that locale's catalogue."""
    namespace = _babel_context()
    if namespace is None:
        return _domain_translations(domain)
    locale = get_locale()
    kept = namespace.__dict__.get("consult_translations")
    if kept is not None and kept[0] is locale and kept[1] is domain:
        return kept[2]
    translations = _domain_translations(domain)
    namespace.consult_translations = (locale, domain, translations)
    return translations


def speed_up_flask_babel() -> None:
    """Install the two shortcuts above (Flask-Babel 4's own functions call them)."""
    flask_babel._get_current_context = _babel_context
    flask_babel.Domain.get_translations = _request_translations


# --- Italian elision before numbers read with a vowel -------------------------------------

# The article or articled preposition before a number, and its elided form: Italian says
# "l'8", "dall'11", "all'8", "dell'11" (otto, ottanta, ottomila…, undici start with a vowel).
ELISIONS = {"it": {"il": "l'", "dal": "dall'", "al": "all'", "del": "dell'", "nel": "nell'",
                   "sul": "sull'"}}
_ARTICLE_BEFORE_PLACEHOLDER = {
    language: re.compile(rf"\b({'|'.join(articles)})[ \u00a0]+(%\((\w+)\)s)", re.IGNORECASE)
    for language, articles in ELISIONS.items()}
_READ_WITH_A_VOWEL = re.compile(r"\s*(?:<[^>]*>\s*)*(?:8|11(?!\d))")  # 8, 80, 8.000; 11 (not 110)


def elide_articles(translated: str, variables: Mapping[str, Any]) -> str:
    """The translated sentence with the article before a placeholder elided where the
    language wants it for that placeholder's value. In Italian, "dal %(start)s" with start
    "11 set 2025" becomes "dall'%(start)s", "il %(date)s" with "8 ott 2025" "l'%(date)s".
    A value may be markup (a <time> element): its text counts. Other languages, and other
    values, leave the sentence as it is: msgids and translations stay whole sentences."""
    locale = get_locale()
    pattern = _ARTICLE_BEFORE_PLACEHOLDER.get(locale.language) if locale is not None else None
    if pattern is None or not variables:
        return translated
    elided = ELISIONS[locale.language]

    def elide(match: re.Match) -> str:
        article, placeholder, name = match.groups()
        if name not in variables or not _READ_WITH_A_VOWEL.match(str(variables[name])):
            return match.group(0)
        form = elided[article.lower()]
        return (form[0].upper() + form[1:] if article[0].isupper() else form) + placeholder

    return pattern.sub(elide, translated)


def _formatted(context, translated: str, variables: dict[str, Any]) -> str:
    """What Jinja's "newstyle" gettext does (escape under autoescape, always format), with
    the articles elided first. The callables below take their own arguments positionally
    only, so that a template may pass num= or context= among the values, as with Jinja's."""
    translated = elide_articles(translated, variables)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


@pass_context
def _gettext(context, string: str, /, **variables) -> str:
    translated = get_translations().ugettext(string)
    if not variables and "%" not in translated:  # nothing to elide or format: most strings
        return Markup(translated) if context.eval_ctx.autoescape else translated
    return _formatted(context, translated, variables)


@pass_context
def _ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return _formatted(context, get_translations().ungettext(singular, plural, num), variables)


@pass_context
def _pgettext(context, string_context: str, string: str, /, **variables) -> str:
    variables.setdefault("context", string_context)
    return _formatted(context, get_translations().upgettext(string_context, string), variables)


@pass_context
def _npgettext(context, string_context: str, singular: str, plural: str, num: int, /,
               **variables) -> str:
    variables.setdefault("context", string_context)
    variables.setdefault("num", num)
    return _formatted(context, get_translations().unpgettext(string_context, singular, plural, num),
                      variables)


def install_template_gettext(environment) -> None:
    """Templates' _(), gettext(), ngettext(), pgettext() and npgettext(): Flask-Babel's
    translations formatted like Jinja's newstyle gettext, with elide_articles()."""
    environment.globals.update(gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext,
                               npgettext=_npgettext)
