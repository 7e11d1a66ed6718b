"""Opening a building's register on a parcel, at its road-name address."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.outbox import OutboxEvent
from nara.residents.models import Person
from tests.land.helpers import (
    OTHER_PNU,
    PNU,
    address,
    building_body,
    nothing_written,
    owners_of,
    person,
    register_building,
    register_parcel,
)
from tests.support import assert_problem


@pytest.fixture
def parcel(client: TestClient, headers: dict[str, str], kim: Person) -> dict[str, Any]:
    return register_parcel(client, headers, [person(kim)])


def test_a_building_opens_its_own_register_on_its_parcel(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    parcel: dict[str, Any],
    kim: Person,
    lee: Person,
) -> None:
    register = register_building(client, headers, [person(kim, "1/2"), person(lee, "1/2")])

    building = register["building"]
    assert building["parcel_id"] == parcel["parcel"]["id"]
    assert building["address"]["sigungu_code"] == "11680"
    assert building["address_label"] == "서울특별시 강남구 테헤란로 152"
    assert building["gross_area_m2"] == "2400.00"
    assert register["parcel"]["pnu"] == PNU
    assert owners_of(register) == {"김민준": "1/2", "이서연": "1/2"}
    assert {e["cause"] for e in register["section_a"]} == {"preservation"}
    assert register["section_a"][0]["receipt_no"] == "2026-000002"
    event = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "land.building_registered")
    ).one()
    assert event.subject_id == str(building["id"])


def test_a_building_is_read_by_id_and_listed_on_its_parcel(
    client: TestClient, headers: dict[str, str], parcel: dict[str, Any], kim: Person
) -> None:
    building_id = register_building(client, headers, [person(kim)])["building"]["id"]

    register = client.get(f"/api/land/buildings/{building_id}", headers=headers).json()
    assert register["building"]["name"] == "나라빌딩"
    assert owners_of(register) == {"김민준": "1/1"}
    parcel_register = client.get(f"/api/land/parcels/{PNU}", headers=headers).json()
    assert [b["id"] for b in parcel_register["buildings"]] == [building_id]


def test_an_unknown_building(client: TestClient, headers: dict[str, str]) -> None:
    assert_problem(
        client.get("/api/land/buildings/424242", headers=headers), 404, "building_unknown"
    )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"address": address(sigungu_code="11650", postcode="06500")}, "address_district_mismatch"),
        ({"address": address(postcode="48000")}, "validation_failed"),
        ({"completed_on": "2026-03-03"}, "completed_on_future"),
        ({"gross_area_m2": "0"}, "area_not_positive"),
        ({"floors_above": -1}, "validation_failed"),
    ],
)
def test_a_bad_building_is_refused_and_nothing_is_written(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    parcel: dict[str, Any],
    kim: Person,
    changes: dict[str, Any],
    code: str,
) -> None:
    with nothing_written(session):
        response = client.post(
            f"/api/land/parcels/{PNU}/buildings",
            json=building_body([person(kim)], **changes),
            headers=headers,
        )
        assert_problem(response, 422, code)


def test_building_owners_must_hold_the_whole(
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    parcel: dict[str, Any],
    kim: Person,
) -> None:
    with nothing_written(session):
        response = client.post(
            f"/api/land/parcels/{PNU}/buildings",
            json=building_body([person(kim, "1/3")]),
            headers=headers,
        )
        assert_problem(response, 422, "shares_not_whole")


def test_a_building_needs_a_registered_parcel(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person
) -> None:
    with nothing_written(session):
        response = client.post(
            f"/api/land/parcels/{OTHER_PNU}/buildings",
            json=building_body([person(kim)]),
            headers=headers,
        )
        assert_problem(response, 404, "parcel_unknown")


def test_one_building_per_road_name_building_number(
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    parcel: dict[str, Any],
    kim: Person,
) -> None:
    register_building(client, headers, [person(kim)])
    with nothing_written(session):
        response = client.post(
            f"/api/land/parcels/{PNU}/buildings",
            json=building_body([person(kim)], name="나라빌딩 별관"),
            headers=headers,
        )
        assert_problem(response, 409, "building_address_taken")
    register_building(client, headers, [person(kim)], address=address(building_sub=1))


def test_an_unknown_building_owner(
    client: TestClient, headers: dict[str, str], session: Session, parcel: dict[str, Any]
) -> None:
    owners = [{"owner_kind": "person", "owner_id": 987_654}]
    with nothing_written(session):
        response = client.post(
            f"/api/land/parcels/{PNU}/buildings", json=building_body(owners), headers=headers
        )
        assert_problem(response, 404, "owner_unknown")
