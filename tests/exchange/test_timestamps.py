"""RFC 3161 batch time-stamps of the message log: made, due, verified, exported."""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime as dt
import hashlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import cms, tsp  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from sqlalchemy import exc, select, text, update
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.settings import Settings
from nara.exchange.messagelog import (
    LogEntry,
    MessageLogRow,
    append,
    append_many,
    body_hash,
    entry_hash,
    export_evidence,
    verify,
    verify_evidence,
)
from nara.exchange.timestamps import (
    HTTPAuthority,
    LocalAuthority,
    LogTimestampRow,
    TokenError,
    authority_from_settings,
    stamp_due,
    stamp_pending,
    verify_stamps,
)
from nara.exchange.timestamps.tokens import check_token
from nara.exchange.trust import Keystore
from tests.conftest import TEST_PII_KEY

MASTER = bytes(range(32))
INTERVAL = dt.timedelta(seconds=60)
TICK = dt.timedelta(seconds=1)


def entry(n: int) -> LogEntry:
    return LogEntry(
        message_id=f"msg-{n:05d}",
        client="KR/GOV/MOIS/residents",
        service="KR/GOV/MOLIT/vehicles/vehicles-of-owner",
        user_id="KR1234567",
        purpose="차량 소유 확인",
        legal_basis="전자정부법 제36조",
        request_hash=body_hash(f"request {n}".encode()),
        response_hash=body_hash(f"response {n}".encode()),
        status=200,
    )


def log(session: Session, clock: FixedClock, *numbers: int) -> None:
    append_many(session, clock, [entry(n) for n in numbers])


@pytest.fixture
def keystore(tmp_path: Path, clock: FixedClock) -> Keystore:
    return Keystore(tmp_path / "keys", MASTER, clock=clock)


@pytest.fixture
def authority(keystore: Keystore, clock: FixedClock) -> LocalAuthority:
    return LocalAuthority(keystore, clock)


def head_hash(session: Session, seq: int) -> str:
    return session.execute(
        select(MessageLogRow.entry_hash).where(MessageLogRow.seq == seq)
    ).scalar_one()


