"""Language choice (Italian by default, English on request; the choice is remembered) and
the templates' gettext, which elides Italian articles before numbers read with a vowel."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, request
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
    return _formatted(context, get_translations().ugettext(string), variables)


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
