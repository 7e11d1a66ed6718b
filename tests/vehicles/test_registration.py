"""Registering a vehicle (신규등록): plate, VIN, model, owner and base address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.outbox import OutboxEvent
from nara.core.pii import PiiCipher
from nara.residents.models import Person
from nara.vehicles.models import VehicleOwnership, VehiclesChange
from tests.factories import make_business, make_person
from tests.support import assert_problem
from tests.vehicles.helpers import (
    GANGNAM,
    nothing_written,
    owner,
    register_vehicle,
    vehicle_body,
)


def test_a_new_vehicle_is_registered_to_its_first_owner(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person
) -> None:
    vehicle = register_vehicle(
        client, headers, owner(kim), plate=" 123 가 4567 ", vin="kmhd341cbnu000001"
    )

    assert (vehicle["plate"], vehicle["vin"]) == ("123가4567", "KMHD341CBNU000001")
    assert (vehicle["make"], vehicle["model"], vehicle["model_year"]) == ("현대", "아반떼", 2025)
    assert (vehicle["owner_kind"], vehicle["owner_id"]) == ("person", kim.id)
    assert vehicle["owner_name"] == "김민준"  # the name the resident register holds
    assert vehicle["base_address"]["road_name"] == "테헤란로"
    assert (vehicle["status"], vehicle["deregistered_on"]) == ("registered", None)
    ownership = session.scalars(select(VehicleOwnership)).one()
    assert (ownership.cause, ownership.acquired_on.isoformat()) == ("new", "2025-04-01")
    assert ownership.released_on is None
    change = session.scalars(select(VehiclesChange)).one()
    assert (change.entity, change.entity_id, change.action) == (
        "vehicle",
        vehicle["id"],
        "registered",
    )
    assert "김민준" not in str(change.data)
    event = session.scalars(select(OutboxEvent)).one()
    assert (event.event_type, event.source) == ("vehicle.registered", "vehicle")


@pytest.mark.parametrize(
    "plate", ["12가3456", "123가4567", "서울12가3456", "경기 98 바 1234", "34하5678"]
)
def test_every_current_plate_format_is_accepted(
    client: TestClient, headers: dict[str, str], kim: Person, plate: str
) -> None:
    vehicle = register_vehicle(client, headers, owner(kim), plate=plate)
    assert vehicle["plate"] == plate.replace(" ", "")


def test_a_business_is_recorded_under_the_name_its_register_holds(
    client: TestClient, headers: dict[str, str], session: Session
) -> None:
    rental = make_business(session, name="나라렌터카(주)", kind="corporation")
    # a name given with a business is ignored
    business = {"owner_kind": "business", "owner_id": rental.id, "owner_name": "나라렌터카"}
    vehicle = register_vehicle(client, headers, business, plate="45허1234")
    assert (vehicle["owner_kind"], vehicle["owner_id"], vehicle["owner_name"]) == (
        "business",
        rental.id,
        "나라렌터카(주)",
    )
    ownership = session.scalars(select(VehicleOwnership)).one()
    assert (ownership.owner_id, ownership.owner_name) == (rental.id, "나라렌터카(주)")


@pytest.mark.parametrize(
    ("owner_in", "status", "code"),
    [("unknown", 404, "owner_unknown"), ("closed", 409, "owner_closed")],
)
def test_a_business_owner_must_be_on_the_business_register_and_open(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    owner_in: str,
    status: int,
    code: str,
) -> None:
    business_id = 987_654 if owner_in == "unknown" else make_business(session, status="closed").id
    body = vehicle_body({"owner_kind": "business", "owner_id": business_id})
    with nothing_written(session):
        response = client.post("/api/vehicles", json=body, headers=headers)
        problem = assert_problem(response, status, code)
    assert problem["owner_id"] == business_id


def test_a_model_year_may_be_next_year(
    client: TestClient, headers: dict[str, str], kim: Person
) -> None:
    assert register_vehicle(client, headers, owner(kim), model_year=2027)["model_year"] == 2027


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"plate": "12A3456"}, "plate_format"),
        ({"plate": "1234가567"}, "plate_format"),
        ({"plate": "12가345"}, "plate_format"),
        ({"plate": "서울123가4567"}, "plate_format"),
        ({"plate": "12앙3456"}, "plate_format"),
        ({"plate": "도쿄12가3456"}, "plate_format"),
        ({"vin": "KMHD341CBNU12345"}, "vin_format"),
        ({"vin": "KMHD341CBNU1234567"}, "vin_format"),
        ({"vin": "KMHD341CBIU123456"}, "vin_format"),
        ({"vin": "KMHD341CBOU123456"}, "vin_format"),
        ({"vin": "KMHD341CBQU123456"}, "vin_format"),
        ({"vin": "KMHD341CB-U123456"}, "vin_format"),
        ({"model_year": 2028}, "model_year_future"),
        ({"model_year": 1800}, "validation_failed"),
        ({"vehicle_type": "tank"}, "vehicle_type_unknown"),
        ({"fuel": "coal"}, "fuel_unknown"),
        ({"first_registered_on": "2026-03-03"}, "first_registered_on_future"),
        ({"owner": {"owner_kind": "club", "owner_id": 1}}, "owner_kind_unknown"),
        ({"base_address": GANGNAM | {"postcode": "48000"}}, "validation_failed"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    kim: Person,
    changes: dict[str, Any],
    code: str,
) -> None:
    with nothing_written(session):
        response = client.post(
            "/api/vehicles", json=vehicle_body(owner(kim), **changes), headers=headers
        )
        assert_problem(response, 422, code)


def test_a_plate_and_a_vin_are_registered_only_once(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person
) -> None:
    register_vehicle(client, headers, owner(kim), vin="KMHD341CBNU000001")
    with nothing_written(session):
        response = client.post(
            "/api/vehicles", json=vehicle_body(owner(kim), plate="123 가 4567"), headers=headers
        )
        assert_problem(response, 409, "plate_taken")
        body = vehicle_body(owner(kim), plate="12가3456", vin="kmhd341cbnu000001")
        assert_problem(client.post("/api/vehicles", json=body, headers=headers), 409, "vin_taken")


def test_an_owner_unknown_to_the_resident_register_is_refused(
    client: TestClient, headers: dict[str, str], session: Session
) -> None:
    body = vehicle_body({"owner_kind": "person", "owner_id": 987_654})
    with nothing_written(session):
        assert_problem(
            client.post("/api/vehicles", json=body, headers=headers), 404, "owner_unknown"
        )


def test_a_deceased_person_cannot_acquire_a_vehicle(
    client: TestClient, headers: dict[str, str], session: Session, cipher: PiiCipher
) -> None:
    dead = make_person(session, cipher, status="deceased")
    with nothing_written(session):
        response = client.post("/api/vehicles", json=vehicle_body(owner(dead)), headers=headers)
        assert_problem(response, 409, "owner_deceased")


def test_registering_needs_a_token_with_the_write_scope(
    client: TestClient, auth: Callable[..., dict[str, str]], session: Session, kim: Person
) -> None:
    body = vehicle_body(owner(kim))
    with nothing_written(session):
        assert_problem(client.post("/api/vehicles", json=body), 401, "token_missing")
        response = client.post("/api/vehicles", json=body, headers=auth("vehicles:read"))
        assert_problem(response, 403, "scope_missing")
        response = client.post("/api/vehicles", json=body, headers=auth("land:write"))
        assert_problem(response, 403, "scope_missing")
