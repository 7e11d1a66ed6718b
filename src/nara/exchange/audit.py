"""`nara exchange verify-log`: the message log checked the way an auditor would.

Four checks, each failing the log on its own:

1. **the chain** (`messagelog.verify`): every entry chained to the one before and matching its
   hash;
2. **the time-stamps** (`timestamps.verify_stamps`): every token verifies, chains to the
   platform CA (or a configured anchor), and stamps the hash the entry it names has now —
   an administrator who alters an entry and recomputes every hash after it still breaks the
   stamps he cannot re-sign;
3. **the gaps**: no batch of entries waited longer than twice the stamping interval
   (`exchange_timestamp_interval_seconds`) for its stamp, and no entry logged longer ago than
   that is still unstamped or unchained — a stopped stamper or chainer, or stamps removed,
   show here; and every usage row (a citizen's "who read my data") names a log entry that is
   still there — entries removed with their stamps show here;
4. **the signatures**: for every entry that keeps what the signatures covered (its heads, body
   digests, instants and caller; `nara.exchange.messages`), the request hash is recomputed and
   the client member's signature checked against it, and likewise the provider's signature
   over the response — an altered user id, purpose or issue no longer verifies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast
from urllib.parse import unquote

from cryptography import x509
from sqlalchemy import Engine, Table, func, select
from sqlalchemy.orm import Session

from nara.core.errors import NaraError
from nara.exchange.messagelog import MessageLogRow, VerificationReport, verify
from nara.exchange.messages import (
    message_hash,
    parse_instant,
    request_signing_text,
    response_signing_text,
)
from nara.exchange.timestamps import LogTimestampRow, StampReport, verify_stamps
from nara.exchange.trust import Keystore, MemberId, ServiceId, SubsystemId
from nara.exchange.usage import ExchangeDataUsage

_LOG = MessageLogRow.__table__.c
_USAGE = cast("Table", ExchangeDataUsage.__table__)
_SIGNED: Final = (
    _LOG.seq,
    _LOG.message_id,
    _LOG.user_id,
    _LOG.purpose,
    _LOG.issue,
    _LOG.represented_party,
    _LOG.client,
    _LOG.service,
    _LOG.caller,
    _LOG.request_head,
    _LOG.request_body_digest,
    _LOG.request_signed_at,
    _LOG.request_signature,
    _LOG.response_head,
    _LOG.response_body_digest,
    _LOG.response_signed_at,
    _LOG.response_signature,
    _LOG.error_type,
)
_REQUEST_REFUSED: Final = frozenset(
    {
        "Server.ServerProxy.SignatureVerification",
        "Server.ServerProxy.CertValidation",
        "Server.ServerProxy.InvalidMessage",
    }
)
"""Refusals of a request's signature: the entry records a signature that did not verify."""
_RESPONSE_REFUSED: Final = frozenset({"Server.ClientProxy.SignatureVerification"})


@dataclass(frozen=True)
class Finding:
    """One problem: what kind, at which entry, and why."""

    kind: str
    seq: int | None
    detail: str


@dataclass
class AuditReport:
    chain: VerificationReport
    stamps: StampReport
    signatures_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.stamps.ok and not self.findings


def audit_log(
    engine: Engine,
    keystore: Keystore,
    *,
    interval: dt.timedelta,
    now: dt.datetime,
    anchors: Sequence[x509.Certificate] = (),
) -> AuditReport:
    """Every check of the module doc, over the whole log."""
    chain = verify(engine)
    try:
        keystore.ca_certificate  # noqa: B018  (raises when there is no CA)
        trusted: Keystore | None = keystore
    except NaraError:  # no CA yet: nothing was ever signed or stamped with it
        trusted = None
    with Session(engine) as session:
        stamps = verify_stamps(session, trusted, anchors=anchors)
        report = AuditReport(chain, stamps)
        report.findings += _gaps(session, stamps, interval=interval, now=now)
        checked, problems = _signatures(session, keystore)
        report.signatures_checked = checked
        report.findings += problems
    return report


