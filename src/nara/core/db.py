"""Engines, sessions and the unit of work.

One unit of work per request, task or CLI command: it commits when the work succeeds and
rolls back when anything raises, so a rejected write leaves nothing behind. Services never
commit; they only add to the session they are given.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from nara.core.errors import Message, Unavailable


def normalise_url(url: str | URL) -> URL:
    """Make `postgresql://` URLs use psycopg 3; leave every other URL alone."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


SQLITE_BUSY_SECONDS = 10
"""How long a transaction waits for SQLite's write lock (and for this process's queue)."""
_WRITE_TURN = "nara.sqlite_turn"


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and the pysqlite transaction fix (SQLAlchemy's documented recipe).

    pysqlite's own transaction handling breaks savepoints; we disable it and emit BEGIN
    ourselves so that SAVEPOINT and nested rollbacks behave as on PostgreSQL.

    Transactions begin IMMEDIATE: they take SQLite's write lock at the start, waiting for it
    up to the busy timeout. A deferred transaction that reads and then writes fails at once
    with "database is locked" when another connection committed in between (WAL cannot
    upgrade a stale snapshot, and the busy handler is not consulted), so under concurrent
    requests nearly every unit of work, which reads before it writes, could fail.

    Within a process, transactions also take turns on a lock of the engine before BEGIN, so
    that waiting threads are woken when the turn is free rather than by SQLite's busy
    handler, which polls with sleeps of up to 100 ms (a long tail under load). Other
    processes (the worker, the command line) still wait through the busy timeout.
    """
    turn = threading.Lock()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if not turn.acquire(timeout=SQLITE_BUSY_SECONDS):
            raise Unavailable(
                "database_busy",
                Message(
                    "The database is busy; please try again in a moment.",
                    "데이터베이스가 바쁩니다. 잠시 후 다시 시도해 주십시오.",
                ),
            )
        connection.info[_WRITE_TURN] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _end_turn(connection.info)
            raise

    def _end_turn(info: dict[Any, Any]) -> None:
        if info.pop(_WRITE_TURN, False):
            turn.release()

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Connection) -> None:
        _end_turn(connection.info)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # A connection returned without an explicit end (invalidated, reset by the pool).
        _end_turn(record.info)


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """Create an engine for SQLite (file or memory) or PostgreSQL."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Connections move between the event loop and worker threads, one thread at a time.
        engine = create_engine(parsed, echo=echo, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error.

    Evidence registered with `keep_on_rollback` is written again in its own transaction when
    the work rolls back.
    """
    session = factory()
    committed = False
    try:
        yield session
        session.commit()
        committed = True
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if not committed:
            write_kept(session, factory)


KEPT_KEY = "nara.keep_on_rollback"


def keep_on_rollback(session: Session, write: Callable[[Session], None]) -> None:
    """Write a record now, and again in a transaction of its own if this one rolls back.

    For evidence that must outlive the work it describes, such as the message-log entry of
    an exchange call: a read that happened, or a refusal, is evidence even when the caller's
    transaction then fails. On commit the record is kept once, atomically with the work;
    on rollback the unit of work (`unit_of_work`, a web request's session) runs `write`
    again in a fresh session of the same factory and commits it.
    """
    write(session)
    after_rollback(session, write)


def after_rollback(session: Session, write: Callable[[Session], None]) -> None:
    """Run `write` in a transaction of its own if this session's work rolls back.

    For evidence of a failure that leaves the session unusable (an SQL error on PostgreSQL
    aborts the transaction), where `keep_on_rollback` cannot write now.
    """
    session.info.setdefault(KEPT_KEY, []).append(write)


@contextmanager
def savepoint_keeping_evidence(session: Session) -> Iterator[None]:
    """A savepoint whose rollback keeps the evidence registered inside it.

    For work that may fail on its own while the transaction goes on (one step of a case):
    the failed work is undone, and the records it registered with `keep_on_rollback` (the
    message-log entry of a refused exchange call) are written again in the outer transaction.
    """
    kept: list[Callable[[Session], None]] = session.info.setdefault(KEPT_KEY, [])
    before = len(kept)
    try:
        with session.begin_nested():
            yield
    except BaseException:
        for write in kept[before:]:
            write(session)
        raise


def write_kept(session: Session, factory: sessionmaker[Session]) -> None:
    """Write the evidence a rolled-back session had recorded (see `keep_on_rollback`)."""
    writes: list[Callable[[Session], None]] = session.info.pop(KEPT_KEY, [])
    if not writes:
        return
    with factory() as evidence:
        for write in writes:
            write(evidence)
        evidence.commit()


def serialise(session: Session, scope: str, *ids: int) -> None:
    """Make the transactions that check, then write, the same thing take turns until the
    transaction ends — one open passport application per person, one Safe Inheritance request
    per heir and deceased — so two simultaneous requests cannot both pass the check.

    On PostgreSQL: a transaction-scoped advisory lock on a key drawn from `scope` and `ids`.
    SQLite needs none: its transactions take the write lock when they begin.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    name = ":".join([scope, *(str(i) for i in ids)]).encode()
    key = int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(key)))
