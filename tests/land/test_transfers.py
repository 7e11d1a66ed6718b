"""Section A: transfers of a whole property or of shares; shares always add up to one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.outbox import OutboxEvent
from nara.core.pii import PiiCipher
from nara.residents.models import Person
from tests.factories import make_business, make_person
from tests.land.helpers import (
    PNU,
    business,
    nothing_written,
    owners_of,
    person,
    register_building,
    register_parcel,
)
from tests.support import assert_problem

URL = f"/api/land/parcels/{PNU}/transfers"


def sale(transferees: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    return {"cause": "sale", "cause_on": "2026-02-20", "transferees": transferees} | changes


def register_now(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = client.get(
        f"/api/land/parcels/{PNU}?history=true", headers=headers
    ).json()
    return body


def test_a_sale_of_the_whole_parcel_ends_the_old_entry_and_adds_the_buyer(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person, lee: Person
) -> None:
    register_parcel(client, headers, [person(kim)])

    response = client.post(URL, json=sale([person(lee)]), headers=headers)

    assert response.status_code == 201, response.text
    register = response.json()
    [entry] = register["section_a"]
    assert (entry["owner_name"], entry["share"]) == ("이서연", "1/1")
    assert (entry["rank_no"], entry["cause"], entry["cause_on"]) == (2, "sale", "2026-02-20")
    assert entry["receipt_no"] == "2026-000002"
    history = register_now(client, headers)
    ended = next(e for e in history["section_a"] if e["owner_name"] == "김민준")
    assert ended["ended_on"] == "2026-03-02"
    event = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "land.ownership_transferred")
    ).one()
    assert event.payload["from"] == [{"owner_kind": "person", "owner_id": kim.id, "share": "1/1"}]
    assert event.payload["to"] == [{"owner_kind": "person", "owner_id": lee.id, "share": "1/1"}]


def test_a_share_of_a_sole_owner_is_sold_and_the_rest_is_kept(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person
) -> None:
    register_parcel(client, headers, [person(kim)])
    transfer = sale([person(lee, "1/4")], transferors=[person(kim, "1/4")])

    register = client.post(URL, json=transfer, headers=headers).json()

    assert owners_of(register) == {"김민준": "3/4", "이서연": "1/4"}
    kept = next(e for e in register["section_a"] if e["owner_name"] == "김민준")
    assert (kept["cause"], kept["rank_no"]) == ("preservation", 2)


def test_a_co_owner_sells_their_whole_share_to_two_buyers(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person, park: Person
) -> None:
    register_parcel(client, headers, [person(kim, "1/2"), person(lee, "1/2")])
    transferor = {"owner_kind": "person", "owner_id": lee.id}
    transfer = sale([person(park, "1/3"), person(kim, "1/6")], transferors=[transferor])

    register = client.post(URL, json=transfer, headers=headers).json()

    assert sorted((e["owner_name"], e["share"], e["rank_no"]) for e in register["section_a"]) == [
        ("김민준", "1/2", 1),
        ("김민준", "1/6", 2),
        ("박지호", "1/3", 2),
    ]


def test_heirs_inherit_from_a_deceased_owner(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    kim: Person,
    lee: Person,
    park: Person,
) -> None:
    register_parcel(client, headers, [person(kim)])
    kim.status = "deceased"
    session.flush()
    inheritance = {
        "cause": "inheritance",
        "cause_on": "2026-02-01",
        "transferees": [person(lee, "1/2"), person(park, "1/2")],
    }

    register = client.post(URL, json=inheritance, headers=headers).json()

    assert owners_of(register) == {"이서연": "1/2", "박지호": "1/2"}
    assert {e["cause"] for e in register["section_a"]} == {"inheritance"}


def test_a_building_changes_hands_by_auction(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person
) -> None:
    register_parcel(client, headers, [person(kim)])
    building_id = register_building(client, headers, [person(kim)])["building"]["id"]
    auction = {"cause": "auction", "cause_on": "2026-02-27", "transferees": [person(lee)]}

    response = client.post(
        f"/api/land/buildings/{building_id}/transfers", json=auction, headers=headers
    )

    assert response.status_code == 201, response.text
    assert owners_of(response.json()) == {"이서연": "1/1"}
    parcel = client.get(f"/api/land/parcels/{PNU}", headers=headers).json()
    assert owners_of(parcel) == {"김민준": "1/1"}  # the land is a separate property


@pytest.mark.parametrize(
    ("transfer", "status", "code"),
    [
        ({"cause": "theft"}, 422, "cause_unknown"),
        ({"cause": "preservation"}, 422, "cause_unknown"),
        ({"cause_on": "2026-03-03"}, 422, "cause_on_future"),
        ({"share": "1/2"}, 422, "shares_not_whole"),
        ({"transferor_share": "1/2"}, 422, "shares_not_whole"),
        ({"share": "2/1"}, 422, "share_range"),
        ({"transferor": "park"}, 409, "transferor_not_owner"),
        ({"transferor": "twice"}, 422, "owner_repeated"),
        ({"transferee": "self"}, 422, "transfer_to_self"),
        ({"transferee": "unknown"}, 404, "owner_unknown"),
        ({"transferee": "deceased"}, 409, "owner_deceased"),
        ({"cause": "inheritance"}, 409, "transferor_not_deceased"),
    ],
)
def test_a_refused_transfer_leaves_the_register_as_it_was(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    cipher: PiiCipher,
    kim: Person,
    lee: Person,
    park: Person,
    transfer: dict[str, Any],
    status: int,
    code: str,
) -> None:
    """Kim owns the parcel; a transfer of (a share of) it to Lee goes wrong in one way."""
    register_parcel(client, headers, [person(kim)])
    transferee = {
        "self": kim.id,
        "unknown": 987_654,
        "deceased": make_person(session, cipher, status="deceased").id,
    }.get(transfer.get("transferee", ""), lee.id)
    transferor = {"owner_kind": "person", "owner_id": kim.id}
    if "transferor_share" in transfer:
        transferor["share"] = transfer["transferor_share"]
    transferors = {
        "park": [person(park)],
        "twice": [transferor, transferor],
    }.get(transfer.get("transferor", ""), [transferor])
    body = {
        "cause": transfer.get("cause", "sale"),
        "cause_on": transfer.get("cause_on", "2026-02-20"),
        "transferors": transferors,
        "transferees": [
            {"owner_kind": "person", "owner_id": transferee, "share": transfer.get("share", "1/1")}
        ],
    }
    before = register_now(client, headers)

    with nothing_written(session):
        assert_problem(client.post(URL, json=body, headers=headers), status, code)

    assert register_now(client, headers) == before


def test_a_business_acquires_under_its_registered_name_and_gives_up_its_share_by_id(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person, lee: Person
) -> None:
    builder = make_business(session, name="나라건설(주)", kind="corporation")
    register_parcel(client, headers, [person(kim)])
    bought = client.post(URL, json=sale([business(builder)]), headers=headers)
    assert bought.status_code == 201, bought.text
    assert owners_of(bought.json()) == {"나라건설(주)": "1/1"}

    # the business has closed since; it still gives up what it holds, found by its id alone
    builder.status, builder.closed_on = "closed", dt.date(2026, 3, 1)
    session.flush()
    transferor = {"owner_kind": "business", "owner_id": builder.id}
    sold = client.post(URL, json=sale([person(lee)], transferors=[transferor]), headers=headers)

    assert sold.status_code == 201, sold.text
    assert owners_of(sold.json()) == {"이서연": "1/1"}


@pytest.mark.parametrize(
    ("transferee", "status", "code"),
    [("unknown", 404, "owner_unknown"), ("closed", 409, "owner_closed")],
)
def test_a_business_transferee_must_be_on_the_business_register_and_open(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    kim: Person,
    transferee: str,
    status: int,
    code: str,
) -> None:
    register_parcel(client, headers, [person(kim)])
    business_id = 987_654 if transferee == "unknown" else make_business(session, status="closed").id
    body = sale([{"owner_kind": "business", "owner_id": business_id, "owner_name": "나라건설"}])
    before = register_now(client, headers)

    with nothing_written(session):
        assert_problem(client.post(URL, json=body, headers=headers), status, code)

    assert register_now(client, headers) == before


def test_a_co_owner_cannot_give_more_than_they_hold(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    kim: Person,
    lee: Person,
    park: Person,
) -> None:
    register_parcel(client, headers, [person(kim, "1/2"), person(lee, "1/2")])
    transfer = sale([person(park, "2/3")], transferors=[person(kim, "2/3")])
    before = register_now(client, headers)

    with nothing_written(session):
        assert_problem(
            client.post(URL, json=transfer, headers=headers), 409, "share_exceeds_holding"
        )

    assert register_now(client, headers) == before


def test_a_transfer_needs_a_registered_property(
    client: TestClient, headers: dict[str, str], session: Session, lee: Person
) -> None:
    with nothing_written(session):
        assert_problem(
            client.post(URL, json=sale([person(lee)]), headers=headers), 404, "parcel_unknown"
        )
        response = client.post(
            "/api/land/buildings/424242/transfers", json=sale([person(lee)]), headers=headers
        )
        assert_problem(response, 404, "building_unknown")


def test_a_transfer_needs_the_write_scope(
    client: TestClient, auth: Any, session: Session, kim: Person, lee: Person
) -> None:
    register_parcel(client, auth("land:write"), [person(kim)])
    with nothing_written(session):
        assert_problem(client.post(URL, json=sale([person(lee)])), 401, "token_missing")
        response = client.post(URL, json=sale([person(lee)]), headers=auth("land:read"))
        assert_problem(response, 403, "scope_missing")
