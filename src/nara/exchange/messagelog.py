"""The exchange's message log: an append-only, hash-chained record of every exchanged message.

Like X-Road's message log, each request/response pair between agencies leaves one entry: who
asked (the client subsystem, `KR/GOV/MOIS/residents`), which service, for which user, purpose
and legal basis, the SHA-256 of both message bodies, the HTTP status and the signatures.

Chain. Entries are numbered `seq` 1, 2, 3, ... without gaps. Each entry stores `prev_hash`, the
`entry_hash` of the entry before it (64 zeros for the first), and

    entry_hash = SHA-256(prev_hash + canonical JSON of the entry's fields, `seq` included)

(UTF-8; the JSON has sorted keys, no spaces, `logged_at` as ISO 8601 UTC with microseconds;
see `canonical_json`). Altering, removing or reordering an entry breaks the chain, and
`verify` names the first entry where it breaks. Migration 0003 adds triggers that refuse
UPDATE and DELETE on the table.

Transactions and concurrency. `append` adds the entry to the caller's own transaction, so the
log entry commits with the work it records, or not at all (no separate commit per entry). On
PostgreSQL the append first takes a transaction-scoped advisory lock on a fixed key
(`pg_advisory_xact_lock(LOCK_KEY)`) and only then reads the tail: concurrent writers queue
on the lock until the previous appender commits or rolls back, so every append sees the
committed tail and `seq` stays gap-free and the chain linear. The lock is held to the end of
the caller's transaction, so keep logging transactions short; the caller's transaction must be
READ COMMITTED (the default), where each statement sees what committed before it started.
SQLite serialises writers by itself; the append begins with an UPDATE that matches no row,
which makes the transaction a writer (waiting out the busy timeout for any other writer)
before it reads the tail. If the caller's transaction had already read an older snapshot,
SQLite refuses the write (`database is locked`) rather than let it fork. In every case the
unique constraint on `seq` turns any remaining race into an error rather than a fork.
`append_many` logs a batch with one tail read and one multi-row INSERT.

Limits. The chain proves the log is internally consistent; it cannot show that entries were
cut off at the end, nor stop someone with write access from recomputing every hash. The RFC
3161 batch time-stamps of `nara.exchange.timestamps` anchor it: each stamp is a token over the
head hash of a batch, signed by a time-stamp authority, so recomputed hashes no longer match it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Final, Literal, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    false,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.clock import Clock
from nara.core.errors import invalid
from nara.core.models import Base, BigId

if TYPE_CHECKING:
    from cryptography import x509

GENESIS_HASH: Final = "0" * 64
"""The `prev_hash` of the first entry."""

LOCK_KEY: Final = int.from_bytes(b"nara.log", "big")
"""The PostgreSQL advisory lock key that serialises appends (fits a signed bigint)."""

EVIDENCE_FORMAT: Final = "nara-message-log-evidence/2"
"""Version 2 adds `timestamps`; `verify_evidence` still reads version 1 bundles."""
EVIDENCE_FORMATS: Final = (
    "nara-message-log-evidence/1",
    EVIDENCE_FORMAT,
    "nara-message-log-evidence/3",
)
"""Version 3 (`nara.exchange.evidence`) adds the CA and members' certificates."""

ProblemKind = Literal["altered", "removed", "reordered", "timestamp"]


class MessageLogRow(Base):
    """One logged message exchange. Never updated or deleted (database triggers refuse it)."""

    __tablename__ = "exchange_message_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    """Place in the chain; null until `chain_pending` links the entry."""
    logged_at: Mapped[dt.datetime]
    message_id: Mapped[str] = mapped_column(String(128), index=True)
    client: Mapped[str] = mapped_column(String(255))
    service: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(255))
    legal_basis: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    """Hex SHA-256 of the request body."""
    response_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    request_signature: Mapped[str | None] = mapped_column(Text)
    response_signature: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    side: Mapped[str | None] = mapped_column(String(16))
    """`provider` or `consumer`: which node's record of the exchange this is."""
    caller: Mapped[str | None] = mapped_column(String(300))
    """Who the client's node authenticated: `platform`, `token:<name>`, `certificate:<subject>`."""
    user_asserted: Mapped[bool | None]
    """Whether `user_id` is the calling system's assertion (not the platform's)."""
    issue: Mapped[str | None] = mapped_column(String(1000))
    represented_party: Mapped[str | None] = mapped_column(String(600))
    request_head: Mapped[str | None] = mapped_column(Text)
    """The request's head as PR-REST hashes it (`nara.exchange.messages`); with the body's
    SHA-512 digest, what its `X-Road-Request-Hash` and signature cover."""
    request_body_digest: Mapped[str | None] = mapped_column(String(88))
    request_signed_at: Mapped[str | None] = mapped_column(String(40))
    response_head: Mapped[str | None] = mapped_column(Text)
    response_body_digest: Mapped[str | None] = mapped_column(String(88))
    response_signed_at: Mapped[str | None] = mapped_column(String(40))
    error_type: Mapped[str | None] = mapped_column(String(128))


