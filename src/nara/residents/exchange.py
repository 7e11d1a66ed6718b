"""What the resident register offers other agencies through the exchange, and its events."""

from __future__ import annotations

from typing import Any

from nara.exchange import CallContext, Service
from nara.residents import repository


def person_summaries(ctx: CallContext, *, person_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Name, birth date, sex and status of each known person (no RRN); unknown ids are absent."""
    if not person_ids:
        return {}
    rows = repository.person_summary_rows(ctx.session, person_ids)
    return {
        row.id: {
            "person_id": row.id,
            "name_ko": row.name_ko,
            "name_en": row.name_en,
            "birth_date": row.birth_date.isoformat(),
            "sex": row.sex,
            "status": row.status,
        }
        for row in rows
    }


SERVICES: list[Service] = [
    Service(
        id="residents/person-summaries",
        description="Name, birth date, sex and status of persons by id (no RRN).",
        handler=person_summaries,
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {
    "resident.registered": "A person was registered (RRN masked; name, birth date, sex, "
    "nationality).",
    "resident.status_changed": "A person died or emigrated; their residence and household "
    "membership ended that day.",
    "resident.moved": "A person moved to an address, forming or joining a household there.",
    "household.formed": "A household was formed at an address with a person as its head.",
    "household.member_added": "A person joined a household, with their relation to the head.",
    "household.member_removed": "A member left a household and their residence there ended.",
}
"""Event types this agency publishes through the outbox, with what each announces."""
