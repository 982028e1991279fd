"""The HTML checker itself: it finds what it must (a check that cannot fail is no check)."""
from tests.html_checks import html_problems


def test_a_clean_page_has_no_problem():
    assert html_problems('<label for="q">Q</label><input id="q"><p id="a"></p><p id="b"></p>') == []


def test_duplicate_ids_are_found():
    assert html_problems('<input type="hidden" id="csrf_token"><input type="hidden" id="csrf_token">') == [
        'id="csrf_token" is used 2 times']


def test_labels_pointing_at_nothing_or_at_what_takes_no_label_are_found():
    problems = html_problems('<label for="missing">A</label><section id="phase"></section>'
                             '<label for="phase">B</label><input type="hidden" id="h"><label for="h">C</label>')
    assert problems == ['<label for="missing"> points at no element',
                        '<label for="phase"> points at a <section>, which takes no label',
                        '<label for="h"> points at a <input>, which takes no label']
