"""Contracts of the real-estate register's services (부동산등기부): what an owner holds, and the
whole register of a parcel.

Shares are written as fractions (`"1/2"`); areas are decimals in square metres, written as
strings in JSON so that no digit is lost; amounts are integer won.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import Field

from nara.exchange.contracts import Contract, Id, Model, Record


class PropertiesOfOwnerRequest(Model):
    """Whose holdings (`person` or `business`, and its register id), now or on `as_of`."""

    owner_kind: str = Field(examples=["person"])
    owner_id: Id
    as_of: dt.date | None = None


class Holding(Record):
    """What one owner holds of one parcel or building: the share and since when."""

    property_kind: str = Field(examples=["parcel"])
    property_id: int
    pnu: str
    label: str
    share: str = Field(examples=["1/2"])
    since: dt.date


class ParcelRegisterRequest(Model):
    """Which parcel (its 19-digit PNU), as its register stood on which day (today when left
    out)."""

    pnu: str = Field(examples=["1168010100101230004"])
    as_of: dt.date | None = None


class BuildingOnParcel(Record):
    """A building standing on the parcel on the day."""

    building_id: int
    name: str
    main_use: str


class ParcelTitle(Record):
    """The title part (표제부): the parcel's district, category, area and registration."""

    sigungu_code: str
    land_category: str
    land_category_en: str
    area_m2: Decimal
    registered_on: dt.date
    buildings: tuple[BuildingOnParcel, ...] = ()


class SectionAEntry(Record):
    """An ownership entry of section A (갑구); `ended_on` only when it ended by the day."""

    rank_no: int
    cause: str
    cause_on: dt.date
    registered_on: dt.date
    receipt_no: str
    owner_kind: str
    owner_id: int | None = None
    owner_name: str
    share: str
    ended_on: dt.date | None = None


class SectionBEntry(Record):
    """A right of section B (을구); `cancelled_on` only when it was cancelled by the day."""

    rank_no: int
    kind: str
    holder_name: str
    amount_won: int
    registered_on: dt.date
    receipt_no: str
    cancelled_on: dt.date | None = None


class ParcelRegister(Record):
    """The whole register of a parcel as it stood on a day: title, section A with its history
    and section B with its cancelled rights."""

    pnu: str
    as_of: dt.date
    title: ParcelTitle
    section_a: tuple[SectionAEntry, ...] = ()
    section_b: tuple[SectionBEntry, ...] = ()


PROPERTIES_OF_OWNER: Contract[PropertiesOfOwnerRequest, list[Holding]] = Contract(
    "land/properties-of-owner",
    PropertiesOfOwnerRequest,
    list[Holding],
    summary="Parcels and buildings an owner (person or business) holds, with shares; "
    "currently or as of a date.",
)

REGISTER_OF_PARCEL: Contract[ParcelRegisterRequest, ParcelRegister | None] = Contract(
    "land/register-of-parcel",
    ParcelRegisterRequest,
    ParcelRegister | None,
    summary="The whole register of a parcel by PNU as of a date: title with buildings, "
    "section A (owners, shares, history) and section B (rights); null when no parcel has "
    "the PNU.",
)
