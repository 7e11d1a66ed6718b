"""`serialise`: transactions that check, then write, the same thing take turns on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from nara.core.db import serialise


@pytest.fixture
def two_sessions(engine: Engine, backend: str) -> Iterator[tuple[Session, Session]]:
    if backend != "postgresql":
        pytest.skip("SQLite's transactions take the write lock when they begin")
    with Session(engine) as first, Session(engine) as second:
        second.execute(text("SET lock_timeout = '200ms'"))
        yield first, second
        first.rollback()
        second.rollback()


def test_a_second_transaction_waits_for_the_first_on_the_same_thing(
    two_sessions: tuple[Session, Session],
) -> None:
    first, second = two_sessions
    serialise(first, "passports.open-application", 42)

    with pytest.raises(OperationalError, match="lock timeout"):
        serialise(second, "passports.open-application", 42)
    second.rollback()
    second.execute(text("SET lock_timeout = '200ms'"))

    first.commit()
    serialise(second, "passports.open-application", 42)


def test_other_things_do_not_wait(two_sessions: tuple[Session, Session]) -> None:
    first, second = two_sessions
    serialise(first, "passports.open-application", 42)

    serialise(second, "passports.open-application", 43)
    serialise(second, "lifeevents.inheritance", 42)
