"""Fixtures of the vehicle register tests: a token and persons on the resident register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from nara.residents.models import Person
from tests.factories import make_person


@pytest.fixture
def headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth("vehicles:read", "vehicles:write")


@pytest.fixture
def kim(session: Session, cipher: PiiCipher) -> Person:
    return make_person(session, cipher, name_ko="김민준", name_en="Kim Minjun")


@pytest.fixture
def lee(session: Session, cipher: PiiCipher) -> Person:
    return make_person(
        session, cipher, name_ko="이서연", name_en="Lee Seoyeon", sex="F", birth=dt.date(1985, 5, 5)
    )
