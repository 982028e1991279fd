"""Reading budgets, percentages and dates as staff type them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from consult.plans.parsing import parse_date, parse_euros, parse_percent


@pytest.fixture(autouse=True)
def _request_context(app):
    """The messages are translated, so parsing needs a request context (the app fixture's)."""


@pytest.mark.parametrize("text, expected", [
    ("15659005", Decimal("15659005.00")),
    ("15659005.00", Decimal("15659005.00")),
    ("15659005,5", Decimal("15659005.50")),
    ("15.659.005,00", Decimal("15659005.00")),
    ("15,659,005.25", Decimal("15659005.25")),
    ("12.345,00", Decimal("12345.00")),
    ("12,345.5", Decimal("12345.50")),
    (" € 250 000 ", Decimal("250000.00")),
    ("0", Decimal("0.00")),
    ("999999999999.99", Decimal("999999999999.99")),
])
def test_budget_text_becomes_an_exact_decimal(text, expected):
    amount = parse_euros(text)
    assert amount == expected
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize("text, message", [
    ("1000.555", "at most two decimals"),
    ("15659005.000", "at most two decimals"),
    ("12.345", "at most two decimals"),
    ("12,345", "at most two decimals"),
    ("-5", "cannot be negative"),
    ("-0.01", "cannot be negative"),
    ("abc", "number of euros"),
    ("1e5", "number of euros"),
    ("NaN", "number of euros"),
    ("12.34.56", "number of euros"),
    ("", "Enter the budget"),
    ("1000000000000", "too large"),
])
def test_bad_budget_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_euros(text)


def test_budget_from_the_api_may_be_a_decimal_but_not_a_float_with_three_places():
    assert parse_euros(Decimal("10.5")) == Decimal("10.50")
    with pytest.raises(ValueError, match="two decimals"):
        parse_euros(Decimal("10.505"))
    with pytest.raises(ValueError):
        parse_euros(True)


@pytest.mark.parametrize("text, expected", [("0", 0), ("100", 100), (" 45 % ", 45), (70, 70)])
def test_progress_is_a_whole_percentage(text, expected):
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text, message", [
    ("101", "between 0 and 100"), ("-1", "between 0 and 100"), (101, "between 0 and 100"),
    ("50.5", "whole number"), ("half", "whole number"), ("", "whole number"),
])
def test_progress_outside_0_to_100_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_percent(text)


@pytest.mark.parametrize("text, expected", [
    ("2025-06-30", date(2025, 6, 30)), ("30/06/2025", date(2025, 6, 30)), ("1/2/2026", date(2026, 2, 1)),
])
def test_dates_are_read_in_iso_or_italian_form(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2025-13-01", "31/02/2025", "June 30", "2025/06/30", "30-06-2025"])
def test_a_date_in_the_wrong_format_is_refused(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date(text)
