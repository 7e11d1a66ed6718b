"""Mandates (위임): the only way a system may give or withdraw consent for an individual.

A mandate records that the holder (an API token, `token:<name>`) may act for one individual
(`person_id`) on a power proven by a document: a legal guardian (법정대리인), a power of
attorney (위임장) or a court order (법원 결정). `acting_mandate` is the check the consent API
makes before a token acts for someone: the mandate exists, the token holds it, it names that
individual, and it is in force (started, not expired, not revoked).

Functions take keyword-only arguments and never commit. Recording and revoking a mandate
each write a change row with its outbox event (`consent.mandate_recorded`,
`consent.mandate_revoked`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Final

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.history import record_change
from nara.exchange.consent import errors, repository
from nara.exchange.consent.models import ExchangeConsentChange, ExchangeConsentMandate
from nara.exchange.consent.service import instant

TOKEN_ACTOR: Final = "token:"  # noqa: S105  (a prefix of actors, not a secret)


def mandate_actor(holder: str, mandate: str) -> str:
    """How a revision written under a mandate names its author: the holder and the mandate."""
    return f"{holder} (mandate {mandate})"


def _log(
    session: Session, clock: Clock, *, actor: str, action: str, row: ExchangeConsentMandate
) -> None:
    record_change(
        session,
        clock,
        ExchangeConsentChange,
        entity="mandate",
        entity_id=row.id,
        action=f"mandate_{action}",
        data={
            "mandate_id": row.uid,
            "person_id": row.person_id,
            "holder": row.holder,
            "kind": row.kind,
            "document_reference": row.document_reference,
            "valid_from": instant(row.valid_from),
            "valid_until": instant(row.valid_until),
            "revoked_at": instant(row.revoked_at),
        },
        actor=actor,
        event_type=f"consent.mandate_{action}",
    )
    session.flush()


def record_mandate(
    session: Session,
    *,
    clock: Clock,
    actor: str,
    person_id: int,
    holder: str,
    kind: str,
    document_reference: str,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> ExchangeConsentMandate:
    """Record that `holder` may act for `person_id` from `valid_from` (now if not given)
    until `valid_until` (open if not given).

    422 `mandate_holder_unknown` (not `token:<name>` of a token in use),
    `mandate_period_invalid` (the end is not after the start, or not in the future).
    `kind` and a non-empty `document_reference` are checked by the request's schema and by
    the table.
    """
    now = clock.now()
    name = holder.removeprefix(TOKEN_ACTOR)
    if not holder.startswith(TOKEN_ACTOR) or not repository.token_in_use(session, name):
        raise errors.mandate_holder_unknown(holder)
    start = now if valid_from is None else valid_from.astimezone(dt.UTC)
    end = None if valid_until is None else valid_until.astimezone(dt.UTC)
    if end is not None and (end <= start or end <= now):
        raise errors.mandate_period_invalid()
    row = ExchangeConsentMandate(
        uid=str(uuid.uuid4()),
        person_id=person_id,
        holder=holder,
        kind=kind,
        document_reference=document_reference,
        valid_from=start,
        valid_until=end,
        recorded_by=actor,
        recorded_at=now,
        revoked_at=None,
        revoked_by=None,
    )
    session.add(row)
    session.flush()
    _log(session, clock, actor=actor, action="recorded", row=row)
    return row


def get_mandate(session: Session, mandate_id: str) -> ExchangeConsentMandate:
    row = repository.mandate_by_uid(session, mandate_id)
    if row is None:
        raise errors.mandate_unknown(mandate_id)
    return row


def revoke_mandate(
    session: Session, *, clock: Clock, actor: str, mandate_id: str
) -> ExchangeConsentMandate:
    """End a mandate now (404 `mandate_unknown`; 409 `mandate_revoked` if already ended so)."""
    row = get_mandate(session, mandate_id)
    if row.revoked_at is not None:
        raise errors.mandate_revoked(row.uid)
    row.revoked_at = clock.now()
    row.revoked_by = actor
    session.flush()
    _log(session, clock, actor=actor, action="revoked", row=row)
    return row


def mandates(
    session: Session, *, person_id: int | None, holder: str | None, offset: int, limit: int
) -> tuple[list[ExchangeConsentMandate], int]:
    return repository.mandates_page(
        session, person_id=person_id, holder=holder, offset=offset, limit=limit
    )


def why_not_in_force(row: ExchangeConsentMandate, at: dt.datetime) -> str | None:
    """`revoked`, `not_started` or `expired` at `at`; None when the mandate is in force."""
    if row.revoked_at is not None:
        return "revoked"
    if row.valid_from > at:
        return "not_started"
    if row.valid_until is not None and row.valid_until <= at:
        return "expired"
    return None


def acting_mandate(
    session: Session, *, mandate_id: str, holder: str, person_id: int, at: dt.datetime
) -> ExchangeConsentMandate:
    """The mandate under which `holder` acts for `person_id` at `at`, or a 403 refusal:
    `mandate_unknown`, `mandate_not_held` (another holder's), `individual_mismatch` (it
    names another individual), `mandate_not_in_force` (`reason`: revoked, not_started,
    expired)."""
    row = repository.mandate_by_uid(session, mandate_id)
    if row is None:
        raise errors.mandate_unrecognised(mandate_id)
    if row.holder != holder:
        raise errors.mandate_not_held(row.uid)
    if row.person_id != person_id:
        raise errors.individual_mismatch(mandate=row.uid)
    reason = why_not_in_force(row, at)
    if reason is not None:
        raise errors.mandate_not_in_force(row.uid, reason)
    return row
