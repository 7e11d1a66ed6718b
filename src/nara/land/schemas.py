"""Request and response bodies of the real-estate register API.

Shares are written as fractions (`"1/2"`); areas are decimals in square metres (shown as
strings in JSON so that no digit is lost); amounts are integer won.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field

from nara.core.address import RoadAddress
from nara.core.identifiers import Pnu
from nara.core.pagination import Page
from nara.exchange.contracts.land import Holding
from nara.land.models import LAND_CATEGORIES, Building, Ownership, Parcel, Right

Area = Decimal


class OwnerIn(BaseModel):
    """An owner named in a registration, with the share they acquire.

    `person`: `owner_id` is the resident register id; the name is taken from that register.
    `business`: `owner_id` is the business register id; the name is taken from that register
    (an `owner_name` given with it is ignored).
    `public`: the state or a local government; `owner_name` only (e.g. `대한민국`).
    """

    owner_kind: str = Field(examples=["person"])
    owner_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    owner_name: str | None = Field(default=None, min_length=1, max_length=80)
    share: str = Field(default="1/1", max_length=21, examples=["1/2"])


class TransferorIn(BaseModel):
    """A current owner who gives up a share; without `share`, their whole holding."""

    owner_kind: str = Field(examples=["person"])
    owner_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    owner_name: str | None = Field(default=None, min_length=1, max_length=80)
    share: str | None = Field(default=None, max_length=21, examples=["1/4"])


class ParcelCreate(BaseModel):
    pnu: str = Field(examples=["1168010100101230004"])
    land_category: str = Field(examples=["대"], description="A code of LAND_CATEGORIES.")
    area_m2: Area = Field(max_digits=14, decimal_places=2, examples=["330.50"])
    official_price_per_m2: int = Field(examples=[12_500_000])
    owners: list[OwnerIn] = Field(min_length=1, max_length=100)


class BuildingCreate(BaseModel):
    name: str = Field(min_length=1, max_length=80, examples=["나라빌딩"])
    main_use: str = Field(min_length=1, max_length=40, examples=["업무시설"])
    structure: str = Field(min_length=1, max_length=40, examples=["철근콘크리트구조"])
    floors_above: int = Field(ge=0, le=200)
    floors_below: int = Field(ge=0, le=30)
    gross_area_m2: Area = Field(max_digits=14, decimal_places=2)
    completed_on: dt.date
    address: RoadAddress
    owners: list[OwnerIn] = Field(min_length=1, max_length=100)


class TransferCreate(BaseModel):
    """A transfer of ownership (section A): who gives which share, who receives which.

    Without `transferors`, every current owner transfers their whole holding (the whole
    property changes hands).
    """

    cause: str = Field(examples=["sale"], description="sale, inheritance, gift or auction.")
    cause_on: dt.date = Field(description="Date of the contract, death or auction sale.")
    transferors: list[TransferorIn] = Field(default_factory=list, max_length=100)
    transferees: list[OwnerIn] = Field(min_length=1, max_length=100)


class RightCreate(BaseModel):
    """A right over a property (section B). For a mortgage, the maximum claim amount."""

    kind: str = Field(examples=["mortgage"], description="mortgage, jeonse, easement or lease.")
    holder_name: str = Field(min_length=1, max_length=80, examples=["나라은행"])
    amount_won: int = Field(default=0, examples=[360_000_000])


class OwnershipRead(BaseModel):
    id: int
    rank_no: int
    owner_kind: str
    owner_id: int | None
    owner_name: str
    share: str
    cause: str
    cause_on: dt.date
    registered_on: dt.date
    receipt_no: str
    ended_on: dt.date | None

    @classmethod
    def of(cls, row: Ownership) -> OwnershipRead:
        return cls(
            id=row.id,
            rank_no=row.rank_no,
            owner_kind=row.owner_kind,
            owner_id=row.owner_id,
            owner_name=row.owner_name,
            share=f"{row.share_num}/{row.share_den}",
            cause=row.cause,
            cause_on=row.cause_on,
            registered_on=row.registered_on,
            receipt_no=row.receipt_no,
            ended_on=row.ended_on,
        )


class RightRead(BaseModel):
    id: int
    property_kind: str
    property_id: int
    rank_no: int
    kind: str
    holder_name: str
    amount_won: int
    registered_on: dt.date
    receipt_no: str
    cancelled_on: dt.date | None

    @classmethod
    def of(cls, row: Right) -> RightRead:
        return cls(
            id=row.id,
            property_kind=row.property_kind,
            property_id=row.property_id,
            rank_no=row.rank_no,
            kind=row.kind,
            holder_name=row.holder_name,
            amount_won=row.amount_won,
            registered_on=row.registered_on,
            receipt_no=row.receipt_no,
            cancelled_on=row.cancelled_on,
        )


class ParcelRead(BaseModel):
    id: int
    pnu: str
    pnu_formatted: str
    lot_label: str
    sido_code: str
    sigungu_code: str
    land_category: str
    land_category_en: str
    area_m2: Area
    official_price_per_m2: int
    registered_on: dt.date

    @classmethod
    def of(cls, row: Parcel) -> ParcelRead:
        pnu = Pnu.parse(row.pnu)
        return cls(
            id=row.id,
            pnu=pnu.digits,
            pnu_formatted=pnu.formatted,
            lot_label=pnu.lot_label,
            sido_code=row.sido_code,
            sigungu_code=row.sigungu_code,
            land_category=row.land_category,
            land_category_en=LAND_CATEGORIES.get(row.land_category, ""),
            area_m2=row.area_m2,
            official_price_per_m2=row.official_price_per_m2,
            registered_on=row.registered_on,
        )


class BuildingRead(BaseModel):
    id: int
    parcel_id: int
    name: str
    main_use: str
    structure: str
    floors_above: int
    floors_below: int
    gross_area_m2: Area
    completed_on: dt.date
    address: RoadAddress
    address_label: str

    @classmethod
    def of(cls, row: Building) -> BuildingRead:
        address = RoadAddress.of(row)
        return cls(
            id=row.id,
            parcel_id=row.parcel_id,
            name=row.name,
            main_use=row.main_use,
            structure=row.structure,
            floors_above=row.floors_above,
            floors_below=row.floors_below,
            gross_area_m2=row.gross_area_m2,
            completed_on=row.completed_on,
            address=address,
            address_label=address.label("ko"),
        )


class ParcelRegisterRead(BaseModel):
    """A parcel's register: title (표제부), section A (갑구) and section B (을구).

    `as_of` is the date whose entries in force are shown; it is null when the whole
    history (ended and cancelled entries included) is shown.
    """

    as_of: dt.date | None
    parcel: ParcelRead
    buildings: list[BuildingRead]
    section_a: list[OwnershipRead]
    section_b: list[RightRead]


class BuildingRegisterRead(BaseModel):
    """A building's register: the building and its parcel as title, then sections A and B."""

    as_of: dt.date | None
    building: BuildingRead
    parcel: ParcelRead
    section_a: list[OwnershipRead]
    section_b: list[RightRead]


class HoldingRead(Holding):
    """What one owner holds of one property: their share and since when (the exchange's
    contract `nara.exchange.contracts.land.Holding`, which the API answers too)."""


class HoldingPage(Page[HoldingRead]):
    pass
