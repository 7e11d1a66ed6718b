"""What the land agency offers other agencies through the exchange, and the events it publishes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.exchange import CallContext, Service, date_param
from nara.exchange.purposes import Purpose
from nara.exchange.services import person_owner_param
from nara.land import service
from nara.land.owners import share_text

FIELDS = frozenset({"property_kind", "property_id", "pnu", "label", "share", "since"})


def properties_of_owner(
    ctx: CallContext, *, owner_kind: str, owner_id: int, as_of: dt.date | str | None = None
) -> list[dict[str, Any]]:
    """Every parcel and building a person or business owns (or owned on `as_of`), with shares.

    Used, for instance, by the inheritance lookup (안심상속) to find a deceased's land.
    """
    holdings, _total = service.holdings_of_owner(
        session=ctx.session,
        clock=ctx.clock,
        owner_kind=owner_kind,
        owner_id=owner_id,
        as_of=date_param(as_of, field_name="as_of"),
    )
    return [
        {
            "property_kind": h.property_kind,
            "property_id": h.property_id,
            "pnu": h.pnu,
            "label": h.label,
            "share": share_text(h.share),
            "since": h.since.isoformat(),
        }
        for h in holdings
    ]


SERVICES: list[Service] = [
    Service(
        id="land/properties-of-owner",
        description="Parcels and buildings an owner (person or business) holds, with shares; "
        "currently or as of a date.",
        handler=properties_of_owner,
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
    "land.parcel_registered": "A parcel's register was opened with its preservation "
    "registration (소유권보존).",
    "land.building_registered": "A building's register was opened on a parcel with its "
    "preservation registration.",
    "land.ownership_transferred": "Ownership or shares of a parcel or building passed to new "
    "owners (sale, inheritance, gift, auction).",
    "land.right_registered": "A mortgage, jeonse, easement or lease was registered in section B.",
    "land.right_cancelled": "A section B right was cancelled (말소).",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ("residents/person-summaries", "business/summaries")
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
