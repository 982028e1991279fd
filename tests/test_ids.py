"""Ids too large for an INTEGER column answer 404 or a form error, never a 500 (PostgreSQL
refuses such parameters outright)."""
import pytest

from consult.database import is_valid_id

HUGE = 2**31  # one past the largest INTEGER


@pytest.mark.parametrize("value, valid", [
    (1, True), (2**31 - 1, True), (0, False), (-1, False), (2**31, False), (True, False),
    ("1", False), (None, False),
])
def test_is_valid_id(value, valid):
    assert is_valid_id(value) is valid


@pytest.mark.parametrize("path", [
    f"/proposals/{HUGE}", f"/plans/{HUGE}", f"/search/comment/{HUGE}",
    f"/organizations/{HUGE}", f"/plans?process={HUGE}", f"/plans?partner={HUGE}",
])
def test_huge_ids_in_urls_are_not_found_or_ignored(client, path):
    assert client.get(path).status_code in (200, 404)
