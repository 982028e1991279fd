"""Readable diffs: lines first, words inside changed lines, folded unchanged stretches."""
from __future__ import annotations

import time

from consult.documents.diff import Fold, diff_texts


def parts_of(row):
    return [(part.kind, part.text) for part in row.parts]


def test_a_changed_word_is_shown_inside_its_line():
    diff = diff_texts("The bus runs every hour.", "The bus runs every ten minutes.")
    [row] = diff.rows
    assert row.kind == "changed"
    assert parts_of(row) == [("equal", "The bus runs every"), ("removed", " hour"),
                             ("added", " ten minutes"), ("equal", ".")]
    assert (diff.changed, diff.added, diff.removed) == (1, 0, 0)


def test_punctuation_is_compared_apart_from_words():
    diff = diff_texts("scenari climatici locali per orientare",
                      "scenari climatici locali, aggiornati ogni anno, per orientare")
    assert parts_of(diff.rows[0]) == [("equal", "scenari climatici locali"),
                                      ("added", ", aggiornati ogni anno,"), ("equal", " per orientare")]


def test_added_and_removed_paragraphs_are_whole_lines():
    diff = diff_texts("Keep.\n\nDrop me.", "Keep.\n\nDrop me.\n\nNew one.")
    kinds = [(row.kind, row.parts[0].text) for row in diff.rows if not isinstance(row, Fold)]
    assert ("added", "New one.") in kinds
    assert diff.added == 1 and diff.removed == 0
    diff = diff_texts("Keep.\n\nDrop me.", "Keep.")
    assert diff.removed == 1


def test_identical_texts_have_no_changes():
    assert diff_texts("Same.\n\nText.", "Same.\n\nText.").identical


def test_long_unchanged_stretches_are_folded_with_context():
    old = "\n\n".join(f"Paragraph {n}." for n in range(30))
    new = old.replace("Paragraph 15.", "Paragraph fifteen.")
    diff = diff_texts(old, new)
    folds = [row for row in diff.rows if isinstance(row, Fold)]
    assert len(folds) == 2
    shown = [row for row in diff.rows if not isinstance(row, Fold)]
    assert len(shown) == 5  # two lines of context each side of the change
    assert sum(fold.count for fold in folds) + len(shown) == len(new.split("\n"))


def test_line_numbers_follow_each_side():
    diff = diff_texts("a\nb\nc", "a\nx\nb\nc")
    added = next(row for row in diff.rows if not isinstance(row, Fold) and row.kind == "added")
    assert added.old_number is None and added.new_number == 2


def test_diff_of_a_fifty_paragraph_section_takes_under_fifty_milliseconds():
    words = "la mobilità sostenibile del centro storico di Lecce con bus elettrici e piste ciclabili"
    old = "\n\n".join(f"{n}. {words} " * 6 for n in range(50))
    new_paragraphs = old.split("\n\n")
    for n in range(0, 50, 3):
        new_paragraphs[n] = new_paragraphs[n].replace("bus elettrici", "navette a idrogeno", 2)
    new_paragraphs.insert(20, "A new paragraph about the CMCC climate observatory.")
    del new_paragraphs[40]
    new = "\n\n".join(new_paragraphs)
    diff_texts(old, new)  # warm up
    started = time.perf_counter()
    diff = diff_texts(old, new)
    elapsed = time.perf_counter() - started
    assert diff.changed >= 15 and diff.added >= 1 and diff.removed >= 1
    assert elapsed < 0.05, f"diff took {elapsed * 1000:.1f} ms"
