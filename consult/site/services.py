"""The city profile, read once for many requests."""
from __future__ import annotations

import time
from functools import cache
from typing import Any

from flask import current_app, g
from sqlalchemy import select

from consult.accounts.models import Organization
from consult.extensions import db
from consult.site.models import CityProfile

_KEPT = "consult.city_profile"  # in app.extensions: (until, the row's values or None)


def _profile_values() -> dict[str, Any] | None:
    """The city profile's columns (None: no profile). The home page and the dashboard show
    the profile, every page asks whether it is the demo's (the banner). Read once a
    request; in production kept for CONSULT_STATS_CACHE_SECONDS, like the city figures,
    since only `flask demo load` and the bench generator write it, from another process:
    a demo loaded into a running site shows its banner within that many seconds."""
    if "city_profile_values" in g:
        return g.city_profile_values
    app = current_app._get_current_object()
    seconds = app.config.get("CONSULT_STATS_CACHE_SECONDS", 0)
    now = time.monotonic()
    kept = app.extensions.get(_KEPT)
    if seconds > 0 and kept is not None and kept[0] > now:
        values = kept[1]
    else:
        profile = CityProfile.current()
        values = (None if profile is None else
                  {column.key: getattr(profile, column.key)
                   for column in CityProfile.__mapper__.column_attrs})
        if seconds > 0:
            app.extensions[_KEPT] = (now + seconds, values)
    g.city_profile_values = values
    return values


def city_profile() -> CityProfile | None:
    """The city profile, as a new, unsaved copy of the row (to read, not to change)."""
    values = _profile_values()
    return CityProfile(**values) if values is not None else None


def is_demo_site() -> bool:
    """Whether the demo data is loaded (its profile is the demo's)."""
    values = _profile_values()
    return bool(values and values["is_demo"])


def partner_organizations() -> list[Organization]:
    """The partners of the framework agreement, by name (the home page lists them)."""
    return db.session.scalars(_partners()).all()


@cache
def _partners():  # built once: the home page is the most visited
    return select(Organization).where(Organization.is_partner.is_(True)).order_by(Organization.name)
