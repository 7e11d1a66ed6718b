"""Fixtures of the business register's tests: tokens, persons, businesses, 'nothing written'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.identifiers import brn_check_digit
from nara.core.pii import PiiCipher
from tests.factories import make_person
from tests.support import count_rows

TABLES = (
    "business_registration",
    "business_employment",
    "business_wage",
    "business_change",
    "core_outbox",
)
GANGNAM = {
    "sigungu_code": "11680",
    "road_name": "테헤란로",
    "building_main": 152,
    "address_detail": "12층",
    "postcode": "06236",
}


def brn(first9: str) -> str:
    """A valid business registration number (XXX-XX-XXXXX) from its first nine digits."""
    digits = first9 + str(brn_check_digit(first9))
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


@pytest.fixture
def headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    """A token that may read and write the business register."""
    return auth("business:read", "business:write")


@pytest.fixture
def person(session: Session, cipher: PiiCipher) -> Callable[..., int]:
    """`person(born="1990-01-01", status="deceased")` → the id of a new resident."""

    def make(born: str = "1990-01-01", **fields: Any) -> int:
        return make_person(session, cipher, birth=dt.date.fromisoformat(born), **fields).id

    return make


@pytest.fixture
def register(
    client: TestClient, headers: dict[str, str], person: Callable[..., int]
) -> Callable[..., dict[str, Any]]:
    """`register(opened_on="2015-01-01")` → a newly registered individual business (its JSON)."""
    serials = iter(range(10_000, 99_999))

    def make(**overrides: Any) -> dict[str, Any]:
        body = {
            "brn": brn(f"1234{next(serials)}"),
            "name": "나라상회",
            "kind": "individual",
            "representative_person_id": person("1970-01-01"),
            "industry_code": "47190",
            "opened_on": "2015-01-01",
            "address": GANGNAM,
        } | overrides
        response = client.post("/api/business/businesses", json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

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