@dataclass(frozen=True, slots=True)
class LogEntry:
    """What the caller logs about one exchanged message."""

    message_id: str
    """The X-Road message id (`X-Road-Id`)."""
    client: str
    """The calling subsystem, `KR/GOV/MOIS/residents`."""
    service: str
    user_id: str
    purpose: str
    legal_basis: str
    request_hash: str
    """Hex SHA-256 of the request body (`body_hash`)."""
    response_hash: str | None
    status: int
    request_signature: str | None = None
    response_signature: str | None = None
    side: str | None = None
    caller: str | None = None
    user_asserted: bool | None = None
    issue: str | None = None
    represented_party: str | None = None
    request_head: str | None = None
    request_body_digest: str | None = None
    request_signed_at: str | None = None
    response_head: str | None = None
    response_body_digest: str | None = None
    response_signed_at: str | None = None
    error_type: str | None = None


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    """An entry as stored: the caller's fields plus its place in the chain."""

    seq: int
    logged_at: dt.datetime
    message_id: str
    client: str
    service: str
    user_id: str
    purpose: str
    legal_basis: str
    request_hash: str
    response_hash: str | None
    status: int
    request_signature: str | None
    response_signature: str | None
    prev_hash: str
    entry_hash: str
    side: str | None = None
    caller: str | None = None
    user_asserted: bool | None = None
    issue: str | None = None
    represented_party: str | None = None
    request_head: str | None = None
    request_body_digest: str | None = None
    request_signed_at: str | None = None
    response_head: str | None = None
    response_body_digest: str | None = None
    response_signed_at: str | None = None
    error_type: str | None = None


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The outcome of checking a chain: OK, or the first problem found.

    `count` is the number of entries checked and found sound (all of them when `ok`);
    `head_hash` is the hash of the last sound entry (the head of the log when `ok`).
    For evidence bundles, `stamps` is the number of time-stamps that verified and
    `stamped_through` the last seq they cover (None: no stamp; entries after it are not
    covered by a stamp in the bundle); a stamp that fails is a `timestamp` problem.
    """

    ok: bool
    count: int
    head_hash: str
    kind: ProblemKind | None = None
    seq: int | None = None
    detail: str = ""
    stamps: int = 0
    stamped_through: int | None = None
    pending: int = 0
    """Entries logged but not yet linked onto the chain (`chain_pending`)."""


# The hashed fields, in sorted order so that the JSON object has sorted keys.
HASHED_FIELDS: Final = (
    "client",
    "legal_basis",
    "logged_at",
    "message_id",
    "purpose",
    "request_hash",
    "request_signature",
    "response_hash",
    "response_signature",
    "seq",
    "service",
    "status",
    "user_id",
)
if list(HASHED_FIELDS) != sorted(HASHED_FIELDS):  # pragma: no cover  (a guard on edits)
    raise RuntimeError("HASHED_FIELDS must be sorted: the canonical JSON has sorted keys")

EXTENDED_FIELDS: Final = (
    "side",
    "caller",
    "user_asserted",
    "issue",
    "represented_party",
    "request_head",
    "request_body_digest",
    "request_signed_at",
    "response_head",
    "response_body_digest",
    "response_signed_at",
    "error_type",
)
"""Fields added after the first entries were written: hashed when not null, so that an
early entry (all of them null) hashes as it always did, and setting or clearing one of
them in any entry breaks its hash."""

_STORED_FIELDS: Final = (*HASHED_FIELDS, *EXTENDED_FIELDS, "prev_hash", "entry_hash")
_COLUMNS: Final = tuple(MessageLogRow.__table__.c[name] for name in _STORED_FIELDS)
_TABLE: Final = cast("Table", MessageLogRow.__table__)
_LOGGED_AT: Final = HASHED_FIELDS.index("logged_at")
_SEQ: Final = HASHED_FIELDS.index("seq")
_BASE: Final = len(HASHED_FIELDS)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_sha256 = hashlib.sha256
_TAKE_WRITE_LOCK: Final = _TABLE.update().where(false()).values(seq=_TABLE.c.seq)


_TAIL: Final = (
    select(_TABLE.c.seq, _TABLE.c.entry_hash)
    .where(_TABLE.c.seq.is_not(None))
    .order_by(_TABLE.c.seq.desc())
    .limit(1)
)
_RECORD: Final = insert(_TABLE).returning(_TABLE.c.id)
_ENTRY_FIELDS: Final = tuple(LogEntry.__dataclass_fields__)
_PENDING: Final = (
    select(
        _TABLE.c.id,
        *(_TABLE.c[name] for name in (*HASHED_FIELDS, *EXTENDED_FIELDS) if name != "seq"),
    )
    .where(_TABLE.c.seq.is_(None))
    .order_by(_TABLE.c.id)
)
_LINK: Final = (
    _TABLE.update()
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(seq=bindparam("seq"), prev_hash=bindparam("prev"), entry_hash=bindparam("digest"))
)


def become_writer(session: Session) -> None:
    """On SQLite, make the session's transaction a writer now (a no-op elsewhere).

    A SQLite transaction that has read and then writes fails at once (`database is
    locked`, no busy wait) when another connection committed in between. Work that will
    append to the log, such as an exchange call, calls this before its first read.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(_TAKE_WRITE_LOCK)


