"""Every UI string of the source has an Italian translation, and the pages speak it.

Italian is the site's default language: an English msgid without Italian would show
English to most visitors, so a string added without a translation fails here.
"""
from __future__ import annotations

import ast
import os
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from consult.extensions import db
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
ITALIAN_PO = ROOT / "translations" / "it" / "LC_MESSAGES" / "messages.po"
# The same keywords as `make extract-messages`, on top of babel's defaults
# (_, gettext, ngettext, pgettext, ...).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
SOURCE_DIRS = {"consult", "templates"}  # babel.cfg looks only there; skip node_modules & co.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _in_sources(path: str) -> bool:
    top = os.path.relpath(path, ROOT).split(os.sep)[0]
    return top == "." or (top in SOURCE_DIRS and not os.path.basename(path).startswith((".", "_")))


@cache
def _source_msgids() -> dict[tuple[str, str | None], str]:
    """(msgid (the singular for plurals), context) → where it is first used."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    found: dict[tuple[str, str | None], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS,
            directory_filter=_in_sources):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def italian():
    with open(ITALIAN_PO, "rb") as po:
        return read_po(po, locale="it")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(s and s.strip() for s in strings)


def test_every_source_string_has_an_italian_translation(italian):
    source = _source_msgids()
    assert len(source) > 100, "extraction found almost nothing: check babel.cfg"
    missing = [f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
               for (msgid, context), where in sorted(source.items(), key=lambda i: i[1])
               if (m := italian.get(msgid, context)) is None or not _translated(m)]
    assert not missing, (f"{len(missing)} strings lack an Italian translation; run "
                         "`make extract-messages` and translate them in "
                         "translations/it/LC_MESSAGES/messages.po:\n" + "\n".join(missing))


def test_email_templates_are_extracted():
    source = _source_msgids()
    assert any(where.startswith("templates") and ".txt:" in where for where in source.values())


def test_italian_translations_keep_the_placeholders(italian):
    wrong = []
    for message in italian:
        if not message.id or not _translated(message):
            continue
        if isinstance(message.id, tuple):
            # Each plural form may drop %(num)s ("Il passaggio"), but nothing else.
            expected = set(PLACEHOLDER.findall(" ".join(message.id))) - {"%(num)s"}
            for form in message.string:
                if set(PLACEHOLDER.findall(form)) - {"%(num)s"} != expected:
                    wrong.append(f"{message.id[0]!r} → {form!r}")
        elif set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string)):
            wrong.append(f"{message.id!r} → {message.string!r}")
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong)


def test_italian_plurals_have_both_forms(italian):
    incomplete = [m.id[0] for m in italian
                  if m.id and isinstance(m.id, tuple) and len(m.string) != 2]
    assert not incomplete


def test_pages_speak_italian_by_default_and_english_on_request(client):
    italian_page = client.get("/").get_data(as_text=True)
    assert ">Accedi<" in italian_page
    assert ">Log in<" not in italian_page

    client.set_cookie("lang", "en")
    english_page = client.get("/").get_data(as_text=True)
    assert ">Log in<" in english_page
    assert ">Accedi<" not in english_page


def test_the_current_language_is_named_in_one_sentence_in_each_language(client):
    assert ('<span class="consult-lang-current" aria-current="true"><abbr title="Italiano" lang="it">'
            'IT</abbr><span class="visually-hidden"> (lingua attuale)</span></span>'
            in client.get("/").get_data(as_text=True))
    client.set_cookie("lang", "en")
    assert ('<span class="consult-lang-current" aria-current="true"><abbr title="English" lang="en">'
            'EN</abbr><span class="visually-hidden"> (current language)</span></span>'
            in client.get("/").get_data(as_text=True))


def test_a_reported_items_count_and_last_date_are_one_sentence_in_each_language(login_as,
                                                                                 moderator):
    from consult.moderation import services as moderation
    from tests.moderation.factories import make_comment, make_proposal

    comment = make_comment(make_proposal(), make_user(), "Buy now!")
    for _n in range(2):
        moderation.report(make_user(), comment, reason="spam")
    db.session.commit()
    client = login_as(moderator)
    for language, line in [("it", r"2 segnalazioni aperte · l'ultima (?:il |l')\d"),
                           ("en", r"2 open reports · last on \w")]:
        client.set_cookie("lang", language)
        html = client.get("/moderation/").get_data(as_text=True)
        assert re.search(rf'<p class="small">{line}', html), language


# A visible word and a visually hidden rest, each its own msgid ("Reply" + "to %(name)s"):
# translators cannot order the sentence. One msgid holds both, the hidden part as markup.
SPLIT_AROUND_HIDDEN = re.compile(
    r'\}\}\s*<span class="visually-hidden">[^<{]*\{\{-?\s*(?:_|gettext|ngettext)\(')
TAG = re.compile(r"<[^>]*>")
OPENING_AND_CLOSING = {"(": ")", "[": "]", "“": "”"}


def _templates() -> list[Path]:
    """The HTML pages and the Atom feeds (the e-mail templates are plain text)."""
    return sorted(path for path in (ROOT / "templates").rglob("*")
                  if path.suffix in {".html", ".xml"})


def test_no_sentence_is_split_around_a_visually_hidden_part():
    split = []
    for path in _templates():
        source = path.read_text(encoding="utf-8")
        split += [f"{path.relative_to(ROOT)}:{source.count(chr(10), 0, match.start()) + 1}"
                  for match in SPLIT_AROUND_HIDDEN.finditer(source)]
    assert not split, "Make each one msgid with the hidden part inside:\n" + "\n".join(split)


def test_no_msgid_leaves_a_bracket_open():
    fragments = [f"{where}: {msgid!r}" for (msgid, _context), where in _source_msgids().items()
                 if any(msgid.count(o) != msgid.count(c) for o, c in OPENING_AND_CLOSING.items())]
    assert not fragments, "Sentence fragments:\n" + "\n".join(fragments)


@pytest.mark.parametrize("language", ["it", "en"])
def test_translations_keep_the_markup_and_its_place(language):
    """The tags of a msgid come back in its translation, in the same order; when the msgid
    starts with visible words, the translation does too: the accessible name of a control
    starts with its visible label (WCAG 2.5.3)."""
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po, locale=language)
    wrong = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or not TAG.search(ids[0]):
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in filter(None, forms):  # an empty English msgstr shows the msgid
            if (TAG.findall(form) != TAG.findall(ids[0])
                    or (not ids[0].startswith("<") and form.startswith("<"))):
                wrong.append(f"{ids[0]!r} → {form!r}")
    assert not wrong, "Markup differs:\n" + "\n".join(wrong)


# A sentence glued outside its msgid: "Source:" + a value, "Error" + the status, "E-mail" +
# ":" + the address, "Approve" + a visually hidden name, a value + "comments". Translators
# cannot order such a sentence, nor choose its punctuation: one msgid with placeholders.
GETTEXT_CALL = r"\{\{-?\s*(?:_|gettext|ngettext|pgettext|npgettext)\([^}]*\}\}"
# A shown value: a variable with optional filters and fallback ({{ status }},
# {{ current_user.email }}, {{ note or _("...") }}), not a macro call (a badge).
SHOWN_VALUE = r"\{\{-?\s*[\w.]+(?:\[[^\]]*\])?(?:\s*\|\s*\w+(?:\([^)]*\))?)*(?:\s+or\s[^}]*)?\s*-?\}\}"
INLINE_TAGS = r"(?:\s*<(?:a|strong|em|time|code)\b[^>]*>)*"
# A msgid that does not end its sentence: "Source:", "Error", not "… as the source."
UNFINISHED_MSGID = r"""\{\{-?\s*(?:_|gettext|pgettext)\((?:\s*"[^"]*",)?\s*("|')(?:(?!\1).)*(?<![.!?])\1[^}]*\}\}"""
CLOSING_TAGS = r"(?:\s*</(?:a|strong|em|time|code)>)*"
# What joins the pieces of a line into one sentence: "Amendment #3 by X, <date>",
# "Title – 3 comments", "2 reports · last on <date>" (a page title's " · " is two titles).
JOINER = r"[ \t]*[:,;–—]?"
# Between a value and the msgid after it: inline tags opening or closing, and the end of a
# badge or other span ("merged</span> <a>amendment #3</a>").
AROUND_TAGS = r"(?:\s*(?:</(?:a|strong|em|time|code|span)>|<(?:a|strong|em|time|code)\b[^>]*>))*"
# The start of a msgid ({{ _(" or {{ ngettext(" ...) up to its first character.
GETTEXT_START = r"""\{\{-?\s*(?:_|gettext|pgettext|ngettext|npgettext)\(\s*(?:"[^"]*",\s*)?["']"""
GLUED = {
    "a msgid followed by a shown value": re.compile(
        UNFINISHED_MSGID + CLOSING_TAGS + JOINER + INLINE_TAGS + r"\s*" + SHOWN_VALUE),
    "a translated control followed by a visually hidden value": re.compile(
        GETTEXT_CALL + r'\s*<span class="visually-hidden">[^<{]*\{\{'),
    "a shown value followed by a msgid that goes on its sentence": re.compile(
        r"(?:" + SHOWN_VALUE + "|" + GETTEXT_CALL + r"|\}\})" + AROUND_TAGS
        + r"(?:[ \t]*[,;:·–—]?" + AROUND_TAGS + r"\s*" + GETTEXT_START + r"[a-z]"
        + r"|[ \t]*[,;·–—]" + AROUND_TAGS + r"\s*" + GETTEXT_START + r"%\(num\))"),
    "a marker in brackets beside the sentence it qualifies": re.compile(
        r"[(\[]\s*\{\{-?\s*(?:_|gettext|pgettext|ngettext|npgettext)\("),
}
# {% if %} and {% endif %} leave the words around them in one sentence; the branches
# of {% elif %} and {% else %} are alternatives, never read one after the other.
CONDITION = re.compile(r"\{%-?\s*(?:if|endif)\b.*?%\}", re.S)
ALTERNATIVE = re.compile(r"\{%-?\s*(?:elif|else)\b.*?%\}", re.S)


def _glued(source: str) -> list[str]:
    source = ALTERNATIVE.sub("\0", CONDITION.sub("", source))
    return [f"{what}: {match.group(0)!r}"
            for what, pattern in GLUED.items() for match in pattern.finditer(source)]


def _found(paths, check) -> list[str]:
    """What `check` (a file's text → what it finds there) finds in each file, by file."""
    return [f"{path.relative_to(ROOT)}: {found}"
            for path in paths for found in check(path.read_text(encoding="utf-8"))]


def test_no_sentence_is_glued_from_a_msgid_and_a_value():
    glued = _found(_templates(), _glued)
    assert not glued, "Make each one msgid with named placeholders:\n" + "\n".join(glued)


# The same in Python: a translated string joined to words or to another translation
# (`_("Source:") + " " + name`, f"{_('Edited')} ({when})"). A wrapper of punctuation
# around a whole sentence ("*" + _("...") + "*", Markdown emphasis) is no join.
GETTEXT_FUNCTIONS = {"_", "_l", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext",
                     "lazy_ngettext", "lazy_pgettext"}


def _gettext_msgid(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name in GETTEXT_FUNCTIONS:
            first = node.args[1 if name.startswith(("pgettext", "npgettext", "lazy_pgettext"))
                              else 0] if node.args else None
            return first.value if isinstance(first, ast.Constant) else ""
    return None


def _added(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _added(node.left) + _added(node.right)
    return [node]


def _python_joins(source: str) -> list[str]:
    joins = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            pieces = _added(node)
        elif isinstance(node, ast.JoinedStr):
            pieces = [p.value if isinstance(p, ast.FormattedValue) else p for p in node.values]
        else:
            continue
        msgids = [m for m in map(_gettext_msgid, pieces) if m is not None]
        if not msgids:
            continue
        words = any(isinstance(p, ast.Constant) and re.search(r"\w", str(p.value)) for p in pieces)
        values = any(not isinstance(p, ast.Constant) and _gettext_msgid(p) is None for p in pieces)
        unfinished = any(not m.rstrip().endswith((".", "!", "?")) for m in msgids)
        if len(msgids) > 1 or words or (values and unfinished):
            joins.append(node.lineno)
    return [f"line {line}" for line in sorted(set(joins))]


def test_no_python_string_joins_a_translation_to_other_words():
    joined = _found(sorted((ROOT / "consult").rglob("*.py")), _python_joins)
    assert not joined, "Make each one msgid with named placeholders:\n" + "\n".join(joined)


@pytest.mark.parametrize(("check", "source"), [(_glued, source) for source in [
    '{{ n }} {{ _("comments") }}',
    '{{ _("By") }} {{ name }}',
    '{{ _("Published") }} <time datetime="{{ iso }}">{{ date|date }}</time>',
    '{{ _("Source:") }} <a href="{{ url }}">{{ title }}</a>',
    '{{ _("E-mail") }}: <strong>{{ email }}</strong>',
    '{{ _("Source:") }} {{ note or _("the Comune di Lecce.") }}',
    '{{ name }}{% if x %} {{ _("by") }}{% endif %}',
    '{{ _("Approve") }}<span class="visually-hidden"> {{ name }}</span>',
    '{{ name }}{% if e %} ({{ _("editor") }}){% endif %}',
    '<time>{{ when }}</time>{% if e %} <span>({{ _("edited") }})</span>{% endif %}',
    '<a href="{{ url }}">{{ _("Amendment #%(id)s by %(a)s", id=1, a=a) }}</a>, <time>{{ d|date }}</time>',
    '<rights>{{ _("CC BY 4.0") }} {{ license_url }}</rights>',
    '<a href="{{ url }}">{{ title }}</a> – {{ ngettext("%(num)s comment", "%(num)s comments", n) }}',
    '{{ ngettext("%(num)s report", "%(num)s reports", n) }} · {{ _("last on %(when)s", when=w) }}',
    '{{ demo_badge(x) }} – {{ _("published on %(date)s", date=d) }}',
    '{{ message }} <a href="{{ url }}">{{ _("amendment #%(id)s", id=1) }}</a>',
    '{{ ngettext("%(num)s vote", "%(num)s votes", n) }} · {{ _("published on %(date)s", date=d) }}',
    '{{ _("Process: %(t)s", t=t) }}{% if u %} · <strong>{{ _("not published") }}</strong>{% endif %}',
    '<a href="{{ url }}">{{ name }}</a>:\n    {% if p %}{{ _("request pending") }}{% endif %}',
]] + [(_python_joins, source) for source in [
    'x = _("Source:") + " " + name',
    'x = _("Amendment #%(id)s", id=1) + ", " + date',
    'x = f"{_(\'Edited\')} ({when})"',
    'x = name + " (" + _("editor") + ")"',
    'x = _("Votes") + _("comments")',
]])
def test_the_checks_find_a_sentence_in_pieces(check, source):
    assert check(source)


@pytest.mark.parametrize(("check", "source"), [(_glued, source) for source in [
    '{{ _("Collaborative drafts") }} · {{ process.title }}',  # a page title's parts
    '{{ _("Manage “%(title)s”", title=t) }} {{ demo_badge(document) }}',  # a badge
    '{% if a %}{{ _("request pending") }}{% elif b %}{{ _("request refused") }}{% endif %}',
    '{{ number }}{% if c %} <span class="badge">{{ _("current") }}</span>{% endif %}',
    '{{ _("%(name)s (editor)", name=name) }}',
    '{{ document.title }} · {{ _("Printable version") }}',  # a page title's parts
    '{{ _("Everything is public.") }} <a href="{{ url }}">{{ licence }}</a>',
    '<p>{{ _("Paragraph %(n)s:", n=1) }}</p>',
    '{{ _("Voting is open.") }} {{ ngettext("%(num)s vote so far.", "%(num)s votes so far.", n) }}',
    '{{ _("%(votes)s · %(comments)s", votes=ngettext("%(num)s vote", "%(num)s votes", n), comments=c) }}',
]] + [(_python_joins, source) for source in [
    'x = "*" + _("Revision %(n)s of %(date)s", n=1, date=d) + "*"',
    'x = body + "\\n\\n*" + _("Written together by %(names)s.", names=n) + "*"',
    'x = _("%(name)s (editor)", name=name)',
    'x = f"{title}: {heading}"',
]])
def test_the_checks_leave_whole_sentences_alone(check, source):
    assert not check(source)


# A control named by an aria-label (a link showing "History", read as "History of
# “Mobility”") keeps its name in a second msgid beside its visible word. The site names a
# control by its words with a visually hidden rest inside one msgid: one way, that one.
CONTROL_WITH_ARIA_LABEL = re.compile(r"<(?:a|button|summary|input|select|textarea)\b[^>]*\baria-label=")


def test_controls_are_named_by_their_words_with_a_visually_hidden_rest():
    named = _found(_templates(), lambda source: [
        f"line {source.count(chr(10), 0, match.start()) + 1}"
        for match in CONTROL_WITH_ARIA_LABEL.finditer(source)])
    assert not named, ("Put the name in the control, its rest in a visually hidden span "
                       "inside the msgid:\n" + "\n".join(named))
