"""Queries of the vehicle register. No rules here, and no writes but `session.add`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from nara.core.models import Base
from nara.vehicles.models import Lien, Vehicle, VehicleOwnership


def add(session: Session, row: Base) -> None:
    session.add(row)


def vehicle_by_id(session: Session, vehicle_id: int, *, for_update: bool = False) -> Vehicle | None:
    query = select(Vehicle).where(Vehicle.id == vehicle_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def vehicle_by_plate(session: Session, plate: str) -> Vehicle | None:
    return session.scalar(select(Vehicle).where(Vehicle.plate == plate))


def vehicle_by_vin(session: Session, vin: str) -> Vehicle | None:
    return session.scalar(select(Vehicle).where(Vehicle.vin == vin))


def current_ownership(session: Session, vehicle_id: int) -> VehicleOwnership | None:
    return session.scalar(
        select(VehicleOwnership)
        .where(VehicleOwnership.vehicle_id == vehicle_id, VehicleOwnership.released_on.is_(None))
        .order_by(VehicleOwnership.acquired_on.desc(), VehicleOwnership.id.desc())
        .limit(1)
    )


def ownerships(session: Session, vehicle_id: int) -> list[VehicleOwnership]:
    query = (
        select(VehicleOwnership)
        .where(VehicleOwnership.vehicle_id == vehicle_id)
        .order_by(VehicleOwnership.acquired_on, VehicleOwnership.id)
    )
    return list(session.scalars(query))


def liens(session: Session, vehicle_id: int) -> list[Lien]:
    query = select(Lien).where(Lien.vehicle_id == vehicle_id).order_by(Lien.id)
    return list(session.scalars(query))


def lien_by_id(session: Session, lien_id: int) -> Lien | None:
    return session.scalar(select(Lien).where(Lien.id == lien_id))


def outstanding_liens(session: Session, vehicle_id: int) -> int:
    query = select(func.count()).where(Lien.vehicle_id == vehicle_id, Lien.released_on.is_(None))
    return session.scalar(query) or 0


def _of_owner(owner_kind: str, owner_id: int, as_of: dt.date | None) -> list[ColumnElement[bool]]:
    if as_of is None:
        return [
            Vehicle.owner_kind == owner_kind,
            Vehicle.owner_id == owner_id,
            Vehicle.status == "registered",
        ]
    held = select(VehicleOwnership.vehicle_id).where(
        VehicleOwnership.owner_kind == owner_kind,
        VehicleOwnership.owner_id == owner_id,
        VehicleOwnership.acquired_on <= as_of,
        or_(VehicleOwnership.released_on.is_(None), VehicleOwnership.released_on > as_of),
    )
    return [
        Vehicle.id.in_(held),
        or_(Vehicle.deregistered_on.is_(None), Vehicle.deregistered_on > as_of),
    ]


def vehicles_of_owner(
    session: Session,
    *,
    owner_kind: str,
    owner_id: int,
    as_of: dt.date | None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Vehicle], int]:
    """The vehicles an owner holds now (registered ones) or held on `as_of`, by id."""
    conditions = _of_owner(owner_kind, owner_id, as_of)
    total = session.scalar(select(func.count()).select_from(Vehicle).where(*conditions)) or 0
    query = select(Vehicle).where(*conditions).order_by(Vehicle.id).offset(offset).limit(limit)
    return list(session.scalars(query)), total


def registered_vehicles_of_persons(
    session: Session, person_ids: Sequence[int]
) -> Sequence[Vehicle]:
    """The registered vehicles whose owner is one of the persons."""
    return session.scalars(
        select(Vehicle).where(
            Vehicle.owner_kind == "person",
            Vehicle.owner_id.in_(person_ids),
            Vehicle.status == "registered",
        )
    ).all()