def unprotect(session: Session, table: str) -> None:
    """Drop a table's append-only triggers inside the test's transaction (rolled back)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DROP TRIGGER {table}_no_update"))
        session.execute(text(f"DROP TRIGGER {table}_no_delete"))
    else:
        session.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
        session.execute(text(f"DROP TRIGGER IF EXISTS {table}_link_once ON {table}"))


# -- the local authority's key -------------------------------------------------------------


def test_the_tsa_certificate_is_issued_by_the_ca_once_for_time_stamping_only(
    keystore: Keystore, tmp_path: Path, clock: FixedClock
) -> None:
    key, certificate = keystore.time_stamping_key()
    certificate.verify_directly_issued_by(keystore.ca_certificate)
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (tmp_path / "keys" / "tsa.key").stat().st_mode & 0o777 == 0o600
    assert b"ENCRYPTED" in (tmp_path / "keys" / "tsa.key").read_bytes()
    again = Keystore(tmp_path / "keys", MASTER, clock=clock).time_stamping_key()
    assert again[1] == certificate
    assert again[0].public_key() == key.public_key()


def test_an_expired_tsa_certificate_is_renewed(keystore: Keystore, clock: FixedClock) -> None:
    _, first = keystore.time_stamping_key()
    clock.set(first.not_valid_after_utc + dt.timedelta(days=1))
    _, second = keystore.time_stamping_key()
    assert second != first
    assert second.not_valid_after_utc > clock.now()


# -- stamping --------------------------------------------------------------------------------


def test_a_stamp_covers_the_new_entries_and_none_is_made_when_nothing_is_new(
    session: Session, clock: FixedClock, authority: LocalAuthority
) -> None:
    assert stamp_pending(session, clock, authority) is None
    log(session, clock, 1, 2, 3)
    first = stamp_pending(session, clock, authority)
    assert first is not None
    assert (first.first_seq, first.last_seq) == (1, 3)
    assert first.digest == head_hash(session, 3)
    assert first.gen_time == clock.now()
    assert "Nara Exchange Time-Stamping Authority" in first.tsa
    assert stamp_pending(session, clock, authority) is None
    clock.advance(TICK)
    log(session, clock, 4)
    append(session, clock, entry(5))
    second = stamp_pending(session, clock, authority)
    assert second is not None
    assert (second.first_seq, second.last_seq) == (4, 5)
    assert session.scalars(select(LogTimestampRow.last_seq)).all() == [3, 5]


def test_stamps_are_due_once_the_oldest_unstamped_entry_is_nearly_an_interval_old(
    session: Session, clock: FixedClock, authority: LocalAuthority
) -> None:
    assert stamp_due(session, clock, authority, INTERVAL) is None
    log(session, clock, 1)
    clock.advance(dt.timedelta(seconds=30))
    log(session, clock, 2)
    clock.advance(dt.timedelta(seconds=28))  # the oldest is 58 s old
    assert stamp_due(session, clock, authority, INTERVAL) is None
    clock.advance(TICK)  # 59 s: the next poll would come after 60 s, so stamp now
    stamp = stamp_due(session, clock, authority, 60)
    assert stamp is not None
    assert (stamp.first_seq, stamp.last_seq) == (1, 2)
    assert stamp_due(session, clock, authority, INTERVAL) is None
    # Polling every second, no entry waits more than the interval for its stamp.
    log(session, clock, 3)
    logged_at = clock.now()
    while (stamp := stamp_due(session, clock, authority, INTERVAL)) is None:
        clock.advance(TICK)
        if clock.now() - logged_at == dt.timedelta(seconds=20):
            log(session, clock, 4)
    assert (stamp.first_seq, stamp.last_seq) == (3, 4)
    assert stamp.gen_time - logged_at <= INTERVAL


def test_stamps_are_append_only(
    session: Session, clock: FixedClock, authority: LocalAuthority
) -> None:
    log(session, clock, 1)
    stamp = stamp_pending(session, clock, authority)
    assert stamp is not None
    session.commit()
    with pytest.raises(exc.DatabaseError, match="append-only"):
        session.execute(
            update(LogTimestampRow).where(LogTimestampRow.id == stamp.id).values(tsa="x")
        )
    session.rollback()
    with pytest.raises(exc.DatabaseError, match="append-only"):
        session.execute(text("DELETE FROM exchange_log_timestamp"))
    session.rollback()


def test_a_stamp_made_twice_for_the_same_batch_is_refused(
    session: Session, clock: FixedClock, authority: LocalAuthority
) -> None:
    log(session, clock, 1)
    stamp = stamp_pending(session, clock, authority)
    assert stamp is not None
    session.add(
        LogTimestampRow(
            first_seq=1,
            last_seq=1,
            digest=stamp.digest,
            token=stamp.token,
            gen_time=stamp.gen_time,
            tsa=stamp.tsa,
            created_at=clock.now(),
        )
    )
    with pytest.raises(exc.IntegrityError):
        session.flush()


# -- tokens ----------------------------------------------------------------------------------


def test_the_token_verifies_and_its_imprint_is_the_batch_head_hash(
    session: Session, clock: FixedClock, authority: LocalAuthority, keystore: Keystore
) -> None:
    log(session, clock, 1, 2)
    stamp = stamp_pending(session, clock, authority)
    assert stamp is not None
    digest = bytes.fromhex(head_hash(session, 2))
    info = check_token(stamp.token, digest, anchors=[keystore.ca_certificate])
    assert info.gen_time == stamp.gen_time
    content = cms.ContentInfo.load(stamp.token)
    tst_info = content["content"]["encap_content_info"]["content"].parsed
    assert tst_info["message_imprint"]["hashed_message"].native == digest
    assert tst_info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"


def test_pyhanko_validates_the_local_token_independently(
    keystore: Keystore, authority: LocalAuthority
) -> None:
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    digest = hashlib.sha256(b"head").digest()
    token = authority.stamp(digest)
    root = asn1_x509.Certificate.load(keystore.ca_certificate.public_bytes(Encoding.DER))
    context = ValidationContext(
        trust_roots=[root], moment=keystore.clock.now(), allow_fetching=False
    )
    result = asyncio.run(
        validate_tst_signed_data(
            cms.ContentInfo.load(token)["content"], context, lambda _algorithm: digest
        )
    )
    assert result["intact"] and result["valid"]


def test_a_tampered_token_or_another_digest_is_refused(
    keystore: Keystore, authority: LocalAuthority
) -> None:
    digest = hashlib.sha256(b"head").digest()
    token = authority.stamp(digest)
    anchors = [keystore.ca_certificate]
    with pytest.raises(TokenError, match="imprint does not match"):
        check_token(token, hashlib.sha256(b"other").digest(), anchors=anchors)
    # Another time in the TSTInfo: the signed message digest no longer matches.
    content = cms.ContentInfo.load(token)
    tst_info = content["content"]["encap_content_info"]["content"].parsed
    forged = tsp.TSTInfo.load(tst_info.dump())
    forged["gen_time"] = tst_info["gen_time"].native + dt.timedelta(days=1)
    content["content"]["encap_content_info"]["content"] = cms.ParsableOctetString(forged.dump())
    with pytest.raises(TokenError, match="message digest"):
        check_token(content.dump(force=True), digest, anchors=anchors)
    # A flipped bit in the signature.
    content = cms.ContentInfo.load(token)
    signer = content["content"]["signer_infos"][0]
    signature = bytearray(signer["signature"].native)
    signature[-1] ^= 1
    signer["signature"] = bytes(signature)
    with pytest.raises(TokenError):
        check_token(content.dump(force=True), digest, anchors=anchors)
    with pytest.raises(TokenError, match="malformed"):
        check_token(b"\x30\x03\x02\x01\x00", digest, anchors=anchors)


def test_a_token_from_an_authority_outside_the_platform_ca_is_not_trusted(
    tmp_path: Path, clock: FixedClock, keystore: Keystore
) -> None:
    other = Keystore(tmp_path / "other", MASTER, clock=clock)
    digest = hashlib.sha256(b"head").digest()
    token = LocalAuthority(other, clock).stamp(digest)
    check_token(token, digest, anchors=None)  # sound in itself
    with pytest.raises(TokenError, match="chain"):
        check_token(token, digest, anchors=[keystore.ensure_ca()])


# -- verifying the log's stamps --------------------------------------------------------------


def test_verify_stamps_accepts_a_sound_log(
    session: Session, clock: FixedClock, authority: LocalAuthority, keystore: Keystore
) -> None:
    log(session, clock, 1, 2)
    stamp_pending(session, clock, authority)
    clock.advance(TICK)
    log(session, clock, 3)
    stamp_pending(session, clock, authority)
    clock.advance(TICK)
    log(session, clock, 4)
    report = verify_stamps(session, keystore)
    assert report.ok, report.problems
    assert (report.count, report.stamped_through, report.unstamped) == (2, 3, 1)
    assert report.oldest_unstamped_at == clock.now()


def test_an_entry_altered_after_stamping_is_caught_by_the_stamp(
    session: Session, clock: FixedClock, authority: LocalAuthority, keystore: Keystore
) -> None:
    log(session, clock, 1, 2, 3)
    stamp_pending(session, clock, authority)
    # Someone with write access alters entry 2 and recomputes the chain from there on.
    unprotect(session, "exchange_message_log")
    session.execute(update(MessageLogRow).where(MessageLogRow.seq == 2).values(user_id="KR7654321"))
    rows = session.scalars(select(MessageLogRow).order_by(MessageLogRow.seq)).all()
    previous = rows[0].entry_hash
    for row in rows[1:]:
        values = [
            getattr(row, name)
            if name != "logged_at"
            else row.logged_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
            for name in (
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
        ]
        row.prev_hash = previous
        row.entry_hash = previous = entry_hash(previous, values)
    session.flush()
    assert verify(session).ok  # the chain alone cannot tell
    report = verify_stamps(session, keystore)
    assert not report.ok
    assert [(p.first_seq, p.last_seq) for p in report.problems] == [(1, 3)]
    assert "no longer has the stamped hash" in report.problems[0].detail


def test_a_tampered_stored_token_is_caught(
    session: Session, clock: FixedClock, authority: LocalAuthority, keystore: Keystore
) -> None:
    log(session, clock, 1)
    stamp_pending(session, clock, authority)
    clock.advance(TICK)
    log(session, clock, 2)
    second = stamp_pending(session, clock, authority)
    assert second is not None
    unprotect(session, "exchange_log_timestamp")
    other = LocalAuthority(keystore, clock).stamp(hashlib.sha256(b"x").digest())
    session.execute(
        update(LogTimestampRow).where(LogTimestampRow.last_seq == 2).values(token=other)
    )
    report = verify_stamps(session, keystore)
    assert [p.last_seq for p in report.problems] == [2]
    assert "imprint" in report.problems[0].detail


# -- evidence --------------------------------------------------------------------------------


def test_evidence_includes_the_stamps_of_the_range_and_verifies_them(
    session: Session, clock: FixedClock, authority: LocalAuthority, keystore: Keystore
) -> None:
    log(session, clock, 1, 2)
    stamp_pending(session, clock, authority)
    clock.advance(TICK)
    log(session, clock, 3, 4)
    stamp_pending(session, clock, authority)
    bundle = export_evidence(session, seq_from=2, seq_to=4)
    assert bundle["format"] == "nara-message-log-evidence/2"
    assert [(s["first_seq"], s["last_seq"]) for s in bundle["timestamps"]] == [(1, 2), (3, 4)]
    report = verify_evidence(bundle, anchors=[keystore.ca_certificate])
    assert report.ok, report.detail
    assert (report.stamps, report.stamped_through) == (2, 4)
    # A range ending inside a batch has no stamp for its tail.
    partial = verify_evidence(export_evidence(session, seq_from=1, seq_to=3))
    assert partial.ok and (partial.stamps, partial.stamped_through) == (1, 2)

    forged = copy.deepcopy(bundle)
    forged["timestamps"][1]["token"] = base64.b64encode(
        authority.stamp(hashlib.sha256(b"x").digest())
    ).decode()
    report = verify_evidence(forged)
    assert not report.ok and report.kind == "timestamp" and report.seq == 4
    assert report.stamps == 1

    outsider = Keystore(keystore.directory.parent / "outsider", MASTER, clock=clock)
    report = verify_evidence(bundle, anchors=[outsider.ensure_ca()])
    assert report.kind == "timestamp" and "chain" in report.detail


def test_version_1_bundles_still_verify(session: Session, clock: FixedClock) -> None:
    log(session, clock, 1, 2)
    bundle = export_evidence(session, seq_from=1, seq_to=2)
    del bundle["timestamps"]
    bundle["format"] = "nara-message-log-evidence/1"
    report = verify_evidence(bundle)
    assert report.ok and report.stamps == 0 and report.stamped_through is None


# -- authorities -----------------------------------------------------------------------------


@pytest.fixture
def tsa_url(authority: LocalAuthority) -> Iterator[str]:
    """The local authority behind a tiny RFC 3161 HTTP server in a thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers["Content-Type"] != "application/timestamp-query":
                self.send_error(415)
                return
            answer = authority.respond(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_an_external_authority_is_reached_over_http(
    session: Session, clock: FixedClock, keystore: Keystore, tsa_url: str
) -> None:
    settings = Settings(environment="test", pii_key=TEST_PII_KEY, exchange_tsa_url=tsa_url)
    authority = authority_from_settings(settings, keystore)
    assert isinstance(authority, HTTPAuthority)
    log(session, clock, 1, 2)
    started = time.perf_counter()
    stamp = stamp_pending(session, clock, authority)
    assert time.perf_counter() - started < 5
    assert stamp is not None and stamp.last_seq == 2
    assert verify_stamps(session, keystore).ok


def test_an_unreachable_authority_raises_and_stores_nothing(
    session: Session, clock: FixedClock, keystore: Keystore
) -> None:
    log(session, clock, 1)
    with pytest.raises(OSError):
        stamp_pending(session, clock, HTTPAuthority("http://127.0.0.1:9/tsa", timeout=2))
    assert session.scalars(select(LogTimestampRow)).all() == []


def test_the_local_authority_is_the_default(keystore: Keystore) -> None:
    settings = Settings(environment="test", pii_key=TEST_PII_KEY)
    assert isinstance(authority_from_settings(settings, keystore), LocalAuthority)


def test_the_local_authority_reads_its_key_once(
    authority: LocalAuthority, keystore: Keystore, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = hashlib.sha256(b"head").digest()
    authority.stamp(digest)  # the key is made on first use
    reads: list[Path] = []
    read_key = keystore._read_key
    monkeypatch.setattr(keystore, "_read_key", lambda path: reads.append(path) or read_key(path))
    for _ in range(5):
        authority.stamp(digest)
    assert reads == []
