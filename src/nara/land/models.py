"""Tables of the real-estate register (부동산등기부) and the parcel and building records.

A register is kept per property (a parcel or a building): the title section (표제부) is the
parcel or building row itself, section A (갑구) the ownership entries, section B (을구) the
other rights such as mortgages. Entries are never deleted: an ownership entry that has been
transferred gets `ended_on`, a cancelled right gets `cancelled_on`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.address import AddressColumns
from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

LAND_CATEGORIES = {
    "대": "building site", "전": "field", "답": "paddy", "임": "forest",
    "잡": "miscellaneous", "도": "road", "공": "factory site", "주": "parking lot",
}  # fmt: skip
PROPERTY_KINDS = ("parcel", "building")
OWNER_KINDS = ("person", "business", "public")
OWNERSHIP_CAUSES = ("preservation", "sale", "inheritance", "gift", "auction")
RIGHT_KINDS = ("mortgage", "jeonse", "easement", "lease")


class Parcel(Base):
    """A land parcel (필지), identified by its PNU."""

    __tablename__ = "land_parcel"
    __table_args__ = (Index("ix_land_parcel_district", "sigungu_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pnu: Mapped[str] = mapped_column(String(19), unique=True)
    sido_code: Mapped[str] = mapped_column(String(2))
    sigungu_code: Mapped[str] = mapped_column(String(5))
    land_category: Mapped[str] = mapped_column(String(2))
    area_m2: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    official_price_per_m2: Mapped[int] = mapped_column(BigInteger)
    registered_on: Mapped[dt.date]


class Building(Base, AddressColumns):
    """A building standing on a parcel, with its road-name address."""

    __tablename__ = "land_building"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("land_parcel.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    main_use: Mapped[str] = mapped_column(String(40))
    structure: Mapped[str] = mapped_column(String(40))
    floors_above: Mapped[int] = mapped_column(SmallInteger)
    floors_below: Mapped[int] = mapped_column(SmallInteger)
    gross_area_m2: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    completed_on: Mapped[dt.date]


class Ownership(Base):
    """Section A (갑구): an owner's share of a property, from registration until transfer."""

    __tablename__ = "land_ownership"
    __table_args__ = (
        CheckConstraint("property_kind IN ('parcel', 'building')", name="property_kind"),
        CheckConstraint("owner_kind IN ('person', 'business', 'public')", name="owner_kind"),
        CheckConstraint("share_num > 0 AND share_num <= share_den", name="share"),
        Index("ix_land_ownership_property", "property_kind", "property_id", "rank_no"),
        Index("ix_land_ownership_owner", "owner_kind", "owner_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    property_kind: Mapped[str] = mapped_column(String(8))
    property_id: Mapped[int] = mapped_column(BigId)
    rank_no: Mapped[int]
    owner_kind: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int | None] = mapped_column(BigId)
    owner_name: Mapped[str] = mapped_column(String(80))
    share_num: Mapped[int]
    share_den: Mapped[int]
    cause: Mapped[str] = mapped_column(String(12))
    cause_on: Mapped[dt.date]
    registered_on: Mapped[dt.date]
    receipt_no: Mapped[str] = mapped_column(String(20))
    ended_on: Mapped[dt.date | None]


class Right(Base):
    """Section B (을구): a mortgage, jeonse or other right over a property."""

    __tablename__ = "land_right"
    __table_args__ = (
        CheckConstraint("property_kind IN ('parcel', 'building')", name="property_kind"),
        CheckConstraint("kind IN ('mortgage', 'jeonse', 'easement', 'lease')", name="kind"),
        CheckConstraint("amount_won >= 0", name="amount"),
        Index("ix_land_right_property", "property_kind", "property_id", "rank_no"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    property_kind: Mapped[str] = mapped_column(String(8))
    property_id: Mapped[int] = mapped_column(BigId)
    rank_no: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    holder_name: Mapped[str] = mapped_column(String(80))
    amount_won: Mapped[int] = mapped_column(BigInteger)
    registered_on: Mapped[dt.date]
    receipt_no: Mapped[str] = mapped_column(String(20))
    cancelled_on: Mapped[dt.date | None]


class LandChange(Base, ChangeLogMixin):
    """Append-only log of every change to the real-estate register."""

    __tablename__ = "land_change"
