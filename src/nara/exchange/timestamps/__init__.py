"""RFC 3161 batch time-stamps of the exchange message log.

Like X-Road's message log, the log is time-stamped in batches by a time-stamp authority (TSA):
each stamp covers the entries logged since the previous one, `first_seq`..`last_seq`, and
proves they existed, exactly as they are, at the token's `genTime`.

What is stamped. The message imprint of a stamp (SHA-256) is the `entry_hash` of the batch's
last entry, `last_seq`, taken as the 32 bytes it is in hex: that hash already is the SHA-256 of
`prev_hash` followed by the entry's canonical JSON (see `nara.exchange.messagelog`), and through
`prev_hash` it depends on every entry before it. One token over the head of the batch thus
covers every entry up to `last_seq`; altering, removing or reordering any of them and recomputing
the chain changes that hash, and the token no longer matches (`verify_stamps`). The row keeps
the hash as `digest` (hex).

When. The worker calls `stamp_due` every poll (every second): it stamps when there are
unstamped entries and the oldest of them was logged at least `interval - poll` ago (`interval`
is `exchange_timestamp_interval_seconds`, 60 s by default). The first poll at or after that
instant comes at most `poll` later, so every entry is stamped within `interval` of being logged
(plus the authority's answer time), and under steady traffic one token covers about a minute of
entries. An entry whose transaction commits late is stamped on the first poll that sees it.
`stamp_pending` stamps whatever is unstamped at once (shutdown, tests, `nara` commands).

Concurrency. Stamping adds one row in the caller's transaction. On PostgreSQL it first takes a
transaction-scoped advisory lock of its own (`STAMP_LOCK_KEY`, not the log's appenders' lock,
so appends go on while a TSA answers); concurrent stampers queue. The unique `first_seq` and
`last_seq` turn any remaining race (SQLite: separate processes) into an error, never into
overlapping batches. The table is append-only (migration 0007 adds the triggers).

Authorities: `LocalAuthority` (the platform's own: a key and a time-stamping certificate
issued by the platform CA, kept in the keystore) or `HTTPAuthority` (an external TSA, when
`exchange_tsa_url` is set); `authority_from_settings` picks one.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from cryptography import x509
from sqlalchemy import BigInteger, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.clock import Clock
from nara.core.models import Base, BigId
from nara.exchange.messagelog import MessageLogRow, instant_text
from nara.exchange.timestamps.authority import (
    HTTPAuthority,
    LocalAuthority,
    TimeStampAuthority,
    authority_from_settings,
)
from nara.exchange.timestamps.tokens import TokenError, TokenInfo, check_token
from nara.exchange.trust.keystore import Keystore

STAMP_LOCK_KEY: Final = int.from_bytes(b"nara.tsa", "big")
"""The PostgreSQL advisory lock key that serialises stampers (not appenders)."""

DEFAULT_POLL: Final = dt.timedelta(seconds=1)


class LogTimestampRow(Base):
    """One RFC 3161 time-stamp over the log's entries `first_seq`..`last_seq`. Append-only."""

    __tablename__ = "exchange_log_timestamp"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    first_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    """The stamped imprint, hex: the `entry_hash` of entry `last_seq`."""
    token: Mapped[bytes]
    """The DER `TimeStampToken` (CMS ContentInfo) as the authority returned it."""
    gen_time: Mapped[dt.datetime]
    """The token's `genTime`: when the authority stamped the batch."""
    tsa: Mapped[str] = mapped_column(String(255))
    """The authority's name (the token's `tsa` field, else its certificate's subject)."""
    created_at: Mapped[dt.datetime]


StampRow = LogTimestampRow


@dataclass(frozen=True, slots=True)
class StampProblem:
    first_seq: int
    last_seq: int
    detail: str


@dataclass(frozen=True, slots=True)
class StampReport:
    """The outcome of `verify_stamps`.

    `count` stamps were checked, `problems` lists every one that failed; `stamped_through` is
    the last seq the stamps cover (0: none), `unstamped` the number of log entries after it and
    `oldest_unstamped_at` when the first of them was logged.
    """

    ok: bool
    count: int
    stamped_through: int
    unstamped: int
    oldest_unstamped_at: dt.datetime | None
    problems: tuple[StampProblem, ...] = field(default=())


