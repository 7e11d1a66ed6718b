"""Fixtures of the tax office's tests: tokens, residents, taxpayers, 'nothing written'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.tax import service
from tests.factories import make_person
from tests.support import count_rows

TABLES = (
    "tax_taxpayer",
    "tax_balance",
    "tax_employment_notice",
    "tax_change",
    "core_outbox",
    "core_applied_step",
)
GANGNAM = {
    "sigungu_code": "11680",
    "road_name": "테헤란로",
    "building_main": 152,
    "building_sub": 0,
    "address_detail": "12층",
    "postcode": "06236",
}
HAEUNDAE = {
    "sigungu_code": "26350",
    "road_name": "해운대해변로",
    "building_main": 264,
    "building_sub": 0,
    "address_detail": "",
    "postcode": "48099",
}


@pytest.fixture
def headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    """A token that may read and write the tax office's records."""
    return auth("tax:read", "tax:write")


@pytest.fixture
def person(session: Session, cipher: PiiCipher) -> Callable[..., int]:
    """`person(born="1990-01-01")` → the id of a new resident."""

    def make(born: str = "1990-01-01", **fields: Any) -> int:
        return make_person(session, cipher, birth=dt.date.fromisoformat(born), **fields).id

    return make


@pytest.fixture
def taxpayer(session: Session, clock: FixedClock, person: Callable[..., int]) -> Callable[..., int]:
    """`taxpayer(since="2020-05-01")` → the person id of a new taxpayer living in Gangnam."""

    def make(since: str = "2020-05-01", address: dict[str, Any] = GANGNAM) -> int:
        person_id = person()
        service.follow_address(
            session=session,
            clock=clock,
            actor="test",
            person_id=person_id,
            address_in=RoadAddress.model_validate(address),
            moved_on=dt.date.fromisoformat(since),
        )
        session.flush()
        return person_id

    return make


@pytest.fixture
def unchanged(session: Session) -> Callable[[], Callable[[], None]]:
    """`check = unchanged()` before a rejected write; `check()` asserts nothing was written."""

    def snapshot() -> Callable[[], None]:
        session.flush()
        before = {table: count_rows(session, table) for table in TABLES}

        def check() -> None:
            session.flush()
            assert {table: count_rows(session, table) for table in TABLES} == before

        return check

    return snapshot
