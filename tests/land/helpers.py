"""Helpers for tests of the real-estate register: request bodies and 'nothing written' checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.business.models import Registration
from nara.residents.models import Person
from tests.support import count_rows

PNU = "1168010100101230004"  # Gangnam-gu, lot 123-4
OTHER_PNU = "1168010100101250000"
LAND_TABLES = (
    "land_parcel",
    "land_building",
    "land_ownership",
    "land_right",
    "land_change",
    "core_outbox",
)


def person(p: Person, share: str = "1/1") -> dict[str, Any]:
    return {"owner_kind": "person", "owner_id": p.id, "share": share}


def business(b: Registration, share: str = "1/1") -> dict[str, Any]:
    return {"owner_kind": "business", "owner_id": b.id, "share": share}


def parcel_body(owners: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    body = {
        "pnu": PNU,
        "land_category": "대",
        "area_m2": "330.50",
        "official_price_per_m2": 12_500_000,
        "owners": owners,
    }
    return body | changes


def address(**changes: Any) -> dict[str, Any]:
    base = {
        "sigungu_code": "11680",
        "road_name": "테헤란로",
        "building_main": 152,
        "postcode": "06236",
    }
    return base | changes


def building_body(owners: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    body = {
        "name": "나라빌딩",
        "main_use": "업무시설",
        "structure": "철근콘크리트구조",
        "floors_above": 12,
        "floors_below": 3,
        "gross_area_m2": "2400.00",
        "completed_on": "2020-06-30",
        "address": address(),
        "owners": owners,
    }
    return body | changes


def register_parcel(
    client: TestClient, headers: dict[str, str], owners: list[dict[str, Any]], **changes: Any
) -> dict[str, Any]:
    response = client.post(
        "/api/land/parcels", json=parcel_body(owners, **changes), headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def register_building(
    client: TestClient,
    headers: dict[str, str],
    owners: list[dict[str, Any]],
    pnu: str = PNU,
    **changes: Any,
) -> dict[str, Any]:
    response = client.post(
        f"/api/land/parcels/{pnu}/buildings", json=building_body(owners, **changes), headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def owners_of(register: dict[str, Any]) -> dict[str, str]:
    """Section A as {owner name: share}."""
    return {e["owner_name"]: e["share"] for e in register["section_a"]}


@contextmanager
def nothing_written(session: Session) -> Iterator[None]:
    """Assert that the block adds no row to the register, its change log or the outbox."""
    before = {table: count_rows(session, table) for table in LAND_TABLES}
    yield
    assert {table: count_rows(session, table) for table in LAND_TABLES} == before
