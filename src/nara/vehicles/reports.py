"""The vehicle register's part in a moving-in report: the base address follows the owner.

A moving-in report that lists the owner's vehicles also changes their base address (사용본거지),
as the Motor Vehicle Registration Decree lets a moving-in report stand for that change
(자동차등록령 제22조) — within the province only: a move to another province needs a change of
registration at the new province's office, which the citizen is told when filing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, Message
from nara.core.idempotency import apply_once
from nara.vehicles import repository, service
from nara.vehicles.models import Vehicle

BASE_ADDRESS_FOLLOWS = "vehicles/base-address-follows"


def province_crossing(vehicle_sido: str, new_sido: str) -> bool:
    return vehicle_sido != new_sido


def follow_owner(
    session: Session,
    clock: Clock,
    *,
    step_key: str,
    person_id: int,
    plates: list[str],
    address: RoadAddress,
    actor: str,
) -> dict[str, Any]:
    """Move the base address of the listed vehicles of a person to his new address, once."""

    def apply() -> dict[str, Any]:
        changed: list[str] = []
        unchanged: list[str] = []
        for plate in plates:
            vehicle = service.find_by_plate(session, plate)
            session.refresh(vehicle, with_for_update=True)
            _check_owner(vehicle, person_id)
            service.check_registered(vehicle)
            if province_crossing(vehicle.sido_code, address.sido_code):
                raise _crossing(vehicle)
            if RoadAddress.of(vehicle) == address:
                unchanged.append(vehicle.plate)
                continue
            service.change_base_address(
                session=session, clock=clock, actor=actor, vehicle=vehicle, address=address
            )
            changed.append(vehicle.plate)
        return {"person_id": person_id, "changed": changed, "unchanged": unchanged}

    return apply_once(session, clock, scope=BASE_ADDRESS_FOLLOWS, step_key=step_key, apply=apply)


def _check_owner(vehicle: Vehicle, person_id: int) -> None:
    if vehicle.owner_kind != "person" or vehicle.owner_id != person_id:
        raise Forbidden(
            "vehicle_not_owned",
            Message(
                f"Vehicle {vehicle.plate} is not registered to the person who moved.",
                f"자동차 {vehicle.plate}은(는) 전입한 사람의 소유로 등록되어 있지 않습니다.",
            ),
            {"plate": vehicle.plate},
        )


def _crossing(vehicle: Vehicle) -> Conflict:
    return Conflict(
        "vehicle_province_crossing",
        Message(
            f"Vehicle {vehicle.plate} is registered in another province: a move across "
            "provinces needs a change of registration at the new province's vehicle office.",
            f"자동차 {vehicle.plate}은(는) 다른 시·도에 등록되어 있어, 시·도를 넘는 전입은 새 "
            "시·도의 자동차등록사업소에 변경등록을 신청해야 합니다.",
        ),
        {"plate": vehicle.plate},
    )


def base_addresses_of_owners(
    session: Session, person_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """The registered vehicles of persons with their base addresses (for the consistency check)."""
    rows = repository.registered_vehicles_of_persons(session, sorted(set(person_ids)))
    found: dict[int, list[dict[str, Any]]] = {}
    for vehicle in rows:
        found.setdefault(vehicle.owner_id, []).append(
            {
                "plate": vehicle.plate,
                "sido_code": vehicle.sido_code,
                **RoadAddress.of(vehicle).model_dump(),
            }
        )
    return found
