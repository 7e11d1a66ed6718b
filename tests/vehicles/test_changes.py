"""Changes to a registered vehicle: transfer, base address, liens, deregistration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import Invalid
from nara.core.outbox import OutboxEvent
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.residents.models import Person
from tests.factories import make_business, make_person
from tests.support import assert_problem, call_json, call_wire, grant
from tests.vehicles.helpers import GANGNAM, SEOCHO, nothing_written, owner, register_vehicle


@pytest.fixture
def car(client: TestClient, headers: dict[str, str], kim: Person) -> dict[str, Any]:
    """Kim's car, first registered on 1 April 2025."""
    return register_vehicle(client, headers, owner(kim))


def transfer(to: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"owner": to, "cause": "transfer", "transferred_on": "2026-02-15"} | changes


def state(client: TestClient, headers: dict[str, str], vehicle_id: int) -> list[Any]:
    """Everything the register shows of a vehicle: itself, its owners and its liens."""
    return [
        client.get(f"/api/vehicles/{vehicle_id}{part}", headers=headers).json()
        for part in ("", "/ownerships", "/liens")
    ]


def events(session: Session, event_type: str) -> list[OutboxEvent]:
    return list(session.scalars(select(OutboxEvent).where(OutboxEvent.event_type == event_type)))


def deregister(client: TestClient, headers: dict[str, str], vehicle_id: int) -> None:
    response = client.post(
        f"/api/vehicles/{vehicle_id}/deregistration", json={"reason": "scrapped"}, headers=headers
    )
    assert response.status_code == 200, response.text


# Transfers


def test_a_transfer_ends_the_holding_and_starts_the_new_owners(
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    car: dict[str, Any],
    lee: Person,
) -> None:
    response = client.post(
        f"/api/vehicles/{car['id']}/transfers", json=transfer(owner(lee)), headers=headers
    )

    assert response.status_code == 201, response.text
    vehicle = response.json()
    assert (vehicle["owner_id"], vehicle["owner_name"]) == (lee.id, "이서연")
    history = client.get(f"/api/vehicles/{car['id']}/ownerships", headers=headers).json()
    assert [(o["owner_name"], o["cause"], o["acquired_on"], o["released_on"]) for o in history] == [
        ("김민준", "new", "2025-04-01", "2026-02-15"),
        ("이서연", "transfer", "2026-02-15", None),
    ]
    [event] = events(session, "vehicle.transferred")
    assert event.payload["to"] == {"owner_kind": "person", "owner_id": lee.id}


def test_a_business_buys_the_vehicle_under_the_name_its_register_holds(
    client: TestClient, headers: dict[str, str], session: Session, car: dict[str, Any]
) -> None:
    dealer = make_business(session, name="나라모터스(주)", kind="corporation")
    to = {"owner_kind": "business", "owner_id": dealer.id}
    response = client.post(
        f"/api/vehicles/{car['id']}/transfers", json=transfer(to), headers=headers
    )

    assert response.status_code == 201, response.text
    vehicle = response.json()
    assert (vehicle["owner_kind"], vehicle["owner_id"], vehicle["owner_name"]) == (
        "business",
        dealer.id,
        "나라모터스(주)",
    )


