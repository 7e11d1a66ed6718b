"""What the passports agency offers other agencies through the exchange, and what it uses."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy.orm import Session

from nara.core.clock import SystemClock, today
from nara.exchange import CallContext, Service
from nara.exchange.contracts.passports import (
    PASSPORTS_OF_PERSON,
    PassportsOfPersonRequest,
    PassportSummary,
)
from nara.exchange.pubsub import Event, first_time
from nara.exchange.purposes import Purpose
from nara.passports import issuance, repository
from nara.passports.registers import ELIGIBILITY, FAMILY_REGISTER, RELATIONS
from nara.passports.schemas import shown_status

PASSPORT_FIELDS: Final = frozenset(PassportSummary.model_fields)


def passports_of_person(
    ctx: CallContext, request: PassportsOfPersonRequest
) -> list[PassportSummary]:
    """Every passport issued to a person, oldest first: number, issue and expiry dates, and
    status today (`valid`, `expired`, `invalidated`, `lost`)."""
    on = today(ctx.clock)
    return [
        PassportSummary(
            number=row.number,
            issued_on=row.issued_on,
            expires_on=row.expires_on,
            status=shown_status(row, on),
        )
        for row in repository.passports_of_person(ctx.session, request.person_id)
    ]


SERVICES: list[Service] = [
    Service.typed(
        PASSPORTS_OF_PERSON,
        passports_of_person,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="identity-document-check",
                fields=PASSPORT_FIELDS,
                lawful_basis="public_task",
                legal_reference="여권법 제16조",
                en="An agency checks whether a person holds a valid passport.",
                ko="기관이 본인의 유효한 여권 소지 여부를 확인합니다.",
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {
    "passport.application_created": "A passport application was opened as a draft, with its "
    "validity and fee.",
    "passport.photo_attached": "A validated photo was attached to a draft application.",
    "passport.fee_paid": "The fee of an application was paid (simulated payment).",
    "passport.application_submitted": "An application was submitted for review.",
    "passport.application_decided": "An official approved or rejected an application.",
    "passport.issued": "A passport was issued on an approved application.",
    "passport.invalidated": "A passport stopped being valid: reissued or its holder died.",
    "passport.reported_lost": "The holder reported his passport lost; it is invalid from then.",
    "passport.restriction_recorded": "A restriction on a person's passport or travel was "
    "recorded at another authority's request.",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ("residents/person-summaries", RELATIONS)
"""Services of other agencies this agency calls (granted to it when the platform installs)."""

PURPOSES_USED: Final = {"residents/person-summaries": ELIGIBILITY, RELATIONS: FAMILY_REGISTER}
"""The purpose each used service is called for."""

HOLDER_DIED: Final = "passports.holder-died"


def holder_died(session: Session, event: Event) -> None:
    """On a resident's death (`resident.status_changed` to `deceased`), invalidate his valid
    passports from the day of death (여권법 제13조)."""
    if event.payload.get("status") != "deceased":
        return
    if not first_time(session, HOLDER_DIED, event.id):
        return
    died_on = dt.date.fromisoformat(str(event.payload["status_on"]))
    issuance.invalidate_on_death(
        session, SystemClock(), HOLDER_DIED, int(event.subject_id), died_on
    )


CONSUMERS = {HOLDER_DIED: holder_died}
"""In-process consumers of other agencies' events, by name."""

SUBSCRIPTIONS: dict[str, str] = {"resident.status_changed": HOLDER_DIED}
"""The events each consumer follows (event type → consumer name)."""
