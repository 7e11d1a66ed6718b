"""The exchange's message log: gap-free, hash-chained, append-only, verifiable, exportable."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, exc, select, text
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import FixedClock
from nara.core.db import make_engine, normalise_url
from nara.core.errors import Invalid
from nara.exchange.messagelog import (
    GENESIS_HASH,
    LogEntry,
    MessageLogRow,
    append,
    append_many,
    body_hash,
    canonical_json,
    chain_pending,
    export_evidence,
    pending_count,
    record,
    verify,
    verify_evidence,
)
from nara.migrations import upgrade
from tests.conftest import POSTGRES_URL
from tests.support import count_rows


def entry(n: int, **changes: object) -> LogEntry:
    values: dict[str, object] = {
        "message_id": f"msg-{n:05d}",
        "client": "KR/GOV/MOIS/residents",
        "service": "KR/GOV/MOLIT/vehicles/vehicles-of-owner",
        "user_id": "KR1234567",
        "purpose": "차량 소유 확인 (vehicle ownership check)",
        "legal_basis": "전자정부법 제36조",
        "request_hash": body_hash(f"request {n}".encode()),
        "response_hash": body_hash(f"response {n}".encode()),
        "status": 200,
        "request_signature": f"sig-req-{n}",
        "response_signature": None,
    }
    values.update(changes)
    return LogEntry(**values)  # type: ignore[arg-type]


def fill(session: Session, clock: FixedClock, n: int) -> None:
    for i in range(1, n + 1):
        append(session, clock, entry(i))
        clock.advance(dt.timedelta(milliseconds=1))


def unprotect(session: Session) -> None:
    """Drop the append-only triggers inside the test's transaction (restored on rollback)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER exchange_message_log_no_update"))
        session.execute(text("DROP TRIGGER exchange_message_log_no_delete"))
    else:
        for trigger in ("append_only", "link_once"):
            session.execute(
                text(f"DROP TRIGGER exchange_message_log_{trigger} ON exchange_message_log")
            )


def test_appends_are_numbered_without_gaps_and_chained(session: Session, clock: FixedClock) -> None:
    first = append(session, clock, entry(1))
    assert first.seq == 1
    assert first.prev_hash == GENESIS_HASH
    assert first.logged_at == clock.now()
    batch = append_many(session, clock, [entry(i) for i in range(2, 6)])
    last = append(session, clock, entry(6, status=500, response_hash=None))
    assert append_many(session, clock, []) == []

    logged = [first, *batch, last]
    assert [e.seq for e in logged] == [1, 2, 3, 4, 5, 6]
    for before, after in itertools.pairwise(logged):
        assert after.prev_hash == before.entry_hash
    assert len({e.entry_hash for e in logged}) == 6
    stored = session.execute(select(MessageLogRow).order_by(MessageLogRow.seq)).scalars().all()
    assert [(r.seq, r.entry_hash, r.prev_hash) for r in stored] == [
        (e.seq, e.entry_hash, e.prev_hash) for e in logged
    ]
    assert stored[-1].response_hash is None
    assert stored[0].purpose == entry(1).purpose  # Korean text survives the round trip


def test_the_hash_covers_prev_hash_and_the_canonical_fields(
    session: Session, clock: FixedClock
) -> None:
    import hashlib

    logged = append(session, clock, entry(1))
    fields = (
        logged.client, logged.legal_basis,
        logged.logged_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        logged.message_id, logged.purpose, logged.request_hash, logged.request_signature,
        logged.response_hash, logged.response_signature, logged.seq, logged.service,
        logged.status, logged.user_id,
    )  # fmt: skip
    canonical = canonical_json(fields)
    assert canonical.startswith('{"client":"KR/GOV/MOIS/residents","legal_basis":"전자정부법')
    assert '"seq":1,' in canonical
    expected = hashlib.sha256((GENESIS_HASH + canonical).encode()).hexdigest()
    assert logged.entry_hash == expected


def test_a_clean_log_verifies_with_its_count_and_head(
    session: Session, clock: FixedClock, engine: Engine
) -> None:
    empty = verify(session)
    assert (empty.ok, empty.count, empty.head_hash, empty.kind) == (True, 0, GENESIS_HASH, None)
    fill(session, clock, 25)
    head = append(session, clock, entry(26)).entry_hash
    session.flush()
    for batch in (1, 7, 26, 10_000):  # page boundaries anywhere
        report = verify(session, batch=batch)
        assert (report.ok, report.count, report.head_hash, report.seq) == (True, 26, head, None)


