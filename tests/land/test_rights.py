"""Section B: mortgages, jeonse, easements and leases, registered and cancelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.outbox import OutboxEvent
from nara.residents.models import Person
from tests.land.helpers import PNU, nothing_written, person, register_building, register_parcel
from tests.support import assert_problem

URL = f"/api/land/parcels/{PNU}/rights"
MORTGAGE = {"kind": "mortgage", "holder_name": "나라은행", "amount_won": 360_000_000}


@pytest.fixture
def parcel(client: TestClient, headers: dict[str, str], kim: Person) -> dict[str, Any]:
    return register_parcel(client, headers, [person(kim)])


def test_a_mortgage_is_registered_with_its_maximum_claim_amount(
    client: TestClient, headers: dict[str, str], session: Session, parcel: dict[str, Any]
) -> None:
    response = client.post(URL, json=MORTGAGE, headers=headers)

    assert response.status_code == 201, response.text
    right = response.json()
    assert (right["kind"], right["holder_name"], right["amount_won"]) == (
        "mortgage",
        "나라은행",
        360_000_000,
    )
    assert (right["rank_no"], right["receipt_no"], right["cancelled_on"]) == (
        1,
        "2026-000002",
        None,
    )
    assert (right["property_kind"], right["property_id"]) == ("parcel", parcel["parcel"]["id"])
    register = client.get(f"/api/land/parcels/{PNU}", headers=headers).json()
    assert [r["id"] for r in register["section_b"]] == [right["id"]]
    event = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "land.right_registered")
    ).one()
    assert event.payload["right_id"] == right["id"]


def test_rights_take_the_next_rank_in_section_b(
    client: TestClient, headers: dict[str, str], parcel: dict[str, Any]
) -> None:
    client.post(URL, json=MORTGAGE, headers=headers)
    easement = {"kind": "easement", "holder_name": "한국전력공사"}
    second = client.post(URL, json=easement, headers=headers).json()
    assert (second["rank_no"], second["amount_won"]) == (2, 0)


def test_a_jeonse_is_registered_on_a_building(
    client: TestClient, headers: dict[str, str], parcel: dict[str, Any], kim: Person
) -> None:
    building_id = register_building(client, headers, [person(kim)])["building"]["id"]
    jeonse = {"kind": "jeonse", "holder_name": "최유나", "amount_won": 450_000_000}

    response = client.post(
        f"/api/land/buildings/{building_id}/rights", json=jeonse, headers=headers
    )

    assert response.status_code == 201, response.text
    assert response.json()["property_kind"] == "building"
    register = client.get(f"/api/land/buildings/{building_id}", headers=headers).json()
    assert [r["kind"] for r in register["section_b"]] == ["jeonse"]


@pytest.mark.parametrize(
    ("right", "code"),
    [
        ({"kind": "pledge", "holder_name": "나라은행", "amount_won": 1}, "right_kind_unknown"),
        ({"kind": "lease", "holder_name": "최유나", "amount_won": -1}, "amount_negative"),
        ({"kind": "mortgage", "holder_name": "나라은행", "amount_won": 0}, "amount_required"),
        ({"kind": "jeonse", "holder_name": "최유나"}, "amount_required"),
        ({"kind": "lease", "holder_name": ""}, "validation_failed"),
    ],
)
def test_a_bad_right_is_refused_and_nothing_is_written(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    parcel: dict[str, Any],
    right: dict[str, Any],
    code: str,
) -> None:
    with nothing_written(session):
        assert_problem(client.post(URL, json=right, headers=headers), 422, code)


def test_a_right_needs_a_registered_property(
    client: TestClient, headers: dict[str, str], session: Session
) -> None:
    with nothing_written(session):
        assert_problem(client.post(URL, json=MORTGAGE, headers=headers), 404, "parcel_unknown")
        response = client.post("/api/land/buildings/424242/rights", json=MORTGAGE, headers=headers)
        assert_problem(response, 404, "building_unknown")


def test_a_cancelled_right_leaves_section_b_but_stays_in_the_history(
    client: TestClient, headers: dict[str, str], session: Session, parcel: dict[str, Any]
) -> None:
    right_id = client.post(URL, json=MORTGAGE, headers=headers).json()["id"]

    response = client.post(f"/api/land/rights/{right_id}/cancellation", headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["cancelled_on"] == "2026-03-02"
    current = client.get(f"/api/land/parcels/{PNU}", headers=headers).json()
    assert current["section_b"] == []
    history = client.get(f"/api/land/parcels/{PNU}?history=true", headers=headers).json()
    assert [(r["id"], r["cancelled_on"]) for r in history["section_b"]] == [
        (right_id, "2026-03-02")
    ]
    event = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "land.right_cancelled")
    ).one()
    assert event.payload["right_id"] == right_id


def test_a_right_is_cancelled_only_once(
    client: TestClient, headers: dict[str, str], session: Session, parcel: dict[str, Any]
) -> None:
    right_id = client.post(URL, json=MORTGAGE, headers=headers).json()["id"]
    client.post(f"/api/land/rights/{right_id}/cancellation", headers=headers)
    with nothing_written(session):
        response = client.post(f"/api/land/rights/{right_id}/cancellation", headers=headers)
        assert_problem(response, 409, "right_already_cancelled")


def test_cancelling_an_unknown_right(
    client: TestClient, headers: dict[str, str], session: Session
) -> None:
    with nothing_written(session):
        response = client.post("/api/land/rights/424242/cancellation", headers=headers)
        assert_problem(response, 404, "right_unknown")


def test_rights_need_the_write_scope(
    client: TestClient,
    auth: Callable[..., dict[str, str]],
    session: Session,
    parcel: dict[str, Any],
) -> None:
    with nothing_written(session):
        assert_problem(client.post(URL, json=MORTGAGE), 401, "token_missing")
        assert_problem(
            client.post(URL, json=MORTGAGE, headers=auth("land:read")), 403, "scope_missing"
        )
        response = client.post("/api/land/rights/1/cancellation", headers=auth("vehicles:write"))
        assert_problem(response, 403, "scope_missing")