def body_hash(body: bytes) -> str:
    """Hex SHA-256 of a message body, as logged in `request_hash` and `response_hash`."""
    return _sha256(body).hexdigest()


def instant_text(instant: dt.datetime) -> str:
    """`logged_at` as it is hashed: ISO 8601 in UTC with microseconds."""
    return instant.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_json(values: Sequence[Any]) -> str:
    """The canonical JSON object of an entry's hashed fields: `HASHED_FIELDS` in order, then
    optionally `EXTENDED_FIELDS` in order (those that are not null are included).

    Keys sorted, no whitespace, UTF-8 text kept as is, `null` for an absent field of
    `HASHED_FIELDS`, `logged_at` as `instant_text`.
    """
    document = dict(zip(HASHED_FIELDS, values[:_BASE], strict=True))
    for name, value in zip(EXTENDED_FIELDS, values[_BASE:], strict=False):
        if value is not None:
            document[name] = value
    return _dumps(document)


def entry_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """SHA-256 over `prev_hash` followed by the entry's canonical JSON (hex)."""
    return _sha256((prev_hash + canonical_json(values)).encode()).hexdigest()


def _hashed_values(seq: int, logged_at: str, entry: LogEntry) -> tuple[Any, ...]:
    return _base_values(seq, logged_at, entry) + tuple(
        getattr(entry, name) for name in EXTENDED_FIELDS
    )


def _base_values(seq: int, logged_at: str, entry: LogEntry) -> tuple[Any, ...]:
    return (
        entry.client,
        entry.legal_basis,
        logged_at,
        entry.message_id,
        entry.purpose,
        entry.request_hash,
        entry.request_signature,
        entry.response_hash,
        entry.response_signature,
        seq,
        entry.service,
        entry.status,
        entry.user_id,
    )