def test_recorded_entries_are_chained_later_in_the_order_logged(
    session: Session, clock: FixedClock
) -> None:
    append(session, clock, entry(1))
    ids = [record(session, clock, entry(n)) for n in (2, 3, 4)]

    assert pending_count(session) == 3
    assert verify(session).count == 1  # the chain covers only what is linked
    assert chain_pending(session, limit=2) == 2
    assert chain_pending(session) == 1
    assert chain_pending(session) == 0

    rows = session.scalars(select(MessageLogRow).order_by(MessageLogRow.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert [r.id for r in rows[1:]] == ids
    assert [r.message_id for r in rows] == ["msg-00001", "msg-00002", "msg-00003", "msg-00004"]
    report = verify(session)
    assert (report.ok, report.count, report.pending) == (True, 4, 0)


def test_an_entry_is_linked_once_and_nothing_else_changes(
    session: Session, clock: FixedClock
) -> None:
    row_id = record(session, clock, entry(1))
    for statement in (
        f"UPDATE exchange_message_log SET status = 500 WHERE id = {row_id}",
        f"UPDATE exchange_message_log SET seq = 1, prev_hash = 'x', entry_hash = 'y', "
        f"purpose = 'other' WHERE id = {row_id}",
        f"UPDATE exchange_message_log SET seq = 1 WHERE id = {row_id}",  # half a link
        f"DELETE FROM exchange_message_log WHERE id = {row_id}",
    ):
        with pytest.raises(exc.DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement))
    chain_pending(session)
    with pytest.raises(exc.DatabaseError, match="append-only"), session.begin_nested():
        session.execute(
            text(f"UPDATE exchange_message_log SET entry_hash = 'z' WHERE id = {row_id}")
        )
    assert verify(session).ok


def test_verify_accepts_an_engine(engine: Engine) -> None:
    report = verify(engine)  # the shared test database holds no committed log entries
    assert report.ok


def test_the_log_refuses_update_and_delete(session: Session, clock: FixedClock) -> None:
    fill(session, clock, 3)
    for statement in (
        "UPDATE exchange_message_log SET status = 404 WHERE seq = 2",
        "DELETE FROM exchange_message_log WHERE seq = 3",
    ):
        with pytest.raises(exc.DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement))
    assert count_rows(session, "exchange_message_log") == 3
    assert verify(session).ok


@pytest.mark.parametrize(
    "column, value",
    [("status", 403), ("user_id", "KR7654321"), ("response_hash", None), ("seq_shift", None)],
)
def test_an_altered_entry_is_found(
    session: Session, clock: FixedClock, column: str, value: object
) -> None:
    fill(session, clock, 6)
    unprotect(session)
    if column == "seq_shift":  # moving the last entry to seq 7 leaves a gap at 6
        session.execute(text("UPDATE exchange_message_log SET seq = 7 WHERE seq = 6"))
        report = verify(session)
        assert (report.kind, report.seq) == ("removed", 6)
        return
    session.execute(
        text(f"UPDATE exchange_message_log SET {column} = :value WHERE seq = 4"),
        {"value": value},
    )
    report = verify(session, batch=2)
    assert not report.ok
    assert (report.kind, report.seq, report.count) == ("altered", 4, 3)
    stored = session.execute(
        select(MessageLogRow.entry_hash).where(MessageLogRow.seq == 3)
    ).scalar_one()
    assert report.head_hash == stored


def test_a_changed_time_is_an_alteration(session: Session, clock: FixedClock) -> None:
    fill(session, clock, 3)
    unprotect(session)
    row = session.execute(select(MessageLogRow).where(MessageLogRow.seq == 2)).scalar_one()
    session.execute(
        text("UPDATE exchange_message_log SET logged_at = :at WHERE seq = 2"),
        {"at": row.logged_at.replace(tzinfo=None) - dt.timedelta(hours=1)},
    )
    session.expire_all()
    report = verify(session)
    assert (report.kind, report.seq) == ("altered", 2)


def test_a_removed_entry_is_found(session: Session, clock: FixedClock) -> None:
    fill(session, clock, 6)
    unprotect(session)
    session.execute(text("DELETE FROM exchange_message_log WHERE seq IN (3, 4)"))
    report = verify(session, batch=2)
    assert (report.ok, report.kind, report.seq, report.count) == (False, "removed", 3, 2)
    assert "3..4" in report.detail


