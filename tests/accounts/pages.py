"""Reading the HTML our pages answer: form values, field errors and accessibility basics."""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

CONTROLS = ("input", "select", "textarea")
UNLABELLED_TYPES = ("hidden", "submit", "button", "reset", "image")


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.headings: list[int] = []
        self.ids: Counter[str] = Counter()
        self.label_targets: set[str] = set()
        self.controls: list[dict] = []
        self.textareas: dict[str, str] = {}
        self.selected: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids[attributes["id"]] += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        if tag in CONTROLS and attributes.get("type") not in UNLABELLED_TYPES:
            self.controls.append({"tag": tag, **attributes})
        if tag == "textarea":
            self._textarea = attributes.get("name", "")
            self.textareas[self._textarea] = ""
        if tag == "select":
            self._select = attributes.get("name", "")
        if tag == "option" and self._select is not None and "selected" in attributes:
            self.selected[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.textareas[self._textarea] += data

    def value(self, name: str) -> str | None:
        """What an input or textarea named `name` shows (None when absent or empty)."""
        if name in self.textareas:
            return self.textareas[name].lstrip("\r\n") or None
        for control in self.controls:
            if control.get("name") == name:
                return control.get("value") or None
        return None

    def errors_of(self, field_id: str) -> str:
        """The text of a field's error block (empty when the field has no error)."""
        match = re.search(rf'<div id="{re.escape(field_id)}-errors"[^>]*>(.*?)</div>', self.html, re.S)
        return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""

    def error_summary_targets(self) -> list[str]:
        match = re.search(r'<div [^>]*id="form-errors"[^>]*>(.*?)</div>', self.html, re.S)
        return re.findall(r'href="#([^"]+)"', match.group(1)) if match else []


def check_page_structure(html: str) -> Page:
    """One h1, headings in order, every control labelled, unique ids, summary links that work."""
    page = Page(html)
    assert page.headings.count(1) == 1, f"expected one h1, got headings {page.headings}"
    for before, after in zip(page.headings, page.headings[1:]):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}: {page.headings}"
    duplicated = [i for i, n in page.ids.items() if n > 1]
    assert not duplicated, f"duplicate ids: {duplicated}"
    for control in page.controls:
        labelled = control.get("id") in page.label_targets or control.get("aria-label")
        assert labelled, f"control without a label: {control}"
        for described in control.get("aria-describedby", "").split():
            assert described in page.ids, f"aria-describedby points to a missing id: {described}"
    for target in page.error_summary_targets():
        assert target in page.ids, f"error summary links to a missing field: #{target}"
    return page


def link_in(mail, path: str) -> str:
    """The path (and token) of the link to `path` that a mail contains."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", mail.body)
    assert match, f"no link to {path} in: {mail.body}"
    return match.group(1)
