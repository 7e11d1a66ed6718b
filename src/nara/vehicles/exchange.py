"""What the vehicles agency offers other agencies through the exchange, and its events."""

from __future__ import annotations

import datetime as dt

from nara.core.clock import today
from nara.core.errors import Invalid
from nara.exchange import CallContext, Service
from nara.exchange.contracts.vehicles import (
    BASE_ADDRESS_FOLLOWS,
    BASE_ADDRESSES_OF_OWNERS,
    REGISTER_OF_VEHICLE,
    VEHICLES_OF_OWNER,
    BaseAddressesOfOwnersRequest,
    BaseAddressFollows,
    BaseAddressFollowsRequest,
    OwnedVehicle,
    OwnerVehicles,
    RegisteredOwner,
    VehicleBaseAddress,
    VehicleRegister,
    VehicleRegisterRequest,
    VehiclesOfOwnerRequest,
)
from nara.exchange.preconditions import INHERITANCE_USES, deceased_for_an_heir
from nara.exchange.purposes import Purpose
from nara.exchange.services import persons_answered
from nara.vehicles import reports, repository, service
from nara.vehicles.numbers import parse_plate

FIELDS = frozenset(OwnedVehicle.model_fields) - {"sido_code"}


def vehicles_of_owner(ctx: CallContext, request: VehiclesOfOwnerRequest) -> list[OwnedVehicle]:
    """The vehicles a person or business owns (or owned on `as_of`): plate, VIN, model.

    Used, for instance, by the inheritance lookup (안심상속) to find a deceased's vehicles.
    """
    vehicles, _total = service.vehicles_of_owner(
        session=ctx.session,
        clock=ctx.clock,
        owner_kind=request.owner_kind,
        owner_id=request.owner_id,
        as_of=request.as_of,
    )
    return [
        OwnedVehicle(
            vehicle_id=v.id,
            plate=v.plate,
            vin=v.vin,
            make=v.make,
            model=v.model,
            model_year=v.model_year,
            vehicle_type=v.vehicle_type,
            status=v.status,
            sido_code=v.sido_code,
        )
        for v in vehicles
    ]


def base_address_follows(
    ctx: CallContext, request: BaseAddressFollowsRequest
) -> BaseAddressFollows:
    """Move the base address of the listed vehicles of a person who moved, once per step key."""
    answer = reports.follow_owner(
        ctx.session,
        ctx.clock,
        step_key=request.step_key,
        person_id=request.person_id,
        plates=list(request.plates),
        address=request.address.registered(),
        actor=f"{ctx.client}:{ctx.user_id}",
    )
    return BaseAddressFollows.model_validate(answer)


def base_addresses_of_owners(
    ctx: CallContext, request: BaseAddressesOfOwnersRequest
) -> dict[int, OwnerVehicles]:
    """The registered vehicles of persons with their base addresses, by person."""
    found = reports.base_addresses_of_owners(ctx.session, list(request.person_ids))
    return {
        person_id: OwnerVehicles(
            person_id=person_id,
            vehicles=tuple(VehicleBaseAddress.model_validate(v) for v in vehicles),
        )
        for person_id, vehicles in found.items()
    }


def _held_by(acquired_on: dt.date, released_on: dt.date | None, day: dt.date) -> bool:
    return acquired_on <= day and (released_on is None or released_on > day)


def _until(ended: dt.date | None, day: dt.date) -> dt.date | None:
    """An end date as the register showed it on `day` (a later end is not yet known)."""
    return ended if ended is not None and ended <= day else None


def register_of_vehicle(
    ctx: CallContext, request: VehicleRegisterRequest
) -> VehicleRegister | None:
    """The register of one vehicle by plate as of a day (today by default): its particulars
    and its owners up to that day, the current one marked (자동차등록원부). None when no
    vehicle carries the plate or it was first registered after that day."""
    day = request.as_of or today(ctx.clock)
    try:
        vehicle = repository.vehicle_by_plate(ctx.session, parse_plate(request.plate))
    except Invalid:
        return None
    if vehicle is None or vehicle.first_registered_on > day:
        return None
    deregistered = vehicle.deregistered_on is not None and vehicle.deregistered_on <= day
    return VehicleRegister(
        vehicle_id=vehicle.id,
        plate=vehicle.plate,
        vin=vehicle.vin,
        make=vehicle.make,
        model=vehicle.model,
        model_year=vehicle.model_year,
        vehicle_type=vehicle.vehicle_type,
        fuel=vehicle.fuel,
        first_registered_on=vehicle.first_registered_on,
        status="deregistered" if deregistered else "registered",
        deregistered_on=_until(vehicle.deregistered_on, day),
        as_of=day,
        owners=tuple(
            RegisteredOwner(
                owner_kind=o.owner_kind,
                owner_id=o.owner_id,
                owner_name=o.owner_name,
                cause=o.cause,
                acquired_on=o.acquired_on,
                released_on=_until(o.released_on, day),
                current=_held_by(o.acquired_on, o.released_on, day),
            )
            for o in repository.ownerships(ctx.session, vehicle.id)
            if o.acquired_on <= day
        ),
    )


def _owners_read(answer: VehicleRegister | None) -> list[int]:
    """The persons whose ownership a register answer shows."""
    if answer is None:
        return []
    return [owner.owner_id for owner in answer.owners if owner.owner_kind == "person"]


def _person_owner(request: VehiclesOfOwnerRequest) -> list[int]:
    """The owner of a call, when the owner is a person."""
    return [request.owner_id] if request.owner_kind == "person" else []


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
    Service.typed(
        VEHICLES_OF_OWNER,
        vehicles_of_owner,
        subjects=_person_owner,
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
                preconditions=(
                    deceased_for_an_heir(
                        lambda request: request.owner_id if request.owner_kind == "person" else None
                    ),
                ),
            ),
        ),
    ),
    Service.typed(
        BASE_ADDRESS_FOLLOWS,
        base_address_follows,
        subjects=lambda request: [request.person_id],
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
    Service.typed(
        BASE_ADDRESSES_OF_OWNERS,
        base_addresses_of_owners,
        subjects=lambda request: list(request.person_ids),
        found=persons_answered,
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
    Service.typed(
        REGISTER_OF_VEHICLE,
        register_of_vehicle,
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

USES: tuple[str, ...] = ("residents/person-summaries", "business/summaries", *INHERITANCE_USES)
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
