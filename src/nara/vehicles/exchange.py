"""What the vehicles agency offers other agencies through the exchange, and its events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.exchange import CallContext, Service, date_param
from nara.exchange.purposes import Purpose
from nara.exchange.services import person_owner_param
from nara.vehicles import service

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
        }
        for v in vehicles
    ]


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
