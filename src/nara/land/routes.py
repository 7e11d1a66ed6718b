"""JSON API of the land agency under /api/land.

Parcels are addressed by their PNU (19 digits, hyphens allowed), buildings and rights by id.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from nara.core.access import Caller, require
from nara.core.clock import Clock
from nara.core.pagination import PageParams, page_params
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.land import rights, service, transfers
from nara.land.models import Building, Parcel
from nara.land.owners import share_text
from nara.land.schemas import (
    BuildingCreate,
    BuildingRead,
    BuildingRegisterRead,
    HoldingPage,
    HoldingRead,
    OwnershipRead,
    ParcelCreate,
    ParcelRead,
    ParcelRegisterRead,
    RightCreate,
    RightRead,
    TransferCreate,
)

router = APIRouter(prefix="/api/land", tags=["land"])

Reader = Annotated[Caller, Depends(require("land:read"))]
Writer = Annotated[Caller, Depends(require("land:write"))]
AsOf = Annotated[
    dt.date | None, Query(description="Show the entries in force on this day (YYYY-MM-DD).")
]
History = Annotated[bool, Query(description="Show every entry, ended and cancelled ones included.")]


def _parcel_register(
    session: Session, clock: Clock, parcel: Parcel, *, as_of: dt.date | None, history: bool
) -> ParcelRegisterRead:
    shown, section_a, section_b = service.register_entries(
        session=session, clock=clock, prop=parcel, as_of=as_of, history=history
    )
    return ParcelRegisterRead(
        as_of=shown,
        parcel=ParcelRead.of(parcel),
        buildings=[BuildingRead.of(b) for b in service.buildings_on(session, parcel)],
        section_a=[OwnershipRead.of(e) for e in section_a],
        section_b=[RightRead.of(r) for r in section_b],
    )


def _building_register(
    session: Session, clock: Clock, building: Building, *, as_of: dt.date | None, history: bool
) -> BuildingRegisterRead:
    shown, section_a, section_b = service.register_entries(
        session=session, clock=clock, prop=building, as_of=as_of, history=history
    )
    return BuildingRegisterRead(
        as_of=shown,
        building=BuildingRead.of(building),
        parcel=ParcelRead.of(service.parcel_of(session, building)),
        section_a=[OwnershipRead.of(e) for e in section_a],
        section_b=[RightRead.of(r) for r in section_b],
    )


@router.post("/parcels", status_code=status.HTTP_201_CREATED)
def register_parcel(
    *,
    body: ParcelCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> ParcelRegisterRead:
    """Open a parcel's register: title and preservation of ownership (소유권보존)."""
    parcel = service.register_parcel(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        actor=caller.actor,
        parcel_in=body,
    )
    return _parcel_register(session, clock, parcel, as_of=None, history=False)


@router.get("/parcels/{pnu}")
def read_parcel(
    *,
    pnu: str,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    as_of: AsOf = None,
    history: History = False,
) -> ParcelRegisterRead:
    """A parcel's register: entries in force today, on `as_of`, or (`history`) all of them."""
    parcel = service.find_parcel(session, pnu)
    return _parcel_register(session, clock, parcel, as_of=as_of, history=history)


@router.post("/parcels/{pnu}/buildings", status_code=status.HTTP_201_CREATED)
def register_building(
    *,
    pnu: str,
    body: BuildingCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> BuildingRegisterRead:
    """Open the register of a building on this parcel, with its preservation of ownership."""
    parcel = service.find_parcel(session, pnu, for_update=True)
    building = service.register_building(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        actor=caller.actor,
        parcel=parcel,
        building_in=body,
    )
    return _building_register(session, clock, building, as_of=None, history=False)


@router.post("/parcels/{pnu}/transfers", status_code=status.HTTP_201_CREATED)
def transfer_parcel(
    *,
    pnu: str,
    body: TransferCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> ParcelRegisterRead:
    """Register a transfer of the parcel or of shares of it (section A)."""
    parcel = service.find_parcel(session, pnu, for_update=True)
    transfers.transfer_ownership(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        actor=caller.actor,
        prop=parcel,
        transfer_in=body,
    )
    return _parcel_register(session, clock, parcel, as_of=None, history=False)


@router.post("/parcels/{pnu}/rights", status_code=status.HTTP_201_CREATED)
def register_parcel_right(
    *, pnu: str, body: RightCreate, caller: Writer, session: DbSession, clock: ClockDep
) -> RightRead:
    """Register a mortgage, jeonse, easement or lease over the parcel (section B)."""
    parcel = service.find_parcel(session, pnu, for_update=True)
    right = rights.register_right(
        session=session, clock=clock, actor=caller.actor, prop=parcel, right_in=body
    )
    return RightRead.of(right)


@router.get("/buildings/{building_id}")
def read_building(
    *,
    building_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    as_of: AsOf = None,
    history: History = False,
) -> BuildingRegisterRead:
    """A building's register: entries in force today, on `as_of`, or (`history`) all of them."""
    building = service.find_building(session, building_id)
    return _building_register(session, clock, building, as_of=as_of, history=history)


@router.post("/buildings/{building_id}/transfers", status_code=status.HTTP_201_CREATED)
def transfer_building(
    *,
    building_id: int,
    body: TransferCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> BuildingRegisterRead:
    """Register a transfer of the building or of shares of it (section A)."""
    building = service.find_building(session, building_id, for_update=True)
    transfers.transfer_ownership(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        actor=caller.actor,
        prop=building,
        transfer_in=body,
    )
    return _building_register(session, clock, building, as_of=None, history=False)


@router.post("/buildings/{building_id}/rights", status_code=status.HTTP_201_CREATED)
def register_building_right(
    *, building_id: int, body: RightCreate, caller: Writer, session: DbSession, clock: ClockDep
) -> RightRead:
    """Register a mortgage, jeonse, easement or lease over the building (section B)."""
    building = service.find_building(session, building_id, for_update=True)
    right = rights.register_right(
        session=session, clock=clock, actor=caller.actor, prop=building, right_in=body
    )
    return RightRead.of(right)


@router.post("/rights/{right_id}/cancellation")
def cancel_right(
    *, right_id: int, caller: Writer, session: DbSession, clock: ClockDep
) -> RightRead:
    """Cancel a section B right (말소); it stays on the register as cancelled."""
    right = rights.cancel_right(session=session, clock=clock, actor=caller.actor, right_id=right_id)
    return RightRead.of(right)


@router.get("/owners/{owner_kind}/{owner_id}/properties")
def properties_of_owner(
    *,
    owner_kind: str,
    owner_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    params: Annotated[PageParams, Depends(page_params)],
    as_of: AsOf = None,
) -> HoldingPage:
    """The parcels and buildings a person or business owns now, or owned on `as_of`."""
    holdings, total = service.holdings_of_owner(
        session=session,
        clock=clock,
        owner_kind=owner_kind,
        owner_id=owner_id,
        as_of=as_of,
        offset=params.offset,
        limit=params.size,
    )
    items = [
        HoldingRead(
            property_kind=h.property_kind,
            property_id=h.property_id,
            pnu=h.pnu,
            label=h.label,
            share=share_text(h.share),
            since=h.since,
        )
        for h in holdings
    ]
    return HoldingPage(items=items, page=params.page, size=params.size, total=total)