def _gaps(
    session: Session, stamps: StampReport, *, interval: dt.timedelta, now: dt.datetime
) -> list[Finding]:
    limit = interval * 2
    found: list[Finding] = []
    batches = session.execute(
        select(LogTimestampRow.first_seq, LogTimestampRow.gen_time, _LOG.logged_at)
        .join(MessageLogRow, _LOG.seq == LogTimestampRow.first_seq)
        .order_by(LogTimestampRow.first_seq)
    ).all()
    for first_seq, gen_time, logged_at in batches:
        if gen_time - logged_at > limit:
            found.append(
                Finding(
                    "timestamp_gap",
                    first_seq,
                    f"entry {first_seq} waited {gen_time - logged_at} for its time-stamp, more "
                    f"than twice the interval ({interval})",
                )
            )
    unchained_since = session.scalar(select(func.min(_LOG.logged_at)).where(_LOG.seq.is_(None)))
    if unchained_since is not None and now - unchained_since > limit:
        found.append(
            Finding(
                "unchained",
                None,
                f"entries logged {now - unchained_since} ago are still not chained (the "
                "worker is stopped, or entries were inserted around it)",
            )
        )
    orphans = session.scalar(
        select(func.count())
        .select_from(_USAGE)
        .outerjoin(MessageLogRow, _LOG.id == _USAGE.c.log_id)
        .where(_LOG.id.is_(None))
    )
    if orphans:
        found.append(
            Finding(
                "entries_missing",
                None,
                f"{orphans:,} usage rows name message-log entries that are not in the log "
                "(entries were removed)",
            )
        )
    oldest = stamps.oldest_unstamped_at
    if oldest is not None and now - oldest > limit:
        found.append(
            Finding(
                "unstamped",
                stamps.stamped_through + 1,
                f"{stamps.unstamped:,} entries from {stamps.stamped_through + 1} on are not "
                f"time-stamped; the oldest was logged {now - oldest} ago (the stamper is "
                "stopped, or stamps were removed)",
            )
        )
    return found


def _rows(session: Session, batch: int = 5_000) -> Iterator[Sequence[Any]]:
    after = 0
    while True:
        rows = session.execute(
            select(*_SIGNED)
            .where(_LOG.seq > after, _LOG.request_head.is_not(None))
            .order_by(_LOG.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1].seq


def _signatures(session: Session, keystore: Keystore) -> tuple[int, list[Finding]]:
    checked = 0
    found: list[Finding] = []
    for rows in _rows(session):
        for row in rows:
            checked += 1
            problem = check_entry_signatures(keystore, row)
            if problem:
                found.append(Finding("signature", row.seq, problem))
    return checked, found


def check_entry_signatures(keystore: Keystore, row: Any) -> str:  # noqa: PLR0911
    """Why an entry's signatures do not verify against what it keeps, or `""`."""
    try:
        client = SubsystemId.parse(row.client).member
        provider: MemberId = ServiceId.parse(row.service).member
    except NaraError:
        return "the entry does not name its client and service as X-Road identifiers"
    mismatch = head_mismatch(row)
    if mismatch:
        return mismatch
    request_hash = message_hash(row.request_head.encode(), row.request_body_digest or "")
    if row.request_signature is None or row.error_type in _REQUEST_REFUSED:
        return ""
    try:
        keystore.verify(
            client,
            request_signing_text(row.request_signed_at, row.caller or "", request_hash),
            row.request_signature or "",
            at=parse_instant(row.request_signed_at),
        )
    except NaraError as error:
        return f"the request's signature does not verify: {error.message.en}"
    if (
        row.response_head is None
        or row.response_signature is None
        or row.error_type in _RESPONSE_REFUSED
    ):
        return ""
    response_hash = message_hash(row.response_head.encode(), row.response_body_digest or "")
    if f"x-road-request-hash:{request_hash}" not in row.response_head:
        return "the response does not answer the request logged with it"
    try:
        keystore.verify(
            provider,
            response_signing_text(row.response_signed_at, response_hash),
            row.response_signature,
            at=parse_instant(row.response_signed_at),
        )
    except NaraError as error:
        return f"the response's signature does not verify: {error.message.en}"
    return ""


def head_fields(head: str) -> tuple[str, str, dict[str, str]]:
    """The method, target and X-Road headers (the last of each) a logged head holds."""
    lines = head.split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[2:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name] = value
    return lines[0], lines[1] if len(lines) > 1 else "", headers


def head_mismatch(row: Any) -> str:
    """Why an entry's fields are not what its signed head says, or `""`: the head is what the
    signature covers, the fields are what people read."""
    _, target, headers = head_fields(row.request_head)
    expected = {
        "message id": (headers.get("x-road-id", ""), row.message_id),
        "client": (unquote(headers.get("x-road-client", "")), row.client),
        "user id": (unquote(headers.get("x-road-userid", ""))[:128], row.user_id),
        "purpose": (headers.get("x-road-purpose", ""), row.purpose),
        "issue": (unquote(headers.get("x-road-issue", ""))[:1000], row.issue or ""),
        "represented party": (
            unquote(headers.get("x-road-represented-party", ""))[:600],
            row.represented_party or "",
        ),
    }
    for name, (signed, logged) in expected.items():
        if signed != logged:
            return f"its {name} ({logged!r}) is not the one the request signed ({signed!r})"
    if not unquote(target.partition("?")[0]).startswith(f"/r1/{row.service}"):
        return f"its service ({row.service}) is not the one the request signed"
    return ""
