"""The rules of the vehicle register: registration, transfer, base address, liens, the end.

A vehicle's owner fields always name its current owner; `vehicles_ownership` keeps every
owner with the days they held it. Once deregistered (말소), a vehicle takes no more changes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.core.pii import PiiCipher
from nara.exchange import Exchange
from nara.vehicles import repository
from nara.vehicles.models import (
    ACQUISITION_CAUSES,
    FUELS,
    OWNER_KINDS,
    VEHICLE_TYPES,
    Lien,
    Vehicle,
    VehicleOwnership,
    VehiclesChange,
)
from nara.vehicles.numbers import parse_plate, parse_vin
from nara.vehicles.owners import call_context, owner_name_of, person_summary
from nara.vehicles.schemas import TransferCreate, VehicleCreate

TRANSFER_CAUSES = tuple(c for c in ACQUISITION_CAUSES if c != "new")


def _not_future(day: dt.date, clock: Clock, code: str, field_name: str) -> None:
    if day > today(clock):
        raise invalid(
            code,
            f"{field_name} cannot be a day in the future.",
            f"{field_name}은(는) 미래의 날짜일 수 없습니다.",
            field_name=field_name,
        )


def find_vehicle(session: Session, vehicle_id: int, *, for_update: bool = False) -> Vehicle:
    vehicle = repository.vehicle_by_id(session, vehicle_id, for_update=for_update)
    if vehicle is None:
        raise NotFound(
            "vehicle_unknown",
            Message(
                f"No vehicle with id {vehicle_id} is registered.",
                f"id {vehicle_id}인 자동차는 등록되어 있지 않습니다.",
            ),
        )
    return vehicle


def find_by_plate(session: Session, plate_text: str) -> Vehicle:
    plate = parse_plate(plate_text)
    vehicle = repository.vehicle_by_plate(session, plate)
    if vehicle is None:
        raise NotFound(
            "vehicle_unknown",
            Message(
                f"No vehicle carries the plate {plate}.", f"등록번호 {plate}인 자동차가 없습니다."
            ),
        )
    return vehicle


def find_by_vin(session: Session, vin_text: str) -> Vehicle:
    vin = parse_vin(vin_text)
    vehicle = repository.vehicle_by_vin(session, vin)
    if vehicle is None:
        raise NotFound(
            "vehicle_unknown",
            Message(f"No vehicle has the VIN {vin}.", f"차대번호 {vin}인 자동차가 없습니다."),
        )
    return vehicle


def check_registered(vehicle: Vehicle) -> None:
    """A deregistered vehicle takes no more changes."""
    if vehicle.status == "deregistered":
        raise Conflict(
            "vehicle_deregistered",
            Message(
                f"Vehicle {vehicle.plate} was deregistered and cannot be changed.",
                f"자동차 {vehicle.plate}은(는) 말소되어 변경할 수 없습니다.",
            ),
        )


def _check_vehicle_facts(vehicle_in: VehicleCreate, clock: Clock) -> None:
    if vehicle_in.vehicle_type not in VEHICLE_TYPES:
        raise invalid(
            "vehicle_type_unknown",
            f"A vehicle type is one of {', '.join(VEHICLE_TYPES)}.",
            f"차종은 {', '.join(VEHICLE_TYPES)} 중 하나입니다.",
            field_name="vehicle_type",
        )
    if vehicle_in.fuel not in FUELS:
        raise invalid(
            "fuel_unknown",
            f"A fuel is one of {', '.join(FUELS)}.",
            f"연료는 {', '.join(FUELS)} 중 하나입니다.",
            field_name="fuel",
        )
    if vehicle_in.model_year > today(clock).year + 1:
        raise invalid(
            "model_year_future",
            "A model year can be next year at the latest.",
            "연식은 늦어도 내년까지입니다.",
            field_name="model_year",
        )
    _not_future(
        vehicle_in.first_registered_on, clock, "first_registered_on_future", "first_registered_on"
    )


def register_vehicle(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    actor: str,
    vehicle_in: VehicleCreate,
) -> Vehicle:
    """Register a new vehicle (신규등록) with its first owner and base address."""
    plate = parse_plate(vehicle_in.plate)
    vin = parse_vin(vehicle_in.vin)
    _check_vehicle_facts(vehicle_in, clock)
    if repository.vehicle_by_plate(session, plate) is not None:
        raise Conflict(
            "plate_taken",
            Message(
                f"The plate {plate} is already registered.",
                f"등록번호 {plate}은(는) 이미 쓰이고 있습니다.",
            ),
        )
    if repository.vehicle_by_vin(session, vin) is not None:
        raise Conflict(
            "vin_taken",
            Message(
                f"A vehicle with VIN {vin} is already registered.",
                f"차대번호 {vin}은(는) 이미 등록되어 있습니다.",
            ),
        )
    ctx = call_context(session, clock, cipher, "register-check")
    owner_name = owner_name_of(vehicle_in.owner, exchange=exchange, ctx=ctx)
    vehicle = Vehicle(
        plate=plate,
        vin=vin,
        make=vehicle_in.make,
        model=vehicle_in.model,
        model_year=vehicle_in.model_year,
        vehicle_type=vehicle_in.vehicle_type,
        fuel=vehicle_in.fuel,
        first_registered_on=vehicle_in.first_registered_on,
        owner_kind=vehicle_in.owner.owner_kind,
        owner_id=vehicle_in.owner.owner_id,
        owner_name=owner_name,
        status="registered",
        deregistered_on=None,
        **vehicle_in.base_address.columns(),
    )
    repository.add(session, vehicle)
    session.flush()
    repository.add(
        session,
        VehicleOwnership(
            vehicle_id=vehicle.id,
            owner_kind=vehicle.owner_kind,
            owner_id=vehicle.owner_id,
            owner_name=owner_name,
            cause="new",
            acquired_on=vehicle.first_registered_on,
            released_on=None,
        ),
    )
    record_change(
        session,
        clock,
        VehiclesChange,
        entity="vehicle",
        entity_id=vehicle.id,
        action="registered",
        actor=actor,
        event_type="vehicle.registered",
        data={
            "plate": plate,
            "owner_kind": vehicle.owner_kind,
            "owner_id": vehicle.owner_id,
            "sigungu_code": vehicle.sigungu_code,
        },
    )
    return vehicle


def transfer_vehicle(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    actor: str,
    vehicle: Vehicle,
    transfer_in: TransferCreate,
) -> VehicleOwnership:
    """Register a change of owner (이전등록): the current holding ends the day the new begins."""
    check_registered(vehicle)
    if transfer_in.cause not in TRANSFER_CAUSES:
        raise invalid(
            "cause_unknown",
            f"A transfer is caused by {', '.join(TRANSFER_CAUSES)}, not '{transfer_in.cause}'.",
            "이전 원인은 transfer(매매 등), inheritance(상속), auction(경매) 중 하나입니다.",
            field_name="cause",
        )
    _not_future(transfer_in.transferred_on, clock, "transferred_on_future", "transferred_on")
    current = repository.current_ownership(session, vehicle.id)
    if current is not None and transfer_in.transferred_on < current.acquired_on:
        raise invalid(
            "transfer_before_acquisition",
            f"The current owner acquired the vehicle on {current.acquired_on.isoformat()}; "
            "a transfer cannot be dated earlier.",
            f"현재 소유자의 취득일({current.acquired_on.isoformat()})보다 이른 날짜로 이전할 수 "
            "없습니다.",
            field_name="transferred_on",
        )
    new_owner = transfer_in.owner
    if (new_owner.owner_kind, new_owner.owner_id) == (vehicle.owner_kind, vehicle.owner_id):
        raise Conflict(
            "transfer_to_current_owner",
            Message(
                "The vehicle already belongs to this owner.",
                "이미 이 소유자의 자동차입니다.",
            ),
        )
    ctx = call_context(session, clock, cipher, "register-check")
    owner_name = owner_name_of(new_owner, exchange=exchange, ctx=ctx)
    if transfer_in.cause == "inheritance" and (
        vehicle.owner_kind != "person"
        or person_summary(exchange, ctx, vehicle.owner_id).status != "deceased"
    ):
        raise Conflict(
            "previous_owner_not_deceased",
            Message(
                "A vehicle passes by inheritance only from an owner who has died.",
                "상속 이전은 소유자가 사망한 경우에만 할 수 있습니다.",
            ),
        )
    if current is not None:
        current.released_on = transfer_in.transferred_on
    ownership = VehicleOwnership(
        vehicle_id=vehicle.id,
        owner_kind=new_owner.owner_kind,
        owner_id=new_owner.owner_id,
        owner_name=owner_name,
        cause=transfer_in.cause,
        acquired_on=transfer_in.transferred_on,
        released_on=None,
    )
    repository.add(session, ownership)
    previous = {"owner_kind": vehicle.owner_kind, "owner_id": vehicle.owner_id}
    vehicle.owner_kind = new_owner.owner_kind
    vehicle.owner_id = new_owner.owner_id
    vehicle.owner_name = owner_name
    session.flush()
    record_change(
        session,
        clock,
        VehiclesChange,
        entity="vehicle",
        entity_id=vehicle.id,
        action="transferred",
        actor=actor,
        event_type="vehicle.transferred",
        data={
            "plate": vehicle.plate,
            "cause": transfer_in.cause,
            "transferred_on": transfer_in.transferred_on.isoformat(),
            "from": previous,
            "to": {"owner_kind": new_owner.owner_kind, "owner_id": new_owner.owner_id},
        },
    )
    return ownership


def change_base_address(
    *, session: Session, clock: Clock, actor: str, vehicle: Vehicle, address: RoadAddress
) -> Vehicle:
    """Move the vehicle's base address (사용본거지 변경)."""
    check_registered(vehicle)
    previous = RoadAddress.of(vehicle)
    if address == previous:
        raise Conflict(
            "address_unchanged",
            Message(
                "The vehicle is already based at this address.",
                "이미 이 주소가 사용본거지입니다.",
            ),
        )
    for column, value in address.columns().items():
        setattr(vehicle, column, value)
    session.flush()
    record_change(
        session,
        clock,
        VehiclesChange,
        entity="vehicle",
        entity_id=vehicle.id,
        action="address_changed",
        actor=actor,
        event_type="vehicle.address_changed",
        data={
            "plate": vehicle.plate,
            "from_sigungu_code": previous.sigungu_code,
            "sigungu_code": address.sigungu_code,
        },
    )
    return vehicle


