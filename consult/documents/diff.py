"""Readable differences between two texts, for display only (merging uses merge3).

Lines are compared first; inside a changed line the words are compared, so a reader
sees which words were removed and which were added. Long unchanged stretches are
folded, keeping a few lines of context around each change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from consult.documents.merge import split_lines

CONTEXT = 2
# Beyond this length a changed line is shown as removed and added, not word by word:
# comparing words costs time proportional to the product of their lengths.
MAX_LINE_CHARS = 20_000
_WORDS = re.compile(r"\s*\w+|\s*[^\w\s]+|\s+")


@dataclass
class Part:
    kind: str  # "equal", "removed", "added"
    text: str


@dataclass
class DiffLine:
    kind: str  # "equal", "removed", "added", "changed"
    old_number: int | None
    new_number: int | None
    parts: list[Part] = field(default_factory=list)


@dataclass
class Fold:
    """Unchanged lines not shown."""

    count: int
    kind: str = "fold"


@dataclass
class Diff:
    rows: list[DiffLine | Fold]
    added: int = 0
    removed: int = 0
    changed: int = 0

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _words(line: str) -> list[str]:
    return _WORDS.findall(line)


def _word_parts(old: str, new: str) -> list[Part]:
    old_words, new_words = _words(old), _words(new)
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    parts: list[Part] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(Part("equal", "".join(old_words[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(Part("removed", "".join(old_words[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(Part("added", "".join(new_words[j1:j2])))
    return parts


def _changed_lines(old_lines: list[str], new_lines: list[str], old_start: int,
                   new_start: int) -> list[DiffLine]:
    """Pair the lines of a replaced block; unpaired or very different lines are removed/added."""
    rows: list[DiffLine] = []
    for offset in range(max(len(old_lines), len(new_lines))):
        old = old_lines[offset] if offset < len(old_lines) else None
        new = new_lines[offset] if offset < len(new_lines) else None
        old_number = old_start + offset + 1 if old is not None else None
        new_number = new_start + offset + 1 if new is not None else None
        if old is not None and new is not None and _comparable(old, new):
            rows.append(DiffLine("changed", old_number, new_number, _word_parts(old, new)))
            continue
        if old is not None:
            rows.append(DiffLine("removed", old_number, None, [Part("removed", old)]))
        if new is not None:
            rows.append(DiffLine("added", None, new_number, [Part("added", new)]))
    return rows


def _comparable(old: str, new: str) -> bool:
    if not old.strip() or not new.strip():
        return False
    if max(len(old), len(new)) > MAX_LINE_CHARS:
        return False
    return SequenceMatcher(None, old, new, autojunk=False).quick_ratio() >= 0.4


def diff_texts(old_text: str, new_text: str, *, context: int = CONTEXT) -> Diff:
    old_lines, new_lines = split_lines(old_text), split_lines(new_text)
    matcher = SequenceMatcher(lambda line: not line.strip(), old_lines, new_lines, autojunk=False)
    rows: list[DiffLine | Fold] = []
    diff = Diff(rows=rows)
    opcodes = matcher.get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            rows.extend(_equal_rows(old_lines, i1, i2, j1, context,
                                    first=index == 0, last=index == len(opcodes) - 1))
            continue
        block = _changed_lines(old_lines[i1:i2], new_lines[j1:j2], i1, j1)
        for row in block:
            if any(part.text.strip() for part in row.parts):
                setattr(diff, row.kind, getattr(diff, row.kind) + 1)
        rows.extend(block)
    return diff


def _equal_rows(lines: list[str], i1: int, i2: int, j1: int, context: int, *,
                first: bool, last: bool) -> list[DiffLine | Fold]:
    """Unchanged lines, folded in the middle; at the start or end only the context nearest the change."""
    def row(i: int) -> DiffLine:
        return DiffLine("equal", i + 1, j1 + (i - i1) + 1, [Part("equal", lines[i])])

    count = i2 - i1
    head = 0 if first else context
    tail = 0 if last else context
    if count <= head + tail + 1:
        return [row(i) for i in range(i1, i2)]
    rows: list[DiffLine | Fold] = [row(i) for i in range(i1, i1 + head)]
    rows.append(Fold(count - head - tail))
    rows.extend(row(i) for i in range(i2 - tail, i2))
    return rows