def _tail(session: Session) -> tuple[int, str]:
    """Lock the log against other appenders (PostgreSQL) and read its last seq and hash."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
    elif dialect == "sqlite":
        # A write that touches no row makes this a write transaction now, waiting (busy
        # timeout) for any other writer to commit, so the tail read below is the real tail.
        session.execute(_TAKE_WRITE_LOCK)
    last = session.execute(_TAIL).first()
    return (0, GENESIS_HASH) if last is None else (last.seq, last.entry_hash)


def append_many(session: Session, clock: Clock, entries: Iterable[LogEntry]) -> list[LoggedEntry]:
    """Append entries, in order, to the log within the caller's transaction.

    One lock, one tail read and one multi-row INSERT for the whole batch; the entries share
    the clock's current instant. Nothing is committed here.
    """
    batch = list(entries)
    if not batch:
        return []
    logged_at = clock.now().astimezone(dt.UTC)
    logged_text = instant_text(logged_at)
    seq, prev = _tail(session)
    logged: list[LoggedEntry] = []
    for entry in batch:
        seq += 1
        digest = entry_hash(prev, _hashed_values(seq, logged_text, entry))
        logged.append(
            LoggedEntry(
                seq=seq,
                logged_at=logged_at,
                message_id=entry.message_id,
                client=entry.client,
                service=entry.service,
                user_id=entry.user_id,
                purpose=entry.purpose,
                legal_basis=entry.legal_basis,
                request_hash=entry.request_hash,
                response_hash=entry.response_hash,
                status=entry.status,
                request_signature=entry.request_signature,
                response_signature=entry.response_signature,
                prev_hash=prev,
                entry_hash=digest,
                **{name: getattr(entry, name) for name in EXTENDED_FIELDS},
            )
        )
        prev = digest
    session.execute(insert(_TABLE), [asdict(item) for item in logged])
    return logged


def append(session: Session, clock: Clock, entry: LogEntry) -> LoggedEntry:
    """Append one entry to the log within the caller's transaction (nothing is committed)."""
    return append_many(session, clock, [entry])[0]


def record(session: Session, clock: Clock, entry: LogEntry) -> int:
    """Log an entry now, unchained (no lock, one INSERT); its row id.

    The exchange's calls log this way so that they never queue on the log's lock;
    `chain_pending` (run by `nara worker` every pass) links the entries in the order their
    transactions committed. Until then an entry is in the log, protected by the triggers,
    but not yet covered by the chain.
    """
    values = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    values |= {
        "logged_at": clock.now().astimezone(dt.UTC),
        "seq": None,
        "prev_hash": None,
        "entry_hash": None,
    }
    row_id: int = session.execute(_RECORD, values).scalar_one()
    return row_id


def chain_pending(session: Session, *, limit: int = 10_000) -> int:
    """Link up to `limit` unchained entries, oldest first, onto the chain; how many.

    Takes the log's lock (as appends do), so that concurrent chainers and appenders queue
    and the chain stays linear; run it in a transaction of its own.
    """
    seq, prev = _tail(session)
    rows = session.execute(_PENDING.limit(limit)).all()
    if not rows:
        return 0
    links = []
    for row in rows:
        seq += 1
        fields = row._asdict()
        row_id = fields.pop("id")
        logged_text = instant_text(fields.pop("logged_at"))
        entry = LogEntry(**fields)
        digest = entry_hash(prev, _hashed_values(seq, logged_text, entry))
        links.append({"row_id": row_id, "seq": seq, "prev": prev, "digest": digest})
        prev = digest
    session.execute(_LINK, links)
    return len(links)


def pending_count(session: Session | Connection) -> int:
    """Entries logged but not yet linked onto the chain."""
    return int(
        session.execute(
            select(func.count()).select_from(_TABLE).where(_TABLE.c.seq.is_(None))
        ).scalar_one()
    )


# Verification -----------------------------------------------------------------------------


