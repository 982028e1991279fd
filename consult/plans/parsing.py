"""Reading the values staff type into plan forms: euros, percentages and dates.

Each function returns the value or raises ValueError with a message fit for the form.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

# Numeric(14, 2): twelve digits before the decimal point.
MAX_BUDGET = Decimal("999999999999.99")

_PLAIN = re.compile(r"^\d+([.,]\d+)?$")                 # 15659005 · 15659005.00 · 15659005,00
# Thousands separators only where they cannot be read as a decimal point: "12.345" alone
# is refused as three decimals rather than silently read as twelve thousand euros.
_GROUPED_IT = re.compile(r"^\d{1,3}((\.\d{3}){2,}(,\d+)?|(\.\d{3})+,\d+)$")  # 15.659.005,00
_GROUPED_EN = re.compile(r"^\d{1,3}((,\d{3}){2,}(\.\d+)?|(,\d{3})+\.\d+)$")  # 15,659,005.00
_DATE_IT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")  # 30/06/2025


def parse_euros(value: str | int | Decimal | None) -> Decimal:
    """An amount in euros with at most two decimals, never negative, as an exact Decimal."""
    if isinstance(value, bool):
        raise ValueError(_("Enter the budget as a number of euros, for example 150000 or 150000.50."))
    if isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    else:
        amount = _euros_from_text(value)
    if not amount.is_finite():
        raise ValueError(_("Enter the budget as a number of euros, for example 150000 or 150000.50."))
    if amount < 0:
        raise ValueError(_("The budget cannot be negative."))
    if amount.as_tuple().exponent < -2:
        raise ValueError(_("The budget can have at most two decimals (euro cents). For thousands, "
                           "write 12345 or 12.345,00."))
    if amount > MAX_BUDGET:
        raise ValueError(_("The budget is too large."))
    return amount.quantize(Decimal("0.01"))


def _euros_from_text(value: str | None) -> Decimal:
    text = (value or "").strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        raise ValueError(_("Enter the budget in euros (0 if there is none yet)."))
    if text.startswith("-"):
        raise ValueError(_("The budget cannot be negative."))
    if _GROUPED_IT.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED_EN.match(text):
        text = text.replace(",", "")
    elif _PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        raise ValueError(_("Enter the budget as a number of euros, for example 150000 or 150000.50."))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Enter the budget as a number of euros, for example 150000 or 150000.50.")) from None


def parse_percent(value: str | int | None) -> int:
    """A whole percentage from 0 to 100."""
    if isinstance(value, bool):
        raise ValueError(_("Enter the progress as a whole number from 0 to 100."))
    if isinstance(value, int):
        number = value
    else:
        text = (value or "").strip().removesuffix("%").strip()
        if not re.fullmatch(r"-?\d{1,6}", text):
            raise ValueError(_("Enter the progress as a whole number from 0 to 100."))
        number = int(text)
    if not 0 <= number <= 100:
        raise ValueError(_("The progress must be between 0 and 100 percent."))
    return number


def parse_date(value: str | date | None) -> date:
    """A calendar date, written 2025-06-30 (as date inputs send it) or 30/06/2025."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    message = _("Enter the date as YYYY-MM-DD, for example 2025-06-30.")
    if not text:
        raise ValueError(_("Enter a date."))
    italian = _DATE_IT.match(text)
    try:
        if italian:
            day, month, year = (int(part) for part in italian.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        raise ValueError(message) from None
    raise ValueError(message)
