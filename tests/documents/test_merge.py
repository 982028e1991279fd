"""The co-editing rule on texts alone: three-way merges and conflicts (no database)."""
from __future__ import annotations

import pytest

from consult.documents.merge import EditConflict, merge_texts, normalize_text, resolve_edit

BASE = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n\nFourth paragraph."


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


def test_disjoint_edits_merge_cleanly():
    theirs = replace(BASE, "First paragraph.", "First paragraph, revised by them.")
    yours = replace(BASE, "Third paragraph.", "Third paragraph, revised by you.")
    outcome = merge_texts(BASE, theirs, yours)
    assert outcome.clean
    assert outcome.text == ("First paragraph, revised by them.\n\nSecond paragraph.\n\n"
                            "Third paragraph, revised by you.\n\nFourth paragraph.")


def test_edits_to_neighbouring_paragraphs_merge_cleanly():
    theirs = replace(BASE, "First paragraph.", "First, theirs.")
    yours = replace(BASE, "Second paragraph.", "Second, yours.")
    outcome = merge_texts(BASE, theirs, yours)
    assert outcome.text == "First, theirs.\n\nSecond, yours.\n\nThird paragraph.\n\nFourth paragraph."


def test_same_line_edits_conflict_with_each_side_reported():
    theirs = replace(BASE, "Second paragraph.", "Second paragraph by them.")
    yours = replace(BASE, "Second paragraph.", "Second paragraph by you.")
    outcome = merge_texts(BASE, theirs, yours)
    assert not outcome.clean and outcome.text is None
    [region] = outcome.conflicts
    assert region.base == "Second paragraph."
    assert region.theirs == "Second paragraph by them."
    assert region.yours == "Second paragraph by you."


def test_one_side_deletes_a_paragraph_the_other_leaves_alone():
    theirs = replace(BASE, "First paragraph.\n\n", "")
    yours = replace(BASE, "Fourth paragraph.", "Fourth paragraph, longer.")
    outcome = merge_texts(BASE, theirs, yours)
    assert outcome.text == "Second paragraph.\n\nThird paragraph.\n\nFourth paragraph, longer."


def test_deleting_a_paragraph_the_other_side_edited_conflicts():
    theirs = replace(BASE, "Second paragraph.\n\n", "")
    yours = replace(BASE, "Second paragraph.", "Second paragraph, kept and changed.")
    outcome = merge_texts(BASE, theirs, yours)
    assert not outcome.clean
    assert "Second paragraph, kept and changed." in outcome.conflicts[0].yours
    assert "Second paragraph." in outcome.conflicts[0].base


def test_both_sides_making_the_identical_change_is_no_conflict():
    both = replace(BASE, "Third paragraph.", "Third paragraph, agreed.")
    outcome = merge_texts(BASE, both, both)
    assert outcome.clean and outcome.text == both


def test_both_appending_at_the_end_conflicts():
    theirs = BASE + "\n\nTheir new paragraph."
    yours = BASE + "\n\nYour new paragraph."
    outcome = merge_texts(BASE, theirs, yours)
    assert not outcome.clean
    [region] = outcome.conflicts
    assert "Their new paragraph." in region.theirs and "Your new paragraph." in region.yours


def test_appending_while_the_other_edits_the_start_merges():
    theirs = replace(BASE, "First paragraph.", "First paragraph, edited.")
    yours = BASE + "\n\nAn appended paragraph."
    outcome = merge_texts(BASE, theirs, yours)
    assert outcome.text == ("First paragraph, edited.\n\nSecond paragraph.\n\nThird paragraph.\n\n"
                            "Fourth paragraph.\n\nAn appended paragraph.")


def test_empty_base_with_two_different_texts_conflicts():
    outcome = merge_texts("", "Their start.", "Your start.")
    assert not outcome.clean
    assert outcome.conflicts[0].base == ""


def test_empty_base_where_only_one_side_wrote_takes_it():
    assert merge_texts("", "", "Your start.").text == "Your start."
    assert merge_texts("", "Their start.", "").text == "Their start."


def test_normalize_text_makes_browser_line_ends_and_trailing_space_no_change():
    assert normalize_text("\n\nA line.\r\n\r\nNext.  \n\n") == "A line.\n\nNext."
    assert normalize_text(None) == ""


def test_resolve_edit_on_the_current_revision_saves_as_typed():
    resolution = resolve_edit(yours="New text.\r\n", base_text=BASE, base_number=3,
                              current_text=BASE, current_number=3)
    assert resolution.text == "New text." and resolution.merged is False


def test_resolve_edit_on_a_stale_base_merges():
    theirs = replace(BASE, "First paragraph.", "First, theirs.")
    yours = replace(BASE, "Fourth paragraph.", "Fourth, yours.")
    resolution = resolve_edit(yours=yours, base_text=BASE, base_number=1, current_text=theirs,
                              current_number=2)
    assert resolution.merged is True
    assert "First, theirs." in resolution.text and "Fourth, yours." in resolution.text


def test_resolve_edit_conflict_carries_every_text():
    theirs = replace(BASE, "Second paragraph.", "Second, theirs.")
    yours = replace(BASE, "Second paragraph.", "Second, yours.")
    with pytest.raises(EditConflict) as caught:
        resolve_edit(yours=yours, base_text=BASE, base_number=1, current_text=theirs,
                     current_number=4, current_author="Ada")
    conflict = caught.value
    assert conflict.status == 409 and conflict.code == "edit_conflict"
    assert conflict.conflict_body() == {"base_revision": 1, "current_revision": 4,
                                        "yours": yours, "theirs": theirs, "base": BASE}
    assert conflict.regions[0].yours == "Second, yours."
