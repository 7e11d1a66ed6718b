"""The personal-data usage log: every read of a person's data through the exchange, for that person.

Korea's e-Government tells a citizen of each lookup of his data by another agency; Estonia's
Data Tracker does it for a few registers. Here every personal-data service records, for each
person it answered about, who read (institution and official), through which service, for
what purpose, on what lawful basis (consent record or statute), which fields, and when. The
person queries his own reads (`usage_of`, the GovStack `myPersonalDataUsage` shape). The
table is also an event source: `nara worker` publishes each new row as a `personal_data.read`
event to its subscribers (the portal's inbox, SMS alerts), the hook for real-time alerts.

Rows are written with the message-log entry of the same call, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, Index, String, Table, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.clock import Clock
from nara.core.models import Base, BigId, JsonData


class ExchangeDataUsage(Base):
    """One read of one person's data by another agency."""

    __tablename__ = "exchange_data_usage"
    __table_args__ = (Index("ix_exchange_data_usage_person", "person_id", "read_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[dt.datetime]
    message_id: Mapped[str] = mapped_column(String(128))
    log_seq: Mapped[int] = mapped_column(BigInteger)
    """The message-log entry of the call (its evidence)."""
    client: Mapped[str] = mapped_column(String(255))
    """The reading subsystem, `KR/GOV/SCOURT/land`."""
    user_id: Mapped[str] = mapped_column(String(128))
    service: Mapped[str] = mapped_column(String(255))
    purpose: Mapped[str] = mapped_column(String(64))
    lawful_basis: Mapped[str] = mapped_column(String(32))
    legal_reference: Mapped[str] = mapped_column(String(255))
    consent_ref: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JsonData)


_TABLE = cast("Table", ExchangeDataUsage.__table__)


@dataclass(frozen=True)
class Read:
    """What the gateway knows of one answered personal-data call."""

    message_id: str
    log_seq: int
    client: str
    user_id: str
    service: str
    purpose: str
    lawful_basis: str
    legal_reference: str
    fields: Sequence[str]


def record_reads(
    session: Session,
    clock: Clock,
    read: Read,
    person_ids: Sequence[int],
    consent_refs: dict[int, str],
) -> None:
    """Record one usage row per person read and one `personal_data.read` event."""
    if not person_ids:
        return
    now = clock.now()
    fields = sorted(read.fields)
    session.execute(
        insert(_TABLE),
        [
            {
                "person_id": person_id,
                "read_at": now,
                "message_id": read.message_id,
                "log_seq": read.log_seq,
                "client": read.client,
                "user_id": read.user_id,
                "service": read.service,
                "purpose": read.purpose,
                "lawful_basis": read.lawful_basis,
                "legal_reference": read.legal_reference,
                "consent_ref": consent_refs.get(person_id),
                "fields": fields,
            }
            for person_id in person_ids
        ],
    )


def usage_of(
    session: Session, person_id: int, *, offset: int, limit: int
) -> tuple[list[ExchangeDataUsage], int]:
    """The reads of one person's data, newest first, and how many there are."""
    rows = session.scalars(
        select(ExchangeDataUsage)
        .where(ExchangeDataUsage.person_id == person_id)
        .order_by(ExchangeDataUsage.read_at.desc(), ExchangeDataUsage.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(
        select(func.count()).select_from(_TABLE).where(_TABLE.c.person_id == person_id)
    )
    return list(rows), int(total or 0)


def govstack_shape(row: ExchangeDataUsage, institution: dict[str, Any]) -> dict[str, Any]:
    """A usage row as GovStack Digital Registries' `PersonalDataUsage`, with our additions."""
    return {
        "id": str(row.id),
        "readerId": row.user_id,
        "readerInitials": "".join(part[:1].upper() for part in row.user_id.split(":")[-1:]),
        "readerInstitutionId": institution.get("member", ""),
        "readerInstitutionName": institution.get("name_en", ""),
        "readerInstitutionNameKo": institution.get("name_ko", ""),
        "readerApplicationName": row.client,
        "searchDateTime": row.read_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "refrences": [{"ReferenceID": row.message_id}],
        "service": row.service,
        "purpose": row.purpose,
        "lawfulBasis": row.lawful_basis,
        "legalReference": row.legal_reference,
        "consentRecordId": row.consent_ref,
        "fields": list(row.fields),
    }