def test_heirs_inherit_the_vehicle_of_a_deceased_owner(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    car: dict[str, Any],
    kim: Person,
    lee: Person,
) -> None:
    kim.status = "deceased"
    session.flush()
    body = transfer(owner(lee), cause="inheritance")
    response = client.post(f"/api/vehicles/{car['id']}/transfers", json=body, headers=headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"transferred_on": "2025-03-31"}, 422, "transfer_before_acquisition"),
        ({"transferred_on": "2026-03-03"}, 422, "transferred_on_future"),
        ({"cause": "theft"}, 422, "cause_unknown"),
        ({"cause": "new"}, 422, "cause_unknown"),
        ({"cause": "inheritance"}, 409, "previous_owner_not_deceased"),
        ({"to": "kim"}, 409, "transfer_to_current_owner"),
        ({"to": "unknown"}, 404, "owner_unknown"),
        ({"to": "deceased"}, 409, "owner_deceased"),
        ({"to": "unknown business"}, 404, "owner_unknown"),
        ({"to": "closed business"}, 409, "owner_closed"),
    ],
)
def test_a_refused_transfer_leaves_the_vehicle_as_it_was(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    cipher: PiiCipher,
    car: dict[str, Any],
    kim: Person,
    lee: Person,
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    changes = dict(changes)  # parameters are shared by every backend's run
    to = {
        "kim": owner(kim),
        "unknown": {"owner_kind": "person", "owner_id": 987_654},
        "deceased": owner(make_person(session, cipher, status="deceased")),
        "unknown business": {"owner_kind": "business", "owner_id": 987_654},
        "closed business": {
            "owner_kind": "business",
            "owner_id": make_business(session, status="closed").id,
        },
    }.get(changes.pop("to", ""), owner(lee))
    before = state(client, headers, car["id"])

    with nothing_written(session):
        response = client.post(
            f"/api/vehicles/{car['id']}/transfers", json=transfer(to, **changes), headers=headers
        )
        assert_problem(response, status, code)

    assert state(client, headers, car["id"]) == before


def test_a_transfer_of_an_unknown_vehicle(
    client: TestClient, headers: dict[str, str], session: Session, lee: Person
) -> None:
    with nothing_written(session):
        response = client.post(
            "/api/vehicles/424242/transfers", json=transfer(owner(lee)), headers=headers
        )
        assert_problem(response, 404, "vehicle_unknown")


# Base address


def test_the_base_address_moves(
    client: TestClient, headers: dict[str, str], session: Session, car: dict[str, Any]
) -> None:
    url = f"/api/vehicles/{car['id']}/base-address"
    response = client.put(url, json={"base_address": SEOCHO}, headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["base_address"]["sigungu_code"] == "11650"
    [event] = events(session, "vehicle.address_changed")
    assert (event.payload["from_sigungu_code"], event.payload["sigungu_code"]) == ("11680", "11650")


@pytest.mark.parametrize(
    ("vehicle", "address", "status", "code"),
    [
        ("car", GANGNAM, 409, "address_unchanged"),
        ("car", SEOCHO | {"sigungu_code": "11999"}, 422, "validation_failed"),
        ("unknown", SEOCHO, 404, "vehicle_unknown"),
    ],
)
def test_a_refused_address_change_writes_nothing(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    car: dict[str, Any],
    vehicle: str,
    address: dict[str, Any],
    status: int,
    code: str,
) -> None:
    vehicle_id = car["id"] if vehicle == "car" else 424242
    before = state(client, headers, car["id"])
    with nothing_written(session):
        response = client.put(
            f"/api/vehicles/{vehicle_id}/base-address",
            json={"base_address": address},
            headers=headers,
        )
        assert_problem(response, status, code)
    assert state(client, headers, car["id"]) == before


def _moving_in(session: Session, clock: FixedClock, cipher: PiiCipher) -> CallContext:
    """The single window carrying a moving-in report's vehicle step."""
    grant(session, clock, "gov24", "vehicles/base-address-follows")
    return CallContext(
        session=session, clock=clock, cipher=cipher, client="gov24", purpose="moving-in-report"
    )


def test_the_base_address_follows_a_move_once_per_step_key(
    *,
    app: FastAPI,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    car: dict[str, Any],
    kim: Person,
) -> None:
    ctx = _moving_in(session, clock, cipher)
    step = {"step_key": "moving-in:1:vehicles", "person_id": kim.id, "plates": [car["plate"]]}

    first = call_json(
        app.state.exchange, "vehicles/base-address-follows", ctx, **step, address=SEOCHO
    )
    again = call_json(
        app.state.exchange, "vehicles/base-address-follows", ctx, **step, address=SEOCHO
    )

    moved = {"person_id": kim.id, "changed": [car["plate"]], "unchanged": []}
    assert first == moved | {"repeated": False}
    assert again == moved | {"repeated": True}
    assert len(events(session, "vehicle.address_changed")) == 1


@pytest.mark.parametrize(
    ("address", "code"),
    [
        (SEOCHO | {"sigungu_code": "11999"}, "address_invalid"),
        (SEOCHO | {"road_name": ""}, "params_invalid"),
        (SEOCHO | {"floor": 3}, "params_invalid"),
    ],
)
def test_the_base_address_follows_only_to_a_well_formed_known_address(
    *,
    app: FastAPI,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    car: dict[str, Any],
    kim: Person,
    address: dict[str, Any],
    code: str,
) -> None:
    ctx = _moving_in(session, clock, cipher)
    with nothing_written(session), pytest.raises(Invalid, match=code):
        call_wire(
            app.state.exchange,
            "vehicles/base-address-follows",
            ctx,
            step_key="moving-in:1:vehicles",
            person_id=kim.id,
            plates=[car["plate"]],
            address=address,
        )


# Liens


def test_a_lien_is_registered_and_released(
    client: TestClient, headers: dict[str, str], session: Session, car: dict[str, Any]
) -> None:
    lien_in = {"creditor_name": "나라캐피탈", "amount_won": 20_000_000}
    response = client.post(f"/api/vehicles/{car['id']}/liens", json=lien_in, headers=headers)
    assert response.status_code == 201, response.text
    lien = response.json()
    assert (lien["creditor_name"], lien["amount_won"], lien["registered_on"]) == (
        "나라캐피탈",
        20_000_000,
        "2026-03-02",
    )

    released = client.post(f"/api/vehicles/{car['id']}/liens/{lien['id']}/release", headers=headers)

    assert released.status_code == 200, released.text
    assert released.json()["released_on"] == "2026-03-02"
    liens = client.get(f"/api/vehicles/{car['id']}/liens", headers=headers).json()
    assert [(x["id"], x["released_on"]) for x in liens] == [(lien["id"], "2026-03-02")]
    assert len(events(session, "vehicle.lien_registered")) == 1
    assert len(events(session, "vehicle.lien_released")) == 1


@pytest.mark.parametrize("amount", [0, -5])
def test_a_lien_secures_a_positive_amount(
    client: TestClient, headers: dict[str, str], session: Session, car: dict[str, Any], amount: int
) -> None:
    lien_in = {"creditor_name": "나라캐피탈", "amount_won": amount}
    with nothing_written(session):
        response = client.post(f"/api/vehicles/{car['id']}/liens", json=lien_in, headers=headers)
        assert_problem(response, 422, "lien_amount_not_positive")


def test_releasing_a_lien_that_is_unknown_or_already_released(
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    car: dict[str, Any],
    kim: Person,
) -> None:
    lien_in = {"creditor_name": "나라캐피탈", "amount_won": 1_000_000}
    lien_id = client.post(f"/api/vehicles/{car['id']}/liens", json=lien_in, headers=headers).json()[
        "id"
    ]
    other = register_vehicle(client, headers, owner(kim), plate="12가3456")
    client.post(f"/api/vehicles/{car['id']}/liens/{lien_id}/release", headers=headers)

    with nothing_written(session):
        response = client.post(
            f"/api/vehicles/{car['id']}/liens/{lien_id}/release", headers=headers
        )
        assert_problem(response, 409, "lien_already_released")
        response = client.post(
            f"/api/vehicles/{other['id']}/liens/{lien_id}/release", headers=headers
        )
        assert_problem(response, 404, "lien_unknown")
        response = client.post(f"/api/vehicles/{car['id']}/liens/424242/release", headers=headers)
        assert_problem(response, 404, "lien_unknown")
        response = client.post("/api/vehicles/424242/liens", json=lien_in, headers=headers)
        assert_problem(response, 404, "vehicle_unknown")


# Deregistration


def test_a_deregistered_vehicle_keeps_its_record(
    client: TestClient, headers: dict[str, str], session: Session, car: dict[str, Any]
) -> None:
    response = client.post(
        f"/api/vehicles/{car['id']}/deregistration",
        json={"reason": "exported", "deregistered_on": "2026-02-28"},
        headers=headers,
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["deregistered_on"]) == (
        "deregistered",
        "2026-02-28",
    )
    [event] = events(session, "vehicle.deregistered")
    assert event.payload["reason"] == "exported"


def test_a_deregistered_vehicle_takes_no_more_changes(
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    car: dict[str, Any],
    lee: Person,
) -> None:
    lien_in = {"creditor_name": "나라캐피탈", "amount_won": 1_000_000}
    lien_id = client.post(f"/api/vehicles/{car['id']}/liens", json=lien_in, headers=headers).json()[
        "id"
    ]
    client.post(f"/api/vehicles/{car['id']}/liens/{lien_id}/release", headers=headers)
    deregister(client, headers, car["id"])
    url = f"/api/vehicles/{car['id']}"
    before = state(client, headers, car["id"])

    with nothing_written(session):
        for response in (
            client.post(f"{url}/transfers", json=transfer(owner(lee)), headers=headers),
            client.put(f"{url}/base-address", json={"base_address": SEOCHO}, headers=headers),
            client.post(f"{url}/liens", json=lien_in, headers=headers),
            client.post(f"{url}/liens/{lien_id}/release", headers=headers),
            client.post(f"{url}/deregistration", json={"reason": "scrapped"}, headers=headers),
        ):
            assert_problem(response, 409, "vehicle_deregistered")

    assert state(client, headers, car["id"]) == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reason": "bored"}, 422, "reason_unknown"),
        ({"reason": "scrapped", "deregistered_on": "2026-03-03"}, 422, "deregistered_on_future"),
        (
            {"reason": "scrapped", "deregistered_on": "2025-03-01"},
            422,
            "deregistration_before_acquisition",
        ),
        ({"reason": "scrapped", "lien": True}, 409, "liens_outstanding"),
    ],
)
def test_a_refused_deregistration_leaves_the_vehicle_registered(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    car: dict[str, Any],
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    body = dict(body)  # parameters are shared by every backend's run
    if body.pop("lien", False):
        lien_in = {"creditor_name": "나라캐피탈", "amount_won": 1_000_000}
        client.post(f"/api/vehicles/{car['id']}/liens", json=lien_in, headers=headers)
    before = state(client, headers, car["id"])
    with nothing_written(session):
        response = client.post(
            f"/api/vehicles/{car['id']}/deregistration", json=body, headers=headers
        )
        assert_problem(response, status, code)
    assert state(client, headers, car["id"]) == before


def test_changes_need_the_write_scope(
    client: TestClient,
    auth: Callable[..., dict[str, str]],
    session: Session,
    car: dict[str, Any],
    lee: Person,
) -> None:
    url = f"/api/vehicles/{car['id']}"
    reader = auth("vehicles:read")
    with nothing_written(session):
        assert_problem(
            client.post(f"{url}/transfers", json=transfer(owner(lee))), 401, "token_missing"
        )
        for response in (
            client.post(f"{url}/transfers", json=transfer(owner(lee)), headers=reader),
            client.put(f"{url}/base-address", json={"base_address": SEOCHO}, headers=reader),
            client.post(
                f"{url}/liens", json={"creditor_name": "x", "amount_won": 1}, headers=reader
            ),
            client.post(f"{url}/liens/1/release", headers=reader),
            client.post(f"{url}/deregistration", json={"reason": "scrapped"}, headers=reader),
        ):
            assert_problem(response, 403, "scope_missing")
