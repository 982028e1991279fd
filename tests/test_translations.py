"""Every UI string of the source has an Italian translation, and the pages speak it.

Italian is the site's default language: an English msgid without Italian would show
English to most visitors, so a string added without a translation fails here.
"""
from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

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


# A visible word and a visually hidden rest, each its own msgid ("Reply" + "to %(name)s"):
# translators cannot order the sentence. One msgid holds both, the hidden part as markup.
SPLIT_AROUND_HIDDEN = re.compile(
    r'\}\}\s*<span class="visually-hidden">[^<{]*\{\{-?\s*(?:_|gettext|ngettext)\(')
TAG = re.compile(r"<[^>]*>")
OPENING_AND_CLOSING = {"(": ")", "[": "]", "“": "”"}


def test_no_sentence_is_split_around_a_visually_hidden_part():
    split = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
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
GLUED = {
    "a msgid followed by a shown value": re.compile(
        UNFINISHED_MSGID + r"[ \t]*[:,;]?" + INLINE_TAGS + r"\s*" + SHOWN_VALUE),
    "a translated control followed by a visually hidden value": re.compile(
        GETTEXT_CALL + r'\s*<span class="visually-hidden">[^<{]*\{\{'),
    "a shown value followed by a msgid that goes on its sentence": re.compile(
        r"(?:" + SHOWN_VALUE + "|" + GETTEXT_CALL + r")" + INLINE_TAGS.replace("<", "</?")
        + r"\s*\{\{-?\s*(?:_|gettext|pgettext)\(\s*(?:\"[^\"]*\",\s*)?[\"'][a-z]"),
}
# {% if %} and {% endif %} leave the words around them in one sentence; the branches
# of {% elif %} and {% else %} are alternatives, never read one after the other.
CONDITION = re.compile(r"\{%-?\s*(?:if|endif)\b.*?%\}", re.S)
ALTERNATIVE = re.compile(r"\{%-?\s*(?:elif|else)\b.*?%\}", re.S)


def _glued(source: str) -> list[str]:
    source = ALTERNATIVE.sub("\0", CONDITION.sub("", source))
    return [f"{what}: {match.group(0)!r}"
            for what, pattern in GLUED.items() for match in pattern.finditer(source)]


def test_no_sentence_is_glued_from_a_msgid_and_a_value():
    glued = [f"{path.relative_to(ROOT)}: {found}"
             for path in sorted((ROOT / "templates").rglob("*.html"))
             for found in _glued(path.read_text(encoding="utf-8"))]
    assert not glued, "Make each one msgid with named placeholders:\n" + "\n".join(glued)


@pytest.mark.parametrize("source", [
    '{{ n }} {{ _("comments") }}',
    '{{ _("By") }} {{ name }}',
    '{{ _("Published") }} <time datetime="{{ iso }}">{{ date|date }}</time>',
    '{{ _("Source:") }} <a href="{{ url }}">{{ title }}</a>',
    '{{ _("E-mail") }}: <strong>{{ email }}</strong>',
    '{{ _("Source:") }} {{ note or _("the Comune di Lecce.") }}',
    '{{ name }}{% if x %} {{ _("by") }}{% endif %}',
    '{{ _("Approve") }}<span class="visually-hidden"> {{ name }}</span>',
])
def test_the_glue_check_finds_a_sentence_in_pieces(source):
    assert _glued(source)


@pytest.mark.parametrize("source", [
    '{{ _("Collaborative drafts") }} · {{ process.title }}',  # a page title's parts
    '{{ _("Manage “%(title)s”", title=t) }} {{ demo_badge(document) }}',  # a badge
    '{% if a %}{{ _("request pending") }}{% elif b %}{{ _("request refused") }}{% endif %}',
    '{{ number }}{% if c %} <span class="badge">{{ _("current") }}</span>{% endif %}',
    '{{ name }}{% if e %} ({{ _("editor") }}){% endif %}',
    '{{ _("Everything is public.") }} <a href="{{ url }}">{{ licence }}</a>',
    '<p>{{ _("Paragraph %(n)s:", n=1) }}</p>',
])
def test_the_glue_check_leaves_whole_sentences_alone(source):
    assert not _glued(source)
