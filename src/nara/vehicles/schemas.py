"""Request and response bodies of the vehicle register API. Amounts are integer won."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from nara.core.address import RoadAddress
from nara.core.pagination import Page
from nara.vehicles.models import Lien, Vehicle, VehicleOwnership


class OwnerIn(BaseModel):
    """The owner of a vehicle.

    `person`: `owner_id` is the resident register id; the name is taken from that register.
    `business`: `owner_id` is the business register id; the name is taken from that register
    (an `owner_name` given with it is ignored).
    """

    owner_kind: str = Field(examples=["person"])
    owner_id: int = Field(ge=1, le=2**63 - 1)
    owner_name: str | None = Field(default=None, min_length=1, max_length=80)


class VehicleCreate(BaseModel):
    plate: str = Field(max_length=20, examples=["123가4567"])
    vin: str = Field(max_length=20, examples=["KMHD341CBNU123456"])
    make: str = Field(min_length=1, max_length=40, examples=["현대"])
    model: str = Field(min_length=1, max_length=60, examples=["아반떼"])
    model_year: int = Field(ge=1886, examples=[2025])
    vehicle_type: str = Field(examples=["passenger"], description="One of VEHICLE_TYPES.")
    fuel: str = Field(examples=["gasoline"], description="One of FUELS.")
    first_registered_on: dt.date
    owner: OwnerIn
    base_address: RoadAddress = Field(description="Where the vehicle is based (사용본거지).")


class TransferCreate(BaseModel):
    """A change of owner (이전등록) on a day."""

    owner: OwnerIn
    cause: str = Field(default="transfer", description="transfer, inheritance or auction.")
    transferred_on: dt.date


class BaseAddressUpdate(BaseModel):
    base_address: RoadAddress


class LienCreate(BaseModel):
    """A chattel mortgage (저당권) in favour of a creditor, for an amount in won."""

    creditor_name: str = Field(min_length=1, max_length=80, examples=["나라캐피탈"])
    amount_won: int = Field(examples=[20_000_000])


class DeregistrationCreate(BaseModel):
    """The end of a vehicle's registration (말소등록); the day defaults to today."""

    reason: str = Field(examples=["scrapped"], description="scrapped, exported, stolen or other.")
    deregistered_on: dt.date | None = None


class VehicleRead(BaseModel):
    id: int
    plate: str
    vin: str
    make: str
    model: str
    model_year: int
    vehicle_type: str
    fuel: str
    first_registered_on: dt.date
    owner_kind: str
    owner_id: int
    owner_name: str
    base_address: RoadAddress
    status: str
    deregistered_on: dt.date | None

    @classmethod
    def of(cls, row: Vehicle) -> VehicleRead:
        return cls(
            id=row.id,
            plate=row.plate,
            vin=row.vin,
            make=row.make,
            model=row.model,
            model_year=row.model_year,
            vehicle_type=row.vehicle_type,
            fuel=row.fuel,
            first_registered_on=row.first_registered_on,
            owner_kind=row.owner_kind,
            owner_id=row.owner_id,
            owner_name=row.owner_name,
            base_address=RoadAddress.of(row),
            status=row.status,
            deregistered_on=row.deregistered_on,
        )


class VehiclePage(Page[VehicleRead]):
    pass


class OwnershipRead(BaseModel):
    id: int
    owner_kind: str
    owner_id: int
    owner_name: str
    cause: str
    acquired_on: dt.date
    released_on: dt.date | None

    @classmethod
    def of(cls, row: VehicleOwnership) -> OwnershipRead:
        return cls(
            id=row.id,
            owner_kind=row.owner_kind,
            owner_id=row.owner_id,
            owner_name=row.owner_name,
            cause=row.cause,
            acquired_on=row.acquired_on,
            released_on=row.released_on,
        )


class LienRead(BaseModel):
    id: int
    vehicle_id: int
    creditor_name: str
    amount_won: int
    registered_on: dt.date
    released_on: dt.date | None

    @classmethod
    def of(cls, row: Lien) -> LienRead:
        return cls(
            id=row.id,
            vehicle_id=row.vehicle_id,
            creditor_name=row.creditor_name,
            amount_won=row.amount_won,
            registered_on=row.registered_on,
            released_on=row.released_on,
        )
