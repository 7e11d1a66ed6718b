"""Contracts of the vehicle register's services (자동차등록원부): what an owner holds, a vehicle's
register, and the base address (사용본거지) that follows its owner's move."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from nara.exchange.contracts import MAX_IDS, Address, Contract, Id, Model, Record


class VehiclesOfOwnerRequest(Model):
    """Whose vehicles (`person` or `business`, and its register id), now or on `as_of`."""

    owner_kind: str = Field(examples=["person"])
    owner_id: Id
    as_of: dt.date | None = None


class OwnedVehicle(Record):
    """A vehicle an owner holds; `sido_code` (the province it is registered in) is shown to a
    life-event report only."""

    vehicle_id: int
    plate: str
    vin: str
    make: str
    model: str
    model_year: int
    vehicle_type: str
    status: str
    sido_code: str | None = None


VEHICLES_OF_OWNER: Contract[VehiclesOfOwnerRequest, list[OwnedVehicle]] = Contract(
    "vehicles/vehicles-of-owner",
    VehiclesOfOwnerRequest,
    list[OwnedVehicle],
    summary="Vehicles an owner (person or business) holds, currently or as of a date.",
)


# A mover's vehicles follow him ----------------------------------------------------------------


class BaseAddressFollowsRequest(Model):
    """The listed vehicles of a person who moved, and his new address, once per step key."""

    step_key: str
    person_id: Id
    plates: tuple[str, ...]
    address: Address


class BaseAddressFollows(Record):
    """Which plates took the new base address, and which already had it."""

    person_id: int
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    repeated: bool = False


BASE_ADDRESS_FOLLOWS: Contract[BaseAddressFollowsRequest, BaseAddressFollows] = Contract(
    "vehicles/base-address-follows",
    BaseAddressFollowsRequest,
    BaseAddressFollows,
    summary="Move the base address (사용본거지) of a mover's listed vehicles to his new "
    "address, once per step key; refused for a vehicle registered in another province.",
)


class BaseAddressesOfOwnersRequest(Model):
    """Which persons, by id."""

    person_ids: tuple[Id, ...] = Field(max_length=MAX_IDS)


class VehicleBaseAddress(Record):
    """A registered vehicle's plate, province and base address in its parts."""

    plate: str
    sido_code: str
    sigungu_code: str
    road_name: str
    building_main: int
    building_sub: int = 0
    address_detail: str = ""
    postcode: str


class OwnerVehicles(Record):
    """A person's registered vehicles with their base addresses."""

    person_id: int
    vehicles: tuple[VehicleBaseAddress, ...] = ()


BASE_ADDRESSES_OF_OWNERS: Contract[BaseAddressesOfOwnersRequest, dict[int, OwnerVehicles]] = (
    Contract(
        "vehicles/base-addresses-of-owners",
        BaseAddressesOfOwnersRequest,
        dict[int, OwnerVehicles],
        summary="The registered vehicles persons own, with each vehicle's base address.",
    )
)


# The register of one vehicle (자동차등록원부) ------------------------------------------------


class VehicleRegisterRequest(Model):
    """Which vehicle, by plate, as of which day (today when left out)."""

    plate: str = Field(min_length=1, max_length=20, examples=["12가3456"])
    as_of: dt.date | None = None


class RegisteredOwner(Record):
    """An owner of the vehicle up to the day asked about; `current` marks the holder then."""

    owner_kind: str
    owner_id: int
    owner_name: str
    cause: str
    acquired_on: dt.date
    released_on: dt.date | None = None
    current: bool


class VehicleRegister(Record):
    """A vehicle's register as of a day: its particulars and owners."""

    vehicle_id: int | None = None
    plate: str
    vin: str
    make: str
    model: str
    model_year: int
    vehicle_type: str
    fuel: str
    first_registered_on: dt.date
    status: str
    deregistered_on: dt.date | None = None
    as_of: dt.date
    owners: tuple[RegisteredOwner, ...] = ()


REGISTER_OF_VEHICLE: Contract[VehicleRegisterRequest, VehicleRegister | None] = Contract(
    "vehicles/register-of-vehicle",
    VehicleRegisterRequest,
    VehicleRegister | None,
    summary="The register of a vehicle by plate as of a date: make, model, type, year, first "
    "registration, status, and its owners past and current; null when no vehicle carries the "
    "plate then.",
)
