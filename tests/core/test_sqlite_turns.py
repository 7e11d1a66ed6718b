"""SQLite under concurrent units of work: each reads then writes, and none fails for it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from nara.core import db
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.errors import Unavailable


def _factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE visit (n INTEGER NOT NULL)")
    return engine, make_session_factory(engine)


def test_concurrent_read_then_write_units_of_work_all_succeed(tmp_path: Path) -> None:
    # A deferred transaction that reads, then writes after another connection committed,
    # fails at once with "database is locked"; transactions of ours begin immediate.
    engine, factory = _factory(tmp_path)
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def visit() -> None:
        try:
            start.wait()
            for _ in range(5):
                with unit_of_work(factory) as session:
                    seen = session.scalar(text("SELECT count(*) FROM visit"))
                    time.sleep(0.001)
                    session.execute(text("INSERT INTO visit (n) VALUES (:n)"), {"n": seen})
        except BaseException as error:  # noqa: BLE001  (collected for the assertion)
            failures.append(error)

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with unit_of_work(factory) as session:
        counts = session.scalars(text("SELECT n FROM visit ORDER BY rowid")).all()
    assert counts == list(range(40))  # every unit saw all the ones before it
    engine.dispose()


def test_a_transaction_that_waits_too_long_is_refused_as_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, factory = _factory(tmp_path)
    monkeypatch.setattr(db, "SQLITE_BUSY_SECONDS", 0.2)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with unit_of_work(factory) as session:
            session.execute(text("INSERT INTO visit (n) VALUES (1)"))
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    try:
        with pytest.raises(Unavailable) as refused, unit_of_work(factory) as session:
            session.execute(text("SELECT 1"))
        assert refused.value.code == "database_busy"
        assert refused.value.status == 503
    finally:
        release.set()
        holder.join()
    # The turn is free again once the holder committed.
    with unit_of_work(factory) as session:
        assert session.scalar(text("SELECT count(*) FROM visit")) == 1
    engine.dispose()
