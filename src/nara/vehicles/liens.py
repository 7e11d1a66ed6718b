"""Liens on vehicles: chattel mortgages (자동차 저당권) registered and released."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.vehicles import repository
from nara.vehicles.models import Lien, Vehicle, VehiclesChange
from nara.vehicles.schemas import LienCreate
from nara.vehicles.service import check_registered


def register_lien(
    *, session: Session, clock: Clock, actor: str, vehicle: Vehicle, lien_in: LienCreate
) -> Lien:
    """Register a lien for a creditor; the amount is in won and more than nothing."""
    check_registered(vehicle)
    if lien_in.amount_won <= 0:
        raise invalid(
            "lien_amount_not_positive",
            "A lien secures an amount of more than 0 won.",
            "저당권의 채권액은 0원보다 커야 합니다.",
            field_name="amount_won",
        )
    lien = Lien(
        vehicle_id=vehicle.id,
        creditor_name=lien_in.creditor_name,
        amount_won=lien_in.amount_won,
        registered_on=today(clock),
        released_on=None,
    )
    repository.add(session, lien)
    session.flush()
    record_change(
        session,
        clock,
        VehiclesChange,
        entity="vehicle",
        entity_id=vehicle.id,
        action="lien_registered",
        actor=actor,
        event_type="vehicle.lien_registered",
        data={"plate": vehicle.plate, "lien_id": lien.id, "amount_won": lien.amount_won},
    )
    return lien


def release_lien(
    *, session: Session, clock: Clock, actor: str, vehicle: Vehicle, lien_id: int
) -> Lien:
    """Release a lien (저당권 말소); it stays on the register with `released_on`."""
    check_registered(vehicle)
    lien = repository.lien_by_id(session, lien_id)
    if lien is None or lien.vehicle_id != vehicle.id:
        raise NotFound(
            "lien_unknown",
            Message(
                f"Vehicle {vehicle.plate} has no lien with id {lien_id}.",
                f"자동차 {vehicle.plate}에는 id {lien_id}인 저당권이 없습니다.",
            ),
        )
    if lien.released_on is not None:
        raise Conflict(
            "lien_already_released",
            Message(
                f"Lien {lien_id} was already released on {lien.released_on.isoformat()}.",
                f"id {lien_id}인 저당권은 {lien.released_on.isoformat()}에 이미 말소되었습니다.",
            ),
        )
    lien.released_on = today(clock)
    session.flush()
    record_change(
        session,
        clock,
        VehiclesChange,
        entity="vehicle",
        entity_id=vehicle.id,
        action="lien_released",
        actor=actor,
        event_type="vehicle.lien_released",
        data={"plate": vehicle.plate, "lien_id": lien.id},
    )
    return lien
