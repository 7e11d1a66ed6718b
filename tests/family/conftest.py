"""Fixtures of the family register's tests: tokens, persons and a 'nothing written' check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from tests.factories import make_person
from tests.support import count_rows

TABLES = ("family_parentage", "family_marriage", "family_change", "core_outbox")


@pytest.fixture
def headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    """A token that may read and write the family register."""
    return auth("family:read", "family:write")


@pytest.fixture
def person(session: Session, cipher: PiiCipher) -> Callable[..., int]:
    """`person(born="1990-01-01", sex="F")` → the id of a new resident."""

    def make(born: str = "1990-01-01", sex: str = "M", **fields: Any) -> int:
        return make_person(session, cipher, birth=dt.date.fromisoformat(born), sex=sex, **fields).id

    return make


@pytest.fixture
def unchanged(session: Session) -> Callable[[], Callable[[], None]]:
    """`check = unchanged()` before a rejected write; `check()` asserts nothing was written."""

    def snapshot() -> Callable[[], None]:
        before = {table: count_rows(session, table) for table in TABLES}

        def check() -> None:
            assert {table: count_rows(session, table) for table in TABLES} == before

        return check

    return snapshot
