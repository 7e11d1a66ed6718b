"""Queries of the consent store: the only place that reads its tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.orm import Session

from nara.core.access import ApiToken
from nara.exchange.consent.models import (
    ExchangeConsentAgreement,
    ExchangeConsentMandate,
    ExchangeConsentPolicy,
    ExchangeConsentRecord,
    ExchangeConsentRevision,
)


def paged(
    session: Session, query: Select[Any], *, offset: int, limit: int
) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(session.scalars(query.offset(offset).limit(limit))), int(total or 0)


def agreement_by_uid(session: Session, uid: str) -> ExchangeConsentAgreement | None:
    return session.scalar(
        select(ExchangeConsentAgreement).where(ExchangeConsentAgreement.uid == uid)
    )


def agreement_by_id(session: Session, agreement_id: int) -> ExchangeConsentAgreement | None:
    """An agreement by its row id (the id of the GovStack paths)."""
    return session.get(ExchangeConsentAgreement, agreement_id)


def agreements_by_id_page(
    session: Session, *, offset: int, limit: int
) -> tuple[list[ExchangeConsentAgreement], int]:
    """Every agreement, active or not, by row id (the GovStack list)."""
    query = select(ExchangeConsentAgreement).order_by(ExchangeConsentAgreement.id)
    return paged(session, query, offset=offset, limit=limit)


def policy_by_id(session: Session, policy_id: int) -> ExchangeConsentPolicy | None:
    return session.get(ExchangeConsentPolicy, policy_id)


def agreements_of(session: Session) -> list[ExchangeConsentAgreement]:
    """Every agreement, active or not, by service and purpose."""
    agreement = ExchangeConsentAgreement
    return list(session.scalars(select(agreement).order_by(agreement.service, agreement.purpose)))


def active_agreement(
    session: Session, *, service: str, purpose: str
) -> ExchangeConsentAgreement | None:
    """The active agreement of a service and purpose (the unique index on both)."""
    agreement = ExchangeConsentAgreement
    return session.scalar(
        select(agreement).where(
            agreement.service == service, agreement.purpose == purpose, agreement.active
        )
    )


def agreements_page(
    session: Session, *, service: str | None, include_inactive: bool, offset: int, limit: int
) -> tuple[list[ExchangeConsentAgreement], int]:
    agreement = ExchangeConsentAgreement
    query = select(agreement).order_by(agreement.service, agreement.purpose)
    if service is not None:
        query = query.where(agreement.service == service)
    if not include_inactive:
        query = query.where(agreement.active)
    return paged(session, query, offset=offset, limit=limit)


def record_by_uid(session: Session, uid: str) -> ExchangeConsentRecord | None:
    return session.scalar(select(ExchangeConsentRecord).where(ExchangeConsentRecord.uid == uid))


def record_of(
    session: Session, *, agreement_id: int, person_id: int
) -> ExchangeConsentRecord | None:
    record = ExchangeConsentRecord
    return session.scalar(
        select(record).where(record.agreement_id == agreement_id, record.person_id == person_id)
    )


_RECORDS_OF_PERSONS = select(
    ExchangeConsentRecord.person_id,
    ExchangeConsentRecord.uid,
    ExchangeConsentRecord.opt_in,
    ExchangeConsentRecord.expires_at,
).where(
    ExchangeConsentRecord.agreement_id == bindparam("agreement_id"),
    ExchangeConsentRecord.person_id.in_(bindparam("person_ids", expanding=True)),
)


def records_of_persons(
    session: Session, *, agreement_id: int, person_ids: Sequence[int]
) -> Sequence[Row[tuple[int, str, bool, dt.datetime | None]]]:
    """The records of these persons on one agreement (the unique index on both): person id,
    uid, opt-in and expiry only, read without the ORM (the gateway asks on every call)."""
    return session.execute(
        _RECORDS_OF_PERSONS, {"agreement_id": agreement_id, "person_ids": list(person_ids)}
    ).all()


def records_page(
    session: Session,
    *,
    agreement_id: int | None,
    person_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[ExchangeConsentRecord], int]:
    record = ExchangeConsentRecord
    query = select(record).order_by(record.id)
    if agreement_id is not None:
        query = query.where(record.agreement_id == agreement_id)
    if person_id is not None:
        query = query.where(record.person_id == person_id)
    return paged(session, query, offset=offset, limit=limit)


def revisions_of(session: Session, record_id: int) -> list[ExchangeConsentRevision]:
    """A record's revisions in chain order (by sequence number, then insertion)."""
    revision = ExchangeConsentRevision
    return list(
        session.scalars(
            select(revision)
            .where(revision.record_id == record_id)
            .order_by(revision.seq, revision.id)
        )
    )


def last_revision(session: Session, record_id: int) -> ExchangeConsentRevision | None:
    revision = ExchangeConsentRevision
    return session.scalar(
        select(revision)
        .where(revision.record_id == record_id)
        .order_by(revision.seq.desc(), revision.id.desc())
        .limit(1)
    )


def agreements_by_ids(session: Session, ids: Sequence[int]) -> dict[int, ExchangeConsentAgreement]:
    if not ids:
        return {}
    rows = session.scalars(
        select(ExchangeConsentAgreement).where(ExchangeConsentAgreement.id.in_(set(ids)))
    )
    return {row.id: row for row in rows}


# Mandates -----------------------------------------------------------------------------------


def mandate_by_uid(session: Session, uid: str) -> ExchangeConsentMandate | None:
    return session.scalar(select(ExchangeConsentMandate).where(ExchangeConsentMandate.uid == uid))


def mandates_page(
    session: Session,
    *,
    person_id: int | None,
    holder: str | None,
    offset: int,
    limit: int,
) -> tuple[list[ExchangeConsentMandate], int]:
    mandate = ExchangeConsentMandate
    query = select(mandate).order_by(mandate.id)
    if person_id is not None:
        query = query.where(mandate.person_id == person_id)
    if holder is not None:
        query = query.where(mandate.holder == holder)
    return paged(session, query, offset=offset, limit=limit)


def token_in_use(session: Session, name: str) -> bool:
    """Whether an API token of this name exists and is not revoked (a mandate's holder)."""
    found = session.scalar(
        select(ApiToken.id).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
    )
    return found is not None
