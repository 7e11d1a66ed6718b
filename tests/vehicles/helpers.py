"""Helpers for tests of the vehicle register: request bodies and 'nothing written' checks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.residents.models import Person
from tests.support import count_rows

VEHICLE_TABLES = (
    "vehicles_vehicle",
    "vehicles_ownership",
    "vehicles_lien",
    "vehicles_change",
    "core_outbox",
)
GANGNAM = {
    "sigungu_code": "11680",
    "road_name": "테헤란로",
    "building_main": 152,
    "postcode": "06236",
}
SEOCHO = {
    "sigungu_code": "11650",
    "road_name": "반포대로",
    "building_main": 58,
    "postcode": "06500",
}

_serials = itertools.count(100_001)


def next_vin() -> str:
    """A well-formed VIN, different on every call."""
    return f"KMHD341CBNU{next(_serials):06d}"


def owner(p: Person) -> dict[str, Any]:
    return {"owner_kind": "person", "owner_id": p.id}


def vehicle_body(owner_in: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        "plate": "123가4567",
        "vin": next_vin(),
        "make": "현대",
        "model": "아반떼",
        "model_year": 2025,
        "vehicle_type": "passenger",
        "fuel": "gasoline",
        "first_registered_on": "2025-04-01",
        "owner": owner_in,
        "base_address": GANGNAM,
    }
    return body | changes


def register_vehicle(
    client: TestClient, headers: dict[str, str], owner_in: dict[str, Any], **changes: Any
) -> dict[str, Any]:
    response = client.post("/api/vehicles", json=vehicle_body(owner_in, **changes), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@contextmanager
def nothing_written(session: Session) -> Iterator[None]:
    """Assert that the block adds no row to the register, its change log or the outbox."""
    before = {table: count_rows(session, table) for table in VEHICLE_TABLES}
    yield
    assert {table: count_rows(session, table) for table in VEHICLE_TABLES} == before
