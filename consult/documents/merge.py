"""The co-editing rule: an edit carries the revision it started from; a stale edit is
merged three ways by `merge3` (base, theirs = the current text, yours = the edit).

Section texts and collaborative drafts both save through `resolve_edit`, so the rule
lives here once. Texts are compared line by line; paragraphs are separated by blank
lines, so edits to different paragraphs never touch the same lines.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import merge3
from flask_babel import gettext as _

from consult.errors import DomainError


def normalize_text(text: str | None) -> str:
    """One form for every saved text: `\\n` line ends, no blank lines at the start and no
    trailing whitespace at the end, so that re-saving what a browser sent back is no change."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip().lstrip("\n")


def split_lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def join_lines(lines: list[str]) -> str:
    return "\n".join(lines)


@dataclass(frozen=True)
class ConflictRegion:
    """One place where both sides changed the same lines of the base differently."""

    base: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class MergeOutcome:
    text: str | None
    conflicts: list[ConflictRegion] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge_texts(base: str, theirs: str, yours: str) -> MergeOutcome:
    """Merge `yours` into `theirs`, both descended from `base`."""
    merger = merge3.Merge3(split_lines(base), split_lines(theirs), split_lines(yours))
    lines: list[str] = []
    conflicts: list[ConflictRegion] = []
    for group in merger.merge_groups():
        if group[0] == "conflict":
            _, base_lines, their_lines, your_lines = group
            conflicts.append(ConflictRegion(join_lines(list(base_lines)),
                                            join_lines(list(their_lines)),
                                            join_lines(list(your_lines))))
        else:
            lines.extend(group[1])
    if conflicts:
        return MergeOutcome(text=None, conflicts=conflicts)
    return MergeOutcome(text=normalize_text(join_lines(lines)))


class EditConflict(DomainError):
    """A stale edit whose changes overlap changes saved since: nothing was saved."""

    status = 409
    code = "edit_conflict"

    def __init__(self, *, base_revision: int, current_revision: int, base: str, theirs: str,
                 yours: str, regions: list[ConflictRegion], current_author: str = ""):
        super().__init__(_("Someone saved changes to the same lines while you were editing: "
                           "nothing was saved. Resolve the conflict below."))
        self.base_revision = base_revision
        self.current_revision = current_revision
        self.base = base
        self.theirs = theirs
        self.yours = yours
        self.regions = regions
        self.current_author = current_author

    def conflict_body(self) -> dict:
        """The `conflict` member of the API's 409 answer."""
        return {"base_revision": self.base_revision, "current_revision": self.current_revision,
                "yours": self.yours, "theirs": self.theirs, "base": self.base}


@dataclass(frozen=True)
class EditResolution:
    """What to save: `text`, and whether it is a merge with changes saved since."""

    text: str
    merged: bool


def resolve_edit(*, yours: str, base_text: str, base_number: int, current_text: str,
                 current_number: int, current_author: str = "") -> EditResolution:
    """Apply the co-editing rule, or raise EditConflict (then the caller saves nothing)."""
    yours = normalize_text(yours)
    if base_number == current_number:
        return EditResolution(text=yours, merged=False)
    outcome = merge_texts(base_text, current_text, yours)
    if not outcome.clean:
        raise EditConflict(base_revision=base_number, current_revision=current_number,
                           base=base_text, theirs=current_text, yours=yours,
                           regions=outcome.conflicts, current_author=current_author)
    return EditResolution(text=outcome.text or "", merged=True)
