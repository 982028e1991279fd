"""The field checks services share: a text field cleaned and bounded, and the one
InvalidInput that carries every field's problems (the web shows them on the form's fields,
the API as its 422 `fields`)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from consult.errors import InvalidInput


def clean_text(value: Any, *, required: bool, maximum: int, problems: list[str]) -> str:
    """`value` stripped; a problem is appended when it is not text, is missing while
    `required`, or is longer than `maximum` characters."""
    if value is not None and not isinstance(value, str):
        problems.append(_("Enter some text."))
        return ""
    text = (value or "").strip()
    if required and not text:
        problems.append(_("This field is required."))
    elif len(text) > maximum:
        problems.append(_("Use at most %(max)s characters.", max=maximum))
    return text


def raise_if(problems: dict[str, list[str]]) -> None:
    """Raise InvalidInput with the fields that have problems, if any has."""
    problems = {name: messages for name, messages in problems.items() if messages}
    if problems:
        raise InvalidInput(_("Please correct the errors below."), problems)