def test_a_removed_entry_is_found_even_when_the_rest_is_renumbered(
    session: Session, clock: FixedClock
) -> None:
    fill(session, clock, 5)
    unprotect(session)
    session.execute(text("DELETE FROM exchange_message_log WHERE seq = 1"))
    for seq in (2, 3, 4, 5):
        session.execute(
            text("UPDATE exchange_message_log SET seq = :new WHERE seq = :old"),
            {"new": seq - 1, "old": seq},
        )
    report = verify(session)
    assert (report.kind, report.seq, report.count) == ("removed", 1, 0)


def test_reordered_entries_are_found(session: Session, clock: FixedClock) -> None:
    fill(session, clock, 6)
    unprotect(session)
    for old, new in ((3, 0), (4, 3), (0, 4)):  # swap entries 3 and 4
        session.execute(
            text("UPDATE exchange_message_log SET seq = :new WHERE seq = :old"),
            {"new": new, "old": old},
        )
    report = verify(session)
    assert (report.kind, report.seq, report.count) == ("reordered", 3, 2)
    assert "seq 4" in report.detail


def test_evidence_can_be_rechecked_offline(session: Session, clock: FixedClock) -> None:
    fill(session, clock, 8)
    bundle = export_evidence(session, seq_from=3, seq_to=6)
    import json

    bundle = json.loads(json.dumps(bundle))  # it travels as JSON
    prev = session.execute(
        select(MessageLogRow.entry_hash).where(MessageLogRow.seq == 2)
    ).scalar_one()
    assert bundle["prev_hash"] == prev
    assert [e["seq"] for e in bundle["entries"]] == [3, 4, 5, 6]
    report = verify_evidence(bundle)
    assert (report.ok, report.count, report.head_hash) == (
        True, 4, bundle["entries"][-1]["entry_hash"],
    )  # fmt: skip
    assert verify_evidence(export_evidence(session, seq_from=1, seq_to=8)).ok

    altered = copy.deepcopy(bundle)
    altered["entries"][1]["user_id"] = "KR0000000"
    assert (verify_evidence(altered).kind, verify_evidence(altered).seq) == ("altered", 4)

    removed = copy.deepcopy(bundle)
    del removed["entries"][2]
    assert (verify_evidence(removed).kind, verify_evidence(removed).seq) == ("removed", 5)

    truncated = copy.deepcopy(bundle)
    del truncated["entries"][-1]
    assert (verify_evidence(truncated).kind, verify_evidence(truncated).seq) == ("removed", 6)

    swapped = copy.deepcopy(bundle)
    entries = swapped["entries"]
    entries[1], entries[2] = entries[2], entries[1]
    assert verify_evidence(swapped).kind == "removed"  # seq 5 where 4 was expected

    renumbered = copy.deepcopy(bundle)
    entries = renumbered["entries"]
    entries[1], entries[2] = entries[2], entries[1]
    entries[1]["seq"], entries[2]["seq"] = 4, 5
    report = verify_evidence(renumbered)
    assert (report.kind, report.seq) == ("reordered", 4)

    wrong_anchor = copy.deepcopy(bundle)
    wrong_anchor["prev_hash"] = GENESIS_HASH
    assert (verify_evidence(wrong_anchor).kind, verify_evidence(wrong_anchor).seq) == (
        "removed", 3,
    )  # fmt: skip


def test_evidence_ranges_are_checked(session: Session, clock: FixedClock) -> None:
    fill(session, clock, 3)
    for seq_from, seq_to in ((0, 2), (3, 2), (2, 4)):
        with pytest.raises(Invalid):
            export_evidence(session, seq_from=seq_from, seq_to=seq_to)
    with pytest.raises(Invalid):
        verify_evidence({"format": "something else"})


# Concurrent writers, each committing, in a database of their own -----------------------


@pytest.fixture
def private_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'log.db'}"
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    assert POSTGRES_URL is not None
    admin = create_engine(normalise_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"nara_log_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalise_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_concurrent_writers_keep_the_log_gap_free_and_chained(
    private_engine: Engine, clock: FixedClock
) -> None:
    factory = sessionmaker(bind=private_engine)
    writers, rounds = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(rounds):
                with factory.begin() as session:
                    if n % 3 == 0:
                        append_many(session, clock, [entry(writer * 1000 + n), entry(n)])
                    else:
                        append(session, clock, entry(writer * 1000 + n))
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = writers * (rounds + len(range(0, rounds, 3)))
    report = verify(private_engine, batch=13)
    assert (report.ok, report.count) == (True, expected)
    with private_engine.connect() as connection:
        seqs = connection.execute(select(MessageLogRow.seq).order_by(MessageLogRow.seq)).all()
    assert [s for (s,) in seqs] == list(range(1, expected + 1))
