"""Password rules: 12 to 128 characters, not a common password."""
from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, from the zxcvbn package's frequency lists."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problems(password: str, *, email: str = "", display_name: str = "") -> list[str]:
    """What is wrong with a new password (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("Use at least %(n)s characters.", n=MIN_LENGTH))
    elif len(password) > MAX_LENGTH:
        problems.append(_l("Use at most %(n)s characters.", n=MAX_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or _is_repetitive(password):
        problems.append(_l("This password is too common; choose one that is harder to guess."))
    elif email and lowered == email.lower() or display_name and lowered == display_name.lower():
        problems.append(_l("Do not use your e-mail or name as password."))
    return problems


def _is_repetitive(password: str) -> bool:
    return len(set(password)) <= 2