class _Chain:
    """Walks entries in seq order and stops at the first problem."""

    def __init__(self, first_seq: int, prev_hash: str) -> None:
        self.expected = first_seq
        self.prev = prev_hash
        self.count = 0
        self.kind: ProblemKind | None = None
        self.seq: int | None = None
        self.detail = ""
        self.link: str | None = None  # prev_hash of an entry that does not follow its predecessor

    def walk(self, rows: Iterable[Sequence[Any]]) -> bool:
        """Check rows of `_STORED_FIELDS` values; False once a problem is found."""
        sha256 = _sha256
        expected, prev = self.expected, self.prev
        for row in rows:
            values = list(row[:-2])
            seq = values[_SEQ]
            if seq != expected:
                self.expected, self.prev = expected, prev
                if seq < expected:
                    return self._fail(
                        "reordered", seq, f"entry {seq} comes after entry {expected - 1}"
                    )
                last = "" if seq == expected + 1 else f"..{seq - 1}"
                return self._fail(
                    "removed", expected, f"entry {expected}{last} is missing; next is {seq}"
                )
            row_prev, row_hash = row[-2], row[-1]
            if row_prev != prev:
                self.expected, self.prev = expected, prev
                self.link = row_prev
                return self._fail("removed", seq, f"entry {seq} is not chained to entry {seq - 1}")
            logged_at = values[_LOGGED_AT]
            if not isinstance(logged_at, str):
                values[_LOGGED_AT] = logged_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
            computed = sha256((prev + canonical_json(values)).encode()).hexdigest()
            if computed != row_hash:
                self.expected, self.prev = expected, prev
                return self._fail(
                    "altered", seq, f"entry {seq} does not match its hash (stored {row_hash})"
                )
            prev = row_hash
            expected += 1
            self.count += 1
        self.expected, self.prev = expected, prev
        return True

    def _fail(self, kind: ProblemKind, seq: int, detail: str) -> bool:
        self.kind, self.seq, self.detail = kind, seq, detail
        return False

    def misplaced(self, predecessor_seq: int) -> None:
        """The broken link names an entry that is in the log, elsewhere: a reordering."""
        self.kind = "reordered"
        self.detail = (
            f"entry {self.seq} is chained to the entry now at seq {predecessor_seq}, "
            f"not to entry {self.expected - 1}"
        )

    def report(self) -> VerificationReport:
        return VerificationReport(
            ok=self.kind is None,
            count=self.count,
            head_hash=self.prev,
            kind=self.kind,
            seq=self.seq,
            detail=self.detail,
        )