DEREGISTRATION_REASONS = ("scrapped", "exported", "stolen", "other")


def deregister_vehicle(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    vehicle: Vehicle,
    reason: str,
    deregistered_on: dt.date | None,
) -> Vehicle:
    """End a vehicle's registration (말소등록); liens must have been released first."""
    check_registered(vehicle)
    if reason not in DEREGISTRATION_REASONS:
        raise invalid(
            "reason_unknown",
            f"A vehicle is deregistered as {', '.join(DEREGISTRATION_REASONS)}.",
            f"말소 사유는 {', '.join(DEREGISTRATION_REASONS)} 중 하나입니다.",
            field_name="reason",
        )
    day = deregistered_on or today(clock)
    _not_future(day, clock, "deregistered_on_future", "deregistered_on")
    current = repository.current_ownership(session, vehicle.id)
    if current is not None and day < current.acquired_on:
        raise invalid(
            "deregistration_before_acquisition",
            "A vehicle cannot be deregistered before its current owner acquired it.",
            "현재 소유자의 취득일보다 이른 날짜로 말소할 수 없습니다.",
            field_name="deregistered_on",
        )
    if repository.outstanding_liens(session, vehicle.id):
        raise Conflict(
            "liens_outstanding",
            Message(
                "The vehicle still carries liens; they must be released before deregistration.",
                "저당권이 남아 있어 말소할 수 없습니다. 먼저 저당권을 말소하세요.",
            ),
        )
    vehicle.status = "deregistered"
    vehicle.deregistered_on = day
    session.flush()
    record_change(
        session,
        clock,
        VehiclesChange,
        entity="vehicle",
        entity_id=vehicle.id,
        action="deregistered",
        actor=actor,
        event_type="vehicle.deregistered",
        data={"plate": vehicle.plate, "reason": reason, "deregistered_on": day.isoformat()},
    )
    return vehicle


def vehicles_of_owner(
    *,
    session: Session,
    clock: Clock,
    owner_kind: str,
    owner_id: int,
    as_of: dt.date | None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Vehicle], int]:
    """The registered vehicles an owner holds now, or those they held `as_of` a past day."""
    if owner_kind not in OWNER_KINDS:
        raise invalid(
            "owner_kind_unknown",
            f"A vehicle is owned by a person or a business, not '{owner_kind}'.",
            f"자동차 소유자 구분은 person 또는 business입니다('{owner_kind}').",
            field_name="owner_kind",
        )
    if as_of is not None:
        _not_future(as_of, clock, "as_of_future", "as_of")
    return repository.vehicles_of_owner(
        session, owner_kind=owner_kind, owner_id=owner_id, as_of=as_of, offset=offset, limit=limit
    )


def ownership_history(session: Session, vehicle: Vehicle) -> list[VehicleOwnership]:
    return repository.ownerships(session, vehicle.id)


def liens_of(session: Session, vehicle: Vehicle) -> list[Lien]:
    return repository.liens(session, vehicle.id)
