"""Opening a parcel's register: the title and the preservation of its ownership (소유권보존)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.outbox import OutboxEvent
from nara.core.pii import PiiCipher
from nara.land.models import LandChange
from nara.residents.models import Person
from tests.factories import make_business, make_person
from tests.land.helpers import (
    PNU,
    business,
    nothing_written,
    owners_of,
    parcel_body,
    person,
    register_parcel,
)
from tests.support import assert_problem


def test_a_parcel_opens_with_its_title_and_preservation_of_ownership(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person
) -> None:
    register = register_parcel(client, headers, [person(kim)])

    assert register["as_of"] == "2026-03-02"
    title = register["parcel"]
    assert title["pnu"] == PNU
    assert title["pnu_formatted"] == "1168010100-1-0123-0004"
    assert title["lot_label"] == "123-4"
    assert (title["sido_code"], title["sigungu_code"]) == ("11", "11680")
    assert (title["land_category"], title["land_category_en"]) == ("대", "building site")
    assert title["area_m2"] == "330.50"
    assert title["registered_on"] == "2026-03-02"
    [entry] = register["section_a"]
    assert entry["rank_no"] == 1
    assert entry["cause"] == "preservation"
    assert (entry["owner_kind"], entry["owner_id"]) == ("person", kim.id)
    assert entry["owner_name"] == "김민준"  # the name the resident register holds
    assert entry["share"] == "1/1"
    assert entry["receipt_no"] == "2026-000001"
    assert register["section_b"] == []
    change = session.scalars(select(LandChange)).one()
    assert (change.entity, change.action, change.actor[:6]) == (
        "parcel",
        "parcel_registered",
        "token:",
    )
    assert "김민준" not in str(change.data)  # change data carries ids, not names
    event = session.scalars(select(OutboxEvent)).one()
    assert (event.event_type, event.source) == ("land.parcel_registered", "land")


def test_co_owners_share_one_rank_and_one_receipt(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person
) -> None:
    register = register_parcel(client, headers, [person(kim, "2/3"), person(lee, "1/3")])

    assert owners_of(register) == {"김민준": "2/3", "이서연": "1/3"}
    assert {(e["rank_no"], e["receipt_no"]) for e in register["section_a"]} == {(1, "2026-000001")}


def test_shares_are_kept_in_lowest_terms(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person
) -> None:
    register = register_parcel(client, headers, [person(kim, "2/4"), person(lee, " 5 / 10 ")])
    assert owners_of(register) == {"김민준": "1/2", "이서연": "1/2"}


def test_a_business_is_recorded_under_its_registered_name_and_a_public_body_as_named(
    client: TestClient, headers: dict[str, str], session: Session
) -> None:
    builder = make_business(session, name="나라건설(주)", kind="corporation")
    owners = [
        # a name given with a business is ignored: the business register's name is recorded
        business(builder, "1/2") | {"owner_name": "나라건설"},
        {"owner_kind": "public", "owner_name": "서울특별시", "share": "1/2"},
    ]
    register = register_parcel(client, headers, owners)
    assert {(e["owner_kind"], e["owner_id"], e["owner_name"]) for e in register["section_a"]} == {
        ("business", builder.id, "나라건설(주)"),
        ("public", None, "서울특별시"),
    }


def test_a_suspended_business_may_acquire(
    client: TestClient, headers: dict[str, str], session: Session
) -> None:
    shop = make_business(session, name="나라상회", status="suspended")
    register = register_parcel(client, headers, [business(shop)])
    assert owners_of(register) == {"나라상회": "1/1"}


def test_receipt_numbers_count_per_year(
    client: TestClient, headers: dict[str, str], kim: Person, clock: FixedClock
) -> None:
    register_parcel(client, headers, [person(kim)])
    second = register_parcel(client, headers, [person(kim)], pnu="1168010100101230005")
    clock.advance(dt.timedelta(days=365))
    next_year = register_parcel(client, headers, [person(kim)], pnu="1168010100101230006")

    assert second["section_a"][0]["receipt_no"] == "2026-000002"
    assert next_year["section_a"][0]["receipt_no"] == "2027-000001"


def test_a_parcel_is_read_by_its_pnu_written_with_or_without_hyphens(
    client: TestClient, headers: dict[str, str], kim: Person
) -> None:
    register_parcel(client, headers, [person(kim)])
    response = client.get("/api/land/parcels/1168010100-1-0123-0004", headers=headers)
    assert response.status_code == 200
    assert owners_of(response.json()) == {"김민준": "1/1"}


def test_reading_an_unregistered_or_malformed_pnu(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert_problem(client.get(f"/api/land/parcels/{PNU}", headers=headers), 404, "parcel_unknown")
    assert_problem(client.get("/api/land/parcels/12345", headers=headers), 422, "pnu_format")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"pnu": "11680101001012300"}, "pnu_format"),
        ({"pnu": "9968010100101230004"}, "pnu_province"),
        ({"pnu": "1168010100100000004"}, "pnu_main_lot"),
        ({"pnu": "1199910100101230004"}, "pnu_district"),
        ({"land_category": "숲"}, "land_category_unknown"),
        ({"area_m2": "0"}, "area_not_positive"),
        ({"area_m2": "-3.5"}, "area_not_positive"),
        ({"official_price_per_m2": -1}, "official_price_negative"),
        ({"area_m2": "1.234"}, "validation_failed"),
    ],
)
def test_a_bad_title_is_refused_and_nothing_is_written(
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
            "/api/land/parcels", json=parcel_body([person(kim)], **changes), headers=headers
        )
        assert_problem(response, 422, code)


@pytest.mark.parametrize(
    ("owners", "code"),
    [
        ([{"owner_kind": "person", "share": "1/1"}], "owner_id_required"),
        ([{"owner_kind": "public"}], "owner_name_required"),
        ([{"owner_kind": "alien", "owner_id": 3}], "owner_kind_unknown"),
        ([{"owner_kind": "public", "owner_name": "대한민국", "share": "1/0"}], "share_format"),
        ([{"owner_kind": "public", "owner_name": "대한민국", "share": "half"}], "share_format"),
        ([{"owner_kind": "public", "owner_name": "대한민국", "share": "3/2"}], "share_range"),
        ([{"owner_kind": "public", "owner_name": "대한민국", "share": "0/5"}], "share_range"),
        ([{"owner_kind": "public", "owner_name": "대한민국", "share": "1/2"}], "shares_not_whole"),
        (
            [
                {"owner_kind": "public", "owner_name": "대한민국", "share": "1/2"},
                {"owner_kind": "public", "owner_name": "대한민국", "share": "1/2"},
            ],
            "owner_repeated",
        ),
        (
            [
                {"owner_kind": "public", "owner_name": "대한민국", "share": "2/3"},
                {"owner_kind": "public", "owner_name": "서울특별시", "share": "2/3"},
            ],
            "shares_not_whole",
        ),
    ],
)
def test_owners_must_be_named_properly_and_hold_exactly_the_whole(
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    owners: list[dict[str, Any]],
    code: str,
) -> None:
    with nothing_written(session):
        response = client.post("/api/land/parcels", json=parcel_body(owners), headers=headers)
        assert_problem(response, 422, code)


def test_a_parcel_is_registered_only_once(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person
) -> None:
    register_parcel(client, headers, [person(kim)])
    with nothing_written(session):
        response = client.post(
            "/api/land/parcels",
            json=parcel_body([person(kim)], pnu="1168010100-1-0123-0004"),
            headers=headers,
        )
        assert_problem(response, 409, "parcel_already_registered")


def test_an_owner_unknown_to_the_resident_register_is_refused(
    client: TestClient, headers: dict[str, str], session: Session
) -> None:
    owners = [{"owner_kind": "person", "owner_id": 987_654, "share": "1/1"}]
    with nothing_written(session):
        response = client.post("/api/land/parcels", json=parcel_body(owners), headers=headers)
        assert_problem(response, 404, "owner_unknown")


def test_a_deceased_person_cannot_acquire(
    client: TestClient, headers: dict[str, str], session: Session, cipher: PiiCipher
) -> None:
    dead = make_person(session, cipher, status="deceased")
    with nothing_written(session):
        response = client.post(
            "/api/land/parcels", json=parcel_body([person(dead)]), headers=headers
        )
        assert_problem(response, 409, "owner_deceased")


@pytest.mark.parametrize(
    ("owner", "status", "code"),
    [("unknown", 404, "owner_unknown"), ("closed", 409, "owner_closed")],
)
def test_a_business_owner_must_be_on_the_business_register_and_open(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    kim: Person,
    owner: str,
    status: int,
    code: str,
) -> None:
    business_id = 987_654 if owner == "unknown" else make_business(session, status="closed").id
    owners = [
        person(kim, "1/2"),
        {"owner_kind": "business", "owner_id": business_id, "share": "1/2"},
    ]
    with nothing_written(session):
        response = client.post("/api/land/parcels", json=parcel_body(owners), headers=headers)
        problem = assert_problem(response, status, code)
    assert problem["owner_id"] == business_id


def test_registering_needs_a_token_with_the_write_scope(
    client: TestClient, auth: Callable[..., dict[str, str]], session: Session, kim: Person
) -> None:
    body = parcel_body([person(kim)])
    with nothing_written(session):
        assert_problem(client.post("/api/land/parcels", json=body), 401, "token_missing")
        response = client.post("/api/land/parcels", json=body, headers=auth("land:read"))
        assert_problem(response, 403, "scope_missing")


def test_reading_needs_a_token_with_the_read_scope(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> None:
    assert_problem(client.get(f"/api/land/parcels/{PNU}"), 401, "token_missing")
    response = client.get(f"/api/land/parcels/{PNU}", headers=auth("vehicles:read"))
    assert_problem(response, 403, "scope_missing")
