"""What the vehicles agency offers other agencies through the exchange, and its events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.core.address import RoadAddress
from nara.core.clock import today
from nara.core.errors import Invalid
from nara.exchange import CallContext, Service, date_param
from nara.exchange.purposes import Purpose
from nara.exchange.services import (
    no_subjects,
    person_id_param,
    person_ids_param,
    person_owner_param,
)
from nara.vehicles import reports, repository, service
from nara.vehicles.numbers import parse_plate

FIELDS = frozenset(
    {"vehicle_id", "plate", "vin", "make", "model", "model_year", "vehicle_type", "status"}
)


def vehicles_of_owner(
    ctx: CallContext, *, owner_kind: str, owner_id: int, as_of: dt.date | str | None = None
) -> list[dict[str, Any]]:
    """The vehicles a person or business owns (or owned on `as_of`): plate, VIN, model.

    Used, for instance, by the inheritance lookup (안심상속) to find a deceased's vehicles.
    """
    vehicles, _total = service.vehicles_of_owner(
        session=ctx.session,
        clock=ctx.clock,
        owner_kind=owner_kind,
        owner_id=owner_id,
        as_of=date_param(as_of, field_name="as_of"),
    )
    return [
        {
            "vehicle_id": v.id,
            "plate": v.plate,
            "vin": v.vin,
            "make": v.make,
            "model": v.model,
            "model_year": v.model_year,
            "vehicle_type": v.vehicle_type,
            "status": v.status,
            "sido_code": v.sido_code,
        }
        for v in vehicles
    ]


def base_address_follows(
    ctx: CallContext, *, step_key: str, person_id: int, plates: list[str], address: dict[str, Any]
) -> dict[str, Any]:
    """Move the base address of the listed vehicles of a person who moved, once per step key."""
    return reports.follow_owner(
        ctx.session,
        ctx.clock,
        step_key=step_key,
        person_id=person_id,
        plates=plates,
        address=RoadAddress.model_validate(address),
        actor=f"{ctx.client}:{ctx.user_id}",
    )


def base_addresses_of_owners(
    ctx: CallContext, *, person_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """The registered vehicles of persons with their base addresses, by person."""
    found = reports.base_addresses_of_owners(ctx.session, person_ids)
    return {
        person_id: {"person_id": person_id, "vehicles": vehicles}
        for person_id, vehicles in found.items()
    }


def _held_by(acquired_on: dt.date, released_on: dt.date | None, day: dt.date) -> bool:
    return acquired_on <= day and (released_on is None or released_on > day)


def _until(ended: dt.date | None, day: dt.date) -> str | None:
    """An end date as the register showed it on `day` (a later end is not yet known)."""
    return ended.isoformat() if ended is not None and ended <= day else None


def register_of_vehicle(
    ctx: CallContext, *, plate: str, as_of: dt.date | str | None = None
) -> dict[str, Any] | None:
    """The register of one vehicle by plate as of a day (today by default): its particulars
    and its owners up to that day, the current one marked (자동차등록원부). None when no
    vehicle carries the plate or it was first registered after that day."""
    day = date_param(as_of, field_name="as_of") or today(ctx.clock)
    try:
        vehicle = repository.vehicle_by_plate(ctx.session, parse_plate(plate))
    except Invalid:
        return None
    if vehicle is None or vehicle.first_registered_on > day:
        return None
    deregistered = vehicle.deregistered_on is not None and vehicle.deregistered_on <= day
    return {
        "vehicle_id": vehicle.id,
        "plate": vehicle.plate,
        "vin": vehicle.vin,
        "make": vehicle.make,
        "model": vehicle.model,
        "model_year": vehicle.model_year,
        "vehicle_type": vehicle.vehicle_type,
        "fuel": vehicle.fuel,
        "first_registered_on": vehicle.first_registered_on.isoformat(),
        "status": "deregistered" if deregistered else "registered",
        "deregistered_on": _until(vehicle.deregistered_on, day),
        "as_of": day.isoformat(),
        "owners": [
            {
                "owner_kind": o.owner_kind,
                "owner_id": o.owner_id,
                "owner_name": o.owner_name,
                "cause": o.cause,
                "acquired_on": o.acquired_on.isoformat(),
                "released_on": _until(o.released_on, day),
                "current": _held_by(o.acquired_on, o.released_on, day),
            }
            for o in repository.ownerships(ctx.session, vehicle.id)
            if o.acquired_on <= day
        ],
    }


def _owners_read(answer: Any) -> list[int]:
    """The persons whose ownership a register answer shows."""
    if not isinstance(answer, dict):
        return []
    return [
        int(owner["owner_id"])
        for owner in answer.get("owners", [])
        if owner.get("owner_kind") == "person" and owner.get("owner_id") is not None
    ]


REGISTER_FIELDS = frozenset(
    {
        "plate",
        "vin",
        "make",
        "model",
        "model_year",
        "vehicle_type",
        "fuel",
        "first_registered_on",
        "status",
        "deregistered_on",
        "as_of",
        "owners",
    }
)

ADDRESS_CHANGE_REFERENCE = "자동차등록령 제22조 (주소변경으로 인한 변경등록의 특례)"

SERVICES: list[Service] = [
    Service(
        id="vehicles/vehicles-of-owner",
        description="Vehicles an owner (person or business) holds, currently or as of a date.",
        handler=vehicles_of_owner,
        subjects=person_owner_param,
        purposes=(
            Purpose(
                code="asset-lookup",
                fields=FIELDS,
                lawful_basis="consent",
                legal_reference="",
                en="The person asked for a lookup of his assets.",
                ko="본인이 재산 조회를 신청했습니다.",
            ),
            Purpose(
                code="tax-assessment",
                fields=FIELDS,
                lawful_basis="legal_obligation",
                legal_reference="지방세기본법 제130조; 국세기본법 제81조의13",
                en="A tax office assesses the taxes on what the owner holds.",
                ko="세무관서가 보유 재산에 대한 세금을 부과합니다.",
            ),
            Purpose(
                code="life-event-report",
                fields=FIELDS | {"sido_code"},
                lawful_basis="public_task",
                legal_reference=ADDRESS_CHANGE_REFERENCE,
                en="A moving-in report lists the mover's vehicles whose base address follows him.",
                ko="전입신고서에 사용본거지를 함께 옮길 신고인의 자동차를 표시합니다.",
            ),
            Purpose(
                code="inheritance-lookup",
                fields=FIELDS,
                lawful_basis="public_task",
                legal_reference="상속세 및 증여세법 제83조",
                en="Safe Inheritance (안심상속) shows an heir the deceased's assets.",
                ko="안심상속 원스톱 서비스가 상속인에게 피상속인의 재산을 알려 줍니다.",
            ),
        ),
    ),
    Service(
        id="vehicles/base-address-follows",
        description="Move the base address (사용본거지) of a mover's listed vehicles to his new "
        "address, once per step key; refused for a vehicle registered in another province.",
        handler=base_address_follows,
        subjects=person_id_param,
        purposes=(
            Purpose(
                code="moving-in-report",
                fields=frozenset({"person_id", "changed", "unchanged", "repeated"}),
                lawful_basis="public_task",
                legal_reference=ADDRESS_CHANGE_REFERENCE,
                en="A moving-in report stands for the change of the vehicles' base address.",
                ko="전입신고로 자동차 사용본거지 변경등록을 갈음합니다.",
            ),
        ),
    ),
    Service(
        id="vehicles/base-addresses-of-owners",
        description="The registered vehicles persons own, with each vehicle's base address.",
        handler=base_addresses_of_owners,
        subjects=person_ids_param,
        purposes=(
            Purpose(
                code="register-consistency",
                fields=frozenset({"person_id", "vehicles"}),
                lawful_basis="public_task",
                legal_reference="전자정부법 제36조 (행정정보의 효율적 관리 및 이용)",
                en="Operators check that vehicles' base addresses agree with their owners' "
                "addresses in the resident register.",
                ko="운영자가 자동차 사용본거지가 소유자의 주민등록 주소와 일치하는지 점검합니다.",
            ),
        ),
    ),
    Service(
        id="vehicles/register-of-vehicle",
        description="The register of a vehicle by plate as of a date: make, model, type, "
        "year, first registration, status, and its owners past and current.",
        handler=register_of_vehicle,
        subjects=no_subjects,
        answer_subjects=_owners_read,
        purposes=(
            Purpose(
                code="certificate-issuance",
                fields=REGISTER_FIELDS,
                lawful_basis="public_task",
                legal_reference="자동차관리법 제7조 (자동차등록원부의 열람·발급)",
                en="The single window issues a copy of the vehicle register "
                "(자동차등록원부) to an owner of the vehicle.",
                ko="정부24가 자동차 소유자의 신청에 따라 자동차등록원부 등본을 발급합니다.",
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {
    "vehicle.registered": "A new vehicle was registered (신규등록) with its first owner.",
    "vehicle.transferred": "A vehicle passed to a new owner (이전등록).",
    "vehicle.address_changed": "A vehicle's base address (사용본거지) changed.",
    "vehicle.lien_registered": "A lien (저당권) was registered on a vehicle.",
    "vehicle.lien_released": "A lien on a vehicle was released.",
    "vehicle.deregistered": "A vehicle's registration ended (말소등록).",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ("residents/person-summaries", "business/summaries")
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
