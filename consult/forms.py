"""What the feature forms share: their choices in the shape WTForms wants.

WTForms 3.3 deprecates (value, label) tuples as the choices of SelectField, RadioField
and SelectMultipleField (they go in 3.4): choices are SelectChoice objects. Templates that
draw options by hand read `choice.value` and `choice.label`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wtforms.fields import SelectChoice


def options(pairs: Iterable[tuple[Any, Any]], *, empty: Any = None) -> list[SelectChoice]:
    """(value, label) pairs, e.g. rows (id, title) from a service, as choices; `empty`, when
    given, labels a first choice with the value "" (a filter's "Any …")."""
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [SelectChoice(value, label) for value, label in pairs]


def labelled(values: Iterable[Any], labels: Mapping[Any, Any], *, empty: Any = None) -> list[SelectChoice]:
    """Each value with its label, in the order of `values` (and `empty` as in options())."""
    return options(((value, labels[value]) for value in values), empty=empty)
