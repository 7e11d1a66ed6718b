"""JSON API of the vehicles agency under /api/vehicles.

Vehicles are addressed by id; `/plates/{plate}` and `/vins/{vin}` find one by its numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from nara.core.access import Caller, require
from nara.core.pagination import PageParams, page_params
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.vehicles import liens, service
from nara.vehicles.schemas import (
    BaseAddressUpdate,
    DeregistrationCreate,
    LienCreate,
    LienRead,
    OwnershipRead,
    TransferCreate,
    VehicleCreate,
    VehiclePage,
    VehicleRead,
)

router = APIRouter(prefix="/api/vehicles", tags=["vehicles"])

Reader = Annotated[Caller, Depends(require("vehicles:read"))]
Writer = Annotated[Caller, Depends(require("vehicles:write"))]


@router.post("", status_code=status.HTTP_201_CREATED)
def register_vehicle(
    *,
    body: VehicleCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> VehicleRead:
    """Register a new vehicle (신규등록) with its owner and base address."""
    vehicle = service.register_vehicle(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        actor=caller.actor,
        vehicle_in=body,
    )
    return VehicleRead.of(vehicle)


@router.get("/plates/{plate}")
def read_by_plate(*, plate: str, caller: Reader, session: DbSession) -> VehicleRead:
    """The vehicle carrying a plate (spaces ignored)."""
    return VehicleRead.of(service.find_by_plate(session, plate))


@router.get("/vins/{vin}")
def read_by_vin(*, vin: str, caller: Reader, session: DbSession) -> VehicleRead:
    """The vehicle with a vehicle identification number."""
    return VehicleRead.of(service.find_by_vin(session, vin))


@router.get("/owners/{owner_kind}/{owner_id}")
def vehicles_of_owner(
    *,
    owner_kind: str,
    owner_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    params: Annotated[PageParams, Depends(page_params)],
    as_of: Annotated[dt.date | None, Query(description="The vehicles held on this day.")] = None,
) -> VehiclePage:
    """The registered vehicles a person or business owns now, or those held on `as_of`."""
    vehicles, total = service.vehicles_of_owner(
        session=session,
        clock=clock,
        owner_kind=owner_kind,
        owner_id=owner_id,
        as_of=as_of,
        offset=params.offset,
        limit=params.size,
    )
    return VehiclePage(
        items=[VehicleRead.of(v) for v in vehicles],
        page=params.page,
        size=params.size,
        total=total,
    )


@router.get("/{vehicle_id}")
def read_vehicle(*, vehicle_id: int, caller: Reader, session: DbSession) -> VehicleRead:
    return VehicleRead.of(service.find_vehicle(session, vehicle_id))


@router.get("/{vehicle_id}/ownerships")
def ownership_history(
    *, vehicle_id: int, caller: Reader, session: DbSession
) -> list[OwnershipRead]:
    """Every owner of the vehicle, first to current, with the days they held it."""
    vehicle = service.find_vehicle(session, vehicle_id)
    return [OwnershipRead.of(o) for o in service.ownership_history(session, vehicle)]


@router.post("/{vehicle_id}/transfers", status_code=status.HTTP_201_CREATED)
def transfer_vehicle(
    *,
    vehicle_id: int,
    body: TransferCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> VehicleRead:
    """Register a change of owner (이전등록)."""
    vehicle = service.find_vehicle(session, vehicle_id, for_update=True)
    service.transfer_vehicle(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        actor=caller.actor,
        vehicle=vehicle,
        transfer_in=body,
    )
    return VehicleRead.of(vehicle)


@router.put("/{vehicle_id}/base-address")
def change_base_address(
    *, vehicle_id: int, body: BaseAddressUpdate, caller: Writer, session: DbSession, clock: ClockDep
) -> VehicleRead:
    """Move the vehicle's base address (사용본거지)."""
    vehicle = service.find_vehicle(session, vehicle_id, for_update=True)
    service.change_base_address(
        session=session, clock=clock, actor=caller.actor, vehicle=vehicle, address=body.base_address
    )
    return VehicleRead.of(vehicle)


@router.get("/{vehicle_id}/liens")
def liens_of_vehicle(*, vehicle_id: int, caller: Reader, session: DbSession) -> list[LienRead]:
    """Every lien on the vehicle, released ones included."""
    vehicle = service.find_vehicle(session, vehicle_id)
    return [LienRead.of(lien) for lien in service.liens_of(session, vehicle)]


@router.post("/{vehicle_id}/liens", status_code=status.HTTP_201_CREATED)
def register_lien(
    *, vehicle_id: int, body: LienCreate, caller: Writer, session: DbSession, clock: ClockDep
) -> LienRead:
    """Register a lien (저당권) for a creditor."""
    vehicle = service.find_vehicle(session, vehicle_id, for_update=True)
    lien = liens.register_lien(
        session=session, clock=clock, actor=caller.actor, vehicle=vehicle, lien_in=body
    )
    return LienRead.of(lien)


@router.post("/{vehicle_id}/liens/{lien_id}/release")
def release_lien(
    *, vehicle_id: int, lien_id: int, caller: Writer, session: DbSession, clock: ClockDep
) -> LienRead:
    """Release a lien; it stays on the register as released."""
    vehicle = service.find_vehicle(session, vehicle_id, for_update=True)
    lien = liens.release_lien(
        session=session, clock=clock, actor=caller.actor, vehicle=vehicle, lien_id=lien_id
    )
    return LienRead.of(lien)


@router.post("/{vehicle_id}/deregistration")
def deregister_vehicle(
    *,
    vehicle_id: int,
    body: DeregistrationCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> VehicleRead:
    """End the vehicle's registration (말소등록); no change is taken afterwards."""
    vehicle = service.find_vehicle(session, vehicle_id, for_update=True)
    service.deregister_vehicle(
        session=session,
        clock=clock,
        actor=caller.actor,
        vehicle=vehicle,
        reason=body.reason,
        deregistered_on=body.deregistered_on,
    )
    return VehicleRead.of(vehicle)
