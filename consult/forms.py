"""What the feature forms share: their choices in the shape WTForms wants.

WTForms 3.3 deprecates (value, label) tuples as the choices of SelectField, RadioField
and SelectMultipleField (they go in 3.4): choices are SelectChoice objects. Templates that
draw options by hand read `choice.value` and `choice.label`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape
from wtforms.fields import SelectChoice
from wtforms.widgets import Select


def options(pairs: Iterable[tuple[Any, Any]], *, empty: Any = None) -> list[SelectChoice]:
    """(value, label) pairs, e.g. rows (id, title) from a service, as choices; `empty`, when
    given, labels a first choice with the value "" (a filter's "Any …")."""
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [SelectChoice(value, label) for value, label in pairs]


def labelled(values: Iterable[Any], labels: Mapping[Any, Any], *, empty: Any = None) -> list[SelectChoice]:
    """Each value with its label, in the order of `values` (and `empty` as in options())."""
    return options(((value, labels[value]) for value in values), empty=empty)


class QuickSelect(Select):
    """WTForms' <select>, with the same HTML drawn faster: a list's filters have some 70
    options (one a process), and WTForms' html_params() sorting and formatting each option's
    attributes was a tenth of the proposal list's time. Options with render_kw (or extra
    attributes) are drawn by WTForms itself."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        value = escape(value)
        label = choice.label
        if label is not None and not isinstance(label, str):
            label = str(label)  # a lazy label: translated once, not once for `or`, once to escape
        label = escape(label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{value}">{label}</option>')

    @classmethod
    def _dispatch_render_option(cls):
        return cls.render_option  # WTForms inspects the signature on every field drawn


def select_key(field, *drawn_with: Any) -> tuple:
    """Everything a <select> field shows, as a key to keep its drawing by
    (consult.fragments; macros/forms.html): its id, name, label, help, errors, flags and
    attributes, its options with the chosen value, and what the macro draws it with
    (`drawn_with`: a class, a dict of attributes). A list's filters draw some 70
    options through WTForms on every request, a fifth of the proposal list's time."""
    if not isinstance(field.choices, (list, tuple, type(None))):  # groups (a dict), a callable
        return [field.choices]  # not a key: kept() draws it every time
    data = field.data
    if isinstance(data, list):
        data = tuple(data)
    choices = tuple(
        (choice.value, str(choice.label), tuple(sorted(choice.render_kw.items())), choice.optgroup)
        if isinstance(choice, SelectChoice) else choice
        for choice in (field.choices or ()))
    return (field.type, field.id, field.name, str(field.label.text), str(field.description or ""),
            tuple(map(str, field.errors)), field.flags.required, field.coerce, type(data), data,
            tuple(sorted((field.render_kw or {}).items())), type(field.widget), choices,
            *(tuple(sorted(value.items())) if isinstance(value, dict) else value
              for value in drawn_with))
