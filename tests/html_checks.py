"""What axe-core does not check in a page's HTML: an id used twice, a label that points at
nothing (its `for` names no element, or one that cannot be labelled)."""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

LABELABLE = {"input", "select", "textarea", "button", "meter", "output", "progress"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.tags: dict[str, tuple[str, str | None]] = {}  # id -> first element (tag, type)
        self.label_targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        element_id = attributes.get("id")
        if element_id is not None:
            self.ids[element_id] += 1
            self.tags.setdefault(element_id, (tag, attributes.get("type")))
        if tag == "label" and attributes.get("for") is not None:
            self.label_targets.append(attributes["for"])

    handle_startendtag = handle_starttag


def html_problems(html: str) -> list[str]:
    """Every duplicate id and every label without a field, in words; [] when none."""
    collector = _Collector()
    collector.feed(html)
    problems = [f'id="{element_id}" is used {count} times'
                for element_id, count in collector.ids.items() if count > 1]
    for target in collector.label_targets:
        tag, kind = collector.tags.get(target, (None, None))
        if tag is None:
            problems.append(f'<label for="{target}"> points at no element')
        elif tag not in LABELABLE or kind == "hidden":
            problems.append(f'<label for="{target}"> points at a <{tag}>, which takes no label')
    return problems
