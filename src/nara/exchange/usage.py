"""The personal-data usage log: every read of a person's data through the exchange, for that person.

Korea's e-Government tells a citizen of each lookup of his data by another agency; Estonia's
Data Tracker does it for a few registers. Here every personal-data service records, for each
person it answered about, who read (institution and official), through which service, for
what purpose, on what lawful basis (consent record or statute), which fields, and when. The
person queries his own reads (`usage_of`, the GovStack `myPersonalDataUsage` shape).

The notification hook: `relay_reads`, run by `nara worker` on every pass, turns the reads of
each newly logged call into one `personal_data.read` outbox event naming the persons read,
which pub/sub delivers to its subscribers (the portal's inbox, SMS alerts) with retries. The
relay follows the message log's `seq`, whose order is commit order (appends hold the log's
lock until they commit), and advances its cursor in the same transaction as the events it
writes: no read is announced twice or missed. Writing the events from the worker rather than
in each call keeps the calls themselves one insert lighter.

Rows are written with the message-log entry of the same call, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import BigInteger, Index, String, Table, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.clock import Clock
from nara.core.models import Base, BigId, JsonData
from nara.core.outbox import emit
from nara.exchange.messagelog import MessageLogRow


class ExchangeDataUsage(Base):
    """One read of one person's data by another agency."""

    __tablename__ = "exchange_data_usage"
    __table_args__ = (
        Index("ix_exchange_data_usage_person", "person_id", "read_at"),
        Index("ix_exchange_data_usage_log", "log_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[dt.datetime]
    message_id: Mapped[str] = mapped_column(String(128))
    log_id: Mapped[int] = mapped_column(BigInteger)
    """The message-log entry of the call (its evidence), by row id."""
    client: Mapped[str] = mapped_column(String(255))
    """The reading subsystem, `KR/GOV/SCOURT/land`."""
    user_id: Mapped[str] = mapped_column(String(128))
    service: Mapped[str] = mapped_column(String(255))
    purpose: Mapped[str] = mapped_column(String(64))
    lawful_basis: Mapped[str] = mapped_column(String(32))
    legal_reference: Mapped[str] = mapped_column(String(255))
    consent_ref: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[list[str]] = mapped_column(JsonData)
    user_asserted: Mapped[bool | None]
    """Whether `user_id` was asserted by the calling system (an information system calling
    through `/r1`) rather than vouched for by the platform; shown to the citizen as such."""


_TABLE = cast("Table", ExchangeDataUsage.__table__)


@dataclass(frozen=True)
class Read:
    """What the gateway knows of one answered personal-data call."""

    message_id: str
    log_id: int
    client: str
    user_id: str
    service: str
    purpose: str
    lawful_basis: str
    legal_reference: str
    fields: Sequence[str]
    user_asserted: bool = False


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
                "log_id": read.log_id,
                "client": read.client,
                "user_id": read.user_id,
                "service": read.service,
                "purpose": read.purpose,
                "lawful_basis": read.lawful_basis,
                "legal_reference": read.legal_reference,
                "consent_ref": consent_refs.get(person_id),
                "fields": fields,
                "user_asserted": read.user_asserted,
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
        "readerIdAssertedBySystem": bool(row.user_asserted),
    }


class ExchangeUsageRelay(Base):
    """How far `relay_reads` has announced the usage log (one row)."""

    __tablename__ = "exchange_usage_relay"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime]


RELAY_PAGE: Final = 500
"""Message-log entries the relay looks at in one transaction."""
RELAY_CURSOR_ID: Final = 1
"""The relay's one cursor row (seeded by migration 0019; a fixed id, so two workers that
found none cannot both create one)."""


@dataclass(frozen=True)
class RelayPass:
    """What one transaction of the relay did."""

    scanned: int
    """Chained log entries looked at (fewer than the page: the log is all seen)."""
    announced: int
    """`personal_data.read` events written."""


def relay_reads(session: Session, clock: Clock, *, limit: int = RELAY_PAGE) -> RelayPass:
    """Announce the reads among the next `limit` chained calls as `personal_data.read`
    events, one per call that read a person's data.

    Follows the message log's `seq`: an entry gets its seq when `chain_pending` links it,
    under the log's lock and in commit order, so a cursor on seq never skips an entry. The
    cursor passes every entry, reads or not, so each is looked at once, and one transaction
    looks at `limit` entries at most however many calls read nobody. Run it in a transaction
    of its own (the worker does), after chaining, until it scans fewer than `limit`.
    """
    cursor = session.scalar(
        select(ExchangeUsageRelay).where(ExchangeUsageRelay.id == RELAY_CURSOR_ID).with_for_update()
    )
    if cursor is None:
        cursor = ExchangeUsageRelay(id=RELAY_CURSOR_ID, last_seq=0, updated_at=clock.now())
        session.add(cursor)
        session.flush()
    log = cast("Table", MessageLogRow.__table__)
    entries = session.execute(
        select(log.c.id, log.c.seq)
        .where(log.c.seq > cursor.last_seq)
        .order_by(log.c.seq)
        .limit(limit)
    ).all()
    if not entries:
        return RelayPass(scanned=0, announced=0)
    payloads = _read_payloads(session, [entry.id for entry in entries])
    for entry in entries:
        payload = payloads.get(entry.id)
        if payload is not None:
            emit(
                session,
                clock,
                event_type="personal_data.read",
                subject_type="exchange_message",
                subject_id=str(payload["message_id"]),
                payload=payload | {"log_seq": entry.seq},
            )
    cursor.last_seq = entries[-1].seq
    cursor.updated_at = clock.now()
    session.flush()
    return RelayPass(scanned=len(entries), announced=len(payloads))


def _read_payloads(session: Session, log_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The persons each of these calls read, with who read them and why, by log entry."""
    rows = session.execute(
        select(
            _TABLE.c.log_id,
            _TABLE.c.person_id,
            _TABLE.c.message_id,
            _TABLE.c.client,
            _TABLE.c.service,
            _TABLE.c.purpose,
            _TABLE.c.read_at,
        )
        .where(_TABLE.c.log_id.in_(log_ids))
        .order_by(_TABLE.c.id)
    ).all()
    payloads: dict[int, dict[str, Any]] = {}
    for row in rows:
        payload = payloads.setdefault(
            row.log_id,
            {
                "person_ids": [],
                "client": row.client,
                "service": row.service,
                "purpose": row.purpose,
                "message_id": row.message_id,
                "read_at": row.read_at.isoformat(),
            },
        )
        payload["person_ids"].append(row.person_id)
    return payloads