_LOG = MessageLogRow.__table__.c
_STAMPS = LogTimestampRow.__table__.c


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(STAMP_LOCK_KEY)))


def _stamped_through(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(_STAMPS.last_seq), 0))).scalar_one())


def _head(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(_LOG.seq, _LOG.entry_hash)
        .where(_LOG.seq.is_not(None))
        .order_by(_LOG.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (row.seq, row.entry_hash)


def _logged_at(session: Session, seq: int) -> dt.datetime | None:
    return session.execute(select(_LOG.logged_at).where(_LOG.seq == seq)).scalar()


def _stamp(
    session: Session, clock: Clock, authority: TimeStampAuthority, first: int, head: tuple[int, str]
) -> LogTimestampRow:
    last_seq, head_hash = head
    digest = bytes.fromhex(head_hash)
    token = authority.stamp(digest)
    info = check_token(token, digest, anchors=None)  # what the authority returned is sound
    row = LogTimestampRow(
        first_seq=first,
        last_seq=last_seq,
        digest=head_hash,
        token=token,
        gen_time=info.gen_time,
        tsa=info.tsa[:255],
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def stamp_pending(
    session: Session, clock: Clock, authority: TimeStampAuthority
) -> LogTimestampRow | None:
    """Time-stamp every entry not yet stamped, now, in the caller's transaction.

    None when there is nothing new. Raises `TokenError` when the authority's token does not
    verify, and whatever the authority raises (`OSError` for an unreachable one).
    """
    _lock(session)
    through = _stamped_through(session)
    head = _head(session)
    if head is None or head[0] <= through:
        return None
    return _stamp(session, clock, authority, through + 1, head)


def stamp_due(
    session: Session,
    clock: Clock,
    authority: TimeStampAuthority,
    interval: dt.timedelta | float,
    *,
    poll: dt.timedelta = DEFAULT_POLL,
) -> LogTimestampRow | None:
    """Stamp the unstamped entries when the oldest of them was logged `interval - poll` ago or
    more (the worker calls this every `poll`); else None. `interval` may be in seconds."""
    if not isinstance(interval, dt.timedelta):
        interval = dt.timedelta(seconds=interval)
    _lock(session)
    through = _stamped_through(session)
    head = _head(session)
    if head is None or head[0] <= through:
        return None
    oldest = _logged_at(session, through + 1)
    if oldest is not None and clock.now() < oldest + interval - poll:
        return None
    return _stamp(session, clock, authority, through + 1, head)


def latest_stamp(session: Session) -> LogTimestampRow | None:
    """The stamp of the log's latest stamped head, if any."""
    return session.scalar(
        select(LogTimestampRow).order_by(LogTimestampRow.last_seq.desc()).limit(1)
    )


def _rows(session: Session, batch: int) -> Iterator[Sequence[LogTimestampRow]]:
    after = -1
    while True:
        rows = (
            session.execute(
                select(LogTimestampRow)
                .where(LogTimestampRow.last_seq > after)
                .order_by(LogTimestampRow.last_seq)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield rows
        after = rows[-1].last_seq


def verify_stamps(
    session: Session,
    keystore: Keystore | None,
    *,
    anchors: Sequence[x509.Certificate] = (),
    batch: int = 1000,
) -> StampReport:
    """Check every stamp of the log.

    Each token must verify (signature, signed attributes, a time-stamping certificate valid at
    its `genTime` that chains to the platform CA of `keystore` or to one of `anchors`), its
    imprint must equal the stored digest, and that digest the `entry_hash` that entry
    `last_seq` has in the log now. Batches must follow one another without gap or overlap.
    With no keystore and no anchors the chain of the TSA certificate is not checked.
    """
    trusted: list[x509.Certificate] | None = list(anchors)
    if keystore is not None:
        trusted = [keystore.ca_certificate, *anchors]
    elif not anchors:
        trusted = None
    problems: list[StampProblem] = []
    count = 0
    expected = 1
    for rows in _rows(session, batch):
        hashes = dict(
            session.execute(
                select(_LOG.seq, _LOG.entry_hash).where(_LOG.seq.in_([r.last_seq for r in rows]))
            )
            .tuples()
            .all()
        )
        for row in rows:
            count += 1
            detail = _check_row(row, hashes.get(row.last_seq), expected, trusted)
            if detail:
                problems.append(StampProblem(row.first_seq, row.last_seq, detail))
            expected = row.last_seq + 1
    head = _head(session)
    through = expected - 1
    unstamped = 0 if head is None else max(0, head[0] - through)
    oldest = _logged_at(session, through + 1) if unstamped else None
    return StampReport(
        ok=not problems,
        count=count,
        stamped_through=through,
        unstamped=unstamped,
        oldest_unstamped_at=oldest,
        problems=tuple(problems),
    )


def _check_row(
    row: LogTimestampRow,
    logged_hash: str | None,
    expected_first: int,
    trusted: Sequence[x509.Certificate] | None,
) -> str:
    if row.first_seq != expected_first or row.last_seq < row.first_seq:
        return f"the batch {row.first_seq}..{row.last_seq} does not start at {expected_first}"
    try:
        info = check_token(row.token, bytes.fromhex(row.digest), anchors=trusted)
    except (TokenError, ValueError) as error:
        return str(error)
    if info.gen_time != row.gen_time:
        return f"the stored time {row.gen_time.isoformat()} is not the token's"
    if logged_hash is None:
        return f"the log has no entry {row.last_seq}"
    if logged_hash != row.digest:
        return f"entry {row.last_seq} no longer has the stamped hash {row.digest}"
    return ""


# Evidence bundles (used by `messagelog.export_evidence` and `verify_evidence`) ------------


def evidence_stamps(session: Session, *, seq_from: int, seq_to: int) -> list[dict[str, Any]]:
    """The stamps whose batch ends within `seq_from`..`seq_to`, JSON-able, in seq order.

    A stamp ending after `seq_to` is left out: its imprint is the hash of an entry outside the
    bundle. End a range at a stamp's `last_seq` to have all its entries covered.
    """
    rows = session.execute(
        select(LogTimestampRow)
        .where(LogTimestampRow.last_seq >= seq_from, LogTimestampRow.last_seq <= seq_to)
        .order_by(LogTimestampRow.last_seq)
    ).scalars()
    return [
        {
            "first_seq": row.first_seq,
            "last_seq": row.last_seq,
            "digest": row.digest,
            "gen_time": instant_text(row.gen_time),
            "tsa": row.tsa,
            "token": base64.b64encode(row.token).decode(),
        }
        for row in rows
    ]


def check_evidence_stamps(
    stamps: Sequence[Mapping[str, Any]],
    entry_hashes: Mapping[int, str],
    *,
    anchors: Sequence[x509.Certificate] | None,
) -> tuple[int, int | None, tuple[int, str] | None]:
    """Check a bundle's stamps against its entries' hashes (`seq` → `entry_hash`).

    Returns how many stamps verified, the highest `last_seq` they cover (None: none), and the
    first problem as (`last_seq`, detail), or None.
    """
    count, through = 0, None
    for stamp in stamps:
        last_seq = int(stamp["last_seq"])
        logged = entry_hashes.get(last_seq)
        if logged is None:
            return count, through, (last_seq, f"the bundle has no entry {last_seq} to check")
        if stamp.get("digest") != logged:
            return count, through, (last_seq, f"entry {last_seq} does not have the stamped hash")
        try:
            info: TokenInfo = check_token(
                base64.b64decode(str(stamp["token"]), validate=True),
                bytes.fromhex(logged),
                anchors=anchors,
            )
        except (TokenError, ValueError) as error:
            return count, through, (last_seq, f"the stamp of entry {last_seq}: {error}")
        if stamp.get("gen_time") != instant_text(info.gen_time):
            return count, through, (last_seq, f"the stamp of entry {last_seq} has another time")
        count += 1
        through = last_seq if through is None else max(through, last_seq)
    return count, through, None


__all__ = [
    "DEFAULT_POLL",
    "STAMP_LOCK_KEY",
    "HTTPAuthority",
    "LocalAuthority",
    "LogTimestampRow",
    "StampProblem",
    "StampReport",
    "StampRow",
    "TimeStampAuthority",
    "TokenError",
    "authority_from_settings",
    "check_evidence_stamps",
    "evidence_stamps",
    "latest_stamp",
    "stamp_due",
    "stamp_pending",
    "verify_stamps",
]
