"""The city profile shown on the home page."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Integer, Numeric, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db


class CityProfile(db.Model):
    """One row: the Comune's own description and the figures it publishes."""

    __tablename__ = "city_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    office: Mapped[str] = mapped_column(String(200))
    population: Mapped[int] = mapped_column(Integer)
    mission_it: Mapped[str] = mapped_column(Text)
    mission_en: Mapped[str] = mapped_column(Text)
    # The portfolio the Comune itself publishes (its smart-city page), quoted as such.
    declared_projects: Mapped[int | None] = mapped_column(Integer)
    declared_investments_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    source_note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    @classmethod
    def current(cls) -> CityProfile | None:
        return db.session.scalar(select(cls).order_by(cls.id).limit(1))

    def mission(self, locale: str) -> str:
        return self.mission_en if locale == "en" and self.mission_en else self.mission_it