def _pages(connection: Connection | Session, batch: int) -> Iterator[Sequence[Sequence[Any]]]:
    """The whole log in seq order, `batch` rows at a time (keyset pagination on `seq`)."""
    after = 0
    while True:
        rows = connection.execute(
            select(*_COLUMNS).where(_TABLE.c.seq > after).order_by(_TABLE.c.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1].seq
        if len(rows) < batch:
            return


def _verify(connection: Connection | Session, batch: int) -> VerificationReport:
    chain = _Chain(1, GENESIS_HASH)
    for rows in _pages(connection, batch):
        if not chain.walk(rows):
            break
    if chain.link is not None:
        found = connection.execute(
            select(_TABLE.c.seq).where(_TABLE.c.entry_hash == chain.link).limit(1)
        ).scalar()
        if found is not None:
            chain.misplaced(found)
    return chain.report()


def verify(source: Session | Connection | Engine, *, batch: int = 10_000) -> VerificationReport:
    """Check the whole log, in seq order, reading `batch` entries at a time.

    Reports the first problem: `removed` (a gap in seq, or an entry whose `prev_hash` names
    no entry in the log), `reordered` (an entry chained to an entry that sits elsewhere),
    `altered` (an entry whose fields no longer match its hash). A clean log is `ok` with the
    number of entries and the head hash (64 zeros for an empty log).
    """
    if batch < 1:
        raise ValueError("batch must be positive")
    if isinstance(source, Engine):
        with source.connect() as connection:
            return replace(_verify(connection, batch), pending=pending_count(connection))
    return replace(_verify(source, batch), pending=pending_count(source))


# Evidence ---------------------------------------------------------------------------------


def export_evidence(session: Session, *, seq_from: int, seq_to: int) -> dict[str, Any]:
    """A JSON-able bundle of entries `seq_from`..`seq_to` for an auditor.

    It holds every stored field of each entry (`logged_at` exactly as hashed), their hashes,
    and the hash of the entry before the range (`prev_hash`), so the chain over the range can
    be recomputed offline with `verify_evidence` or any SHA-256 tool; and the RFC 3161
    time-stamps whose batch ends within the range (`timestamps`: `first_seq`, `last_seq`,
    `digest` = the `entry_hash` of `last_seq`, `gen_time`, `tsa`, `token` in base64 DER).
    A range ending at a stamp's `last_seq` is covered by stamps throughout.
    """
    from nara.exchange.timestamps import evidence_stamps

    if seq_from < 1 or seq_to < seq_from:
        raise invalid(
            "messagelog.range",
            f"Invalid evidence range {seq_from}..{seq_to}.",
            f"증거 범위가 올바르지 않습니다: {seq_from}..{seq_to}.",
            field_name="seq_from",
        )
    rows = session.execute(
        select(*_COLUMNS)
        .where(_TABLE.c.seq >= seq_from, _TABLE.c.seq <= seq_to)
        .order_by(_TABLE.c.seq)
    ).all()
    if not rows or rows[-1].seq != seq_to:
        raise invalid(
            "messagelog.range",
            f"The log has no entry {seq_to}.",
            f"로그에 {seq_to}번 항목이 없습니다.",
            field_name="seq_to",
        )
    if seq_from == 1:
        prev_hash = GENESIS_HASH
    else:
        prev_hash = session.execute(
            select(_TABLE.c.entry_hash).where(_TABLE.c.seq == seq_from - 1)
        ).scalar_one()
    entries = []
    for row in rows:
        item = dict(zip(_STORED_FIELDS, row, strict=True))
        item["logged_at"] = instant_text(item["logged_at"])
        entries.append(item)
    return {
        "format": EVIDENCE_FORMAT,
        "algorithm": "sha256(prev_hash + canonical_json(entry without prev_hash, entry_hash))",
        "seq_from": seq_from,
        "seq_to": seq_to,
        "prev_hash": prev_hash,
        "entries": entries,
        "timestamps": evidence_stamps(session, seq_from=seq_from, seq_to=seq_to),
    }


def verify_evidence(
    bundle: Mapping[str, Any], *, anchors: Sequence[x509.Certificate] | None = None
) -> VerificationReport:
    """Re-check an evidence bundle offline: seqs contiguous over the stated range, each entry
    chained to the one before (the first to the bundle's `prev_hash`) and matching its hash.

    Then each time-stamp (format 2): its digest is the `entry_hash` of its `last_seq` in the
    bundle, and its token verifies over it; its certificate must chain to one of `anchors`
    (the platform CA's certificate, got from elsewhere; None: the chain is not checked).
    """
    if bundle.get("format") not in EVIDENCE_FORMATS:
        raise invalid(
            "messagelog.evidence_format",
            "Not a message log evidence bundle.",
            "메시지 로그 증거 묶음이 아닙니다.",
            field_name="format",
        )
    seq_from, seq_to = int(bundle["seq_from"]), int(bundle["seq_to"])
    chain = _Chain(seq_from, str(bundle["prev_hash"]))
    rows = ([entry.get(name) for name in _STORED_FIELDS] for entry in bundle["entries"])
    if chain.walk(rows) and chain.expected <= seq_to:
        chain.kind, chain.seq = "removed", chain.expected
        chain.detail = f"entries {chain.expected}..{seq_to} are missing from the bundle"
    elif chain.kind is None and chain.expected != seq_to + 1:
        chain.kind, chain.seq = "altered", seq_to
        chain.detail = f"the bundle holds entries beyond its range ..{seq_to}"
    elif chain.link is not None:
        for entry in bundle["entries"]:
            if entry.get("entry_hash") == chain.link:
                chain.misplaced(int(entry["seq"]))
                break
    report = chain.report()
    stamps = bundle.get("timestamps") or []
    if not report.ok or not stamps:
        return report
    from nara.exchange.timestamps import check_evidence_stamps

    hashes = {int(entry["seq"]): str(entry["entry_hash"]) for entry in bundle["entries"]}
    count, through, problem = check_evidence_stamps(stamps, hashes, anchors=anchors)
    if problem is None:
        return replace(report, stamps=count, stamped_through=through)
    return replace(
        report,
        ok=False,
        kind="timestamp",
        seq=problem[0],
        detail=problem[1],
        stamps=count,
        stamped_through=through,
    )


__all__ = [
    "EVIDENCE_FORMAT",
    "EVIDENCE_FORMATS",
    "GENESIS_HASH",
    "HASHED_FIELDS",
    "LOCK_KEY",
    "LogEntry",
    "LoggedEntry",
    "MessageLogRow",
    "VerificationReport",
    "append",
    "append_many",
    "body_hash",
    "canonical_json",
    "entry_hash",
    "export_evidence",
    "instant_text",
    "verify",
    "verify_evidence",
]
