"""Restrictions on passports and travel (여권 발급 제한, 출국금지), kept by the passport office.

Officials record them at the request of another authority (a prosecutor's office, a court,
the Ministry of Justice). One in force refuses an application with `passport_restricted`,
whose message tells only that a restriction applies and which authority to ask: never its
kind, reason or period.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, Message, invalid
from nara.core.history import record_change
from nara.exchange import Exchange
from nara.exchange.directory import person_unknown
from nara.passports import registers, repository
from nara.passports.models import PassportsChange, Restriction
from nara.passports.registers import ContextFor
from nara.passports.schemas import RestrictionCreate


def check_not_restricted(session: Session, person_id: int, on: dt.date) -> None:
    """409 `passport_restricted` when a restriction is in force on `on`."""
    found = repository.restriction_in_force(session, person_id, on)
    if found is not None:
        raise Conflict(
            "passport_restricted",
            Message(
                "A restriction on issuing a passport applies to this person. For details, "
                f"ask {found.authority}.",
                f"이 사람에게는 여권 발급 제한이 있습니다. 자세한 사항은 {found.authority}에 "
                "문의하십시오.",
            ),
            {"authority": found.authority},
        )


def record_restriction(
    *,
    session: Session,
    clock: Clock,
    exchange: Exchange,
    context: ContextFor,
    actor: str,
    restriction_in: RestrictionCreate,
) -> Restriction:
    """Record a restriction on a registered person, in force from `from_on` to `until_on`."""
    if restriction_in.until_on is not None and restriction_in.until_on < restriction_in.from_on:
        raise invalid(
            "restriction_period",
            "A restriction cannot end before it begins.",
            "제한의 종료일은 시작일보다 앞설 수 없습니다.",
            field_name="until_on",
        )
    person_id = restriction_in.person_id
    if registers.person(exchange, context, person_id) is None:
        raise person_unknown([person_id])
    row = Restriction(
        person_id=person_id,
        kind=restriction_in.kind,
        authority=restriction_in.authority,
        from_on=restriction_in.from_on,
        until_on=restriction_in.until_on,
        reason=restriction_in.reason,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    repository.add(session, row)
    session.flush()
    record_change(
        session,
        clock,
        PassportsChange,
        entity="restriction",
        entity_id=row.id,
        action="recorded",
        data={
            "person_id": person_id,
            "kind": row.kind,
            "from_on": row.from_on.isoformat(),
            "until_on": None if row.until_on is None else row.until_on.isoformat(),
        },
        actor=actor,
        event_type="passport.restriction_recorded",
    )
    return row
