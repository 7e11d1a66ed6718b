"""Reading the register: as of a day, its whole history, and the properties of an owner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
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
from nara.land.exchange import EVENTS
from nara.residents.models import Person
from tests.land.helpers import (
    PNU,
    owners_of,
    person,
    register_building,
    register_parcel,
)
from tests.support import assert_problem, call_json, call_wire, grant

SALE = {"cause": "sale", "cause_on": "2026-03-05"}


@pytest.fixture
def sold_parcel(
    client: TestClient, headers: dict[str, str], clock: FixedClock, kim: Person, lee: Person
) -> None:
    """Kim's parcel, registered on 2 March 2026, mortgaged, then sold to Lee on 12 March."""
    register_parcel(client, headers, [person(kim)])
    mortgage = {"kind": "mortgage", "holder_name": "나라은행", "amount_won": 100_000_000}
    right_id = client.post(
        f"/api/land/parcels/{PNU}/rights", json=mortgage, headers=headers
    ).json()["id"]
    clock.advance(dt.timedelta(days=10))
    client.post(f"/api/land/rights/{right_id}/cancellation", headers=headers)
    client.post(
        f"/api/land/parcels/{PNU}/transfers",
        json=SALE | {"transferees": [person(lee)]},
        headers=headers,
    )


def read(client: TestClient, headers: dict[str, str], query: str = "") -> Any:
    return client.get(f"/api/land/parcels/{PNU}{query}", headers=headers)


@pytest.mark.usefixtures("sold_parcel")
def test_the_register_as_of_a_day_shows_the_entries_then_in_force(
    client: TestClient, headers: dict[str, str]
) -> None:
    before = read(client, headers, "?as_of=2026-03-11").json()
    assert before["as_of"] == "2026-03-11"
    assert owners_of(before) == {"김민준": "1/1"}
    assert [r["kind"] for r in before["section_b"]] == ["mortgage"]

    today = read(client, headers).json()
    assert today["as_of"] == "2026-03-12"
    assert owners_of(today) == {"이서연": "1/1"}
    assert today["section_b"] == []

    opened_later = read(client, headers, "?as_of=2026-03-01").json()
    assert (opened_later["section_a"], opened_later["section_b"]) == ([], [])


@pytest.mark.usefixtures("sold_parcel")
def test_the_whole_history_shows_ended_and_cancelled_entries(
    client: TestClient, headers: dict[str, str]
) -> None:
    history = read(client, headers, "?history=true").json()
    assert history["as_of"] is None
    assert [(e["owner_name"], e["ended_on"]) for e in history["section_a"]] == [
        ("김민준", "2026-03-12"),
        ("이서연", None),
    ]
    assert [r["cancelled_on"] for r in history["section_b"]] == ["2026-03-12"]


def test_bad_views_of_the_register(
    client: TestClient, headers: dict[str, str], kim: Person
) -> None:
    register_parcel(client, headers, [person(kim)])
    assert_problem(read(client, headers, "?as_of=2026-03-03"), 422, "as_of_future")
    assert_problem(read(client, headers, "?as_of=2026-03-01&history=true"), 422, "view_ambiguous")
    assert_problem(read(client, headers, "?as_of=yesterday"), 422, "validation_failed")


def test_the_properties_of_an_owner_with_their_shares(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person
) -> None:
    register_parcel(client, headers, [person(kim)])
    register_parcel(
        client, headers, [person(kim, "1/3"), person(lee, "2/3")], pnu="2635010100100070000"
    )
    building = register_building(client, headers, [person(kim, "1/2"), person(lee, "1/2")])

    page = client.get(f"/api/land/owners/person/{kim.id}/properties", headers=headers).json()

    assert page["total"] == 3
    assert [(h["property_kind"], h["label"], h["share"], h["since"]) for h in page["items"]] == [
        ("parcel", "강남구 123-4", "1/1", "2026-03-02"),
        ("parcel", "해운대구 7", "1/3", "2026-03-02"),
        ("building", "나라빌딩", "1/2", "2026-03-02"),
    ]
    assert page["items"][2]["property_id"] == building["building"]["id"]
    assert page["items"][2]["pnu"] == PNU
    second = client.get(
        f"/api/land/owners/person/{kim.id}/properties?page=2&size=2", headers=headers
    ).json()
    assert (second["page"], second["size"], second["total"]) == (2, 2, 3)
    assert [h["label"] for h in second["items"]] == ["나라빌딩"]


def test_a_share_bought_back_adds_to_what_the_owner_keeps(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person
) -> None:
    register_parcel(client, headers, [person(kim, "1/2"), person(lee, "1/2")])
    transfer = SALE | {
        "cause_on": "2026-03-01",
        "transferors": [{"owner_kind": "person", "owner_id": lee.id, "share": "1/4"}],
        "transferees": [person(kim, "1/4")],
    }
    client.post(f"/api/land/parcels/{PNU}/transfers", json=transfer, headers=headers)

    page = client.get(f"/api/land/owners/person/{kim.id}/properties", headers=headers).json()
    assert [h["share"] for h in page["items"]] == ["3/4"]


@pytest.mark.usefixtures("sold_parcel")
def test_the_properties_an_owner_held_on_a_past_day(
    client: TestClient, headers: dict[str, str], kim: Person, lee: Person
) -> None:
    def labels(owner: Person, query: str = "") -> list[str]:
        url = f"/api/land/owners/person/{owner.id}/properties{query}"
        return [h["label"] for h in client.get(url, headers=headers).json()["items"]]

    assert labels(kim) == []
    assert labels(kim, "?as_of=2026-03-11") == ["강남구 123-4"]
    assert labels(lee) == ["강남구 123-4"]
    assert labels(lee, "?as_of=2026-03-11") == []


def test_bad_owner_queries(client: TestClient, headers: dict[str, str]) -> None:
    url = "/api/land/owners/{}/1/properties{}"
    assert_problem(client.get(url.format("public", ""), headers=headers), 422, "owner_kind_unknown")
    response = client.get(url.format("person", "?as_of=2030-01-01"), headers=headers)
    assert_problem(response, 422, "as_of_future")
    assert_problem(client.get(url.format("person", "")), 401, "token_missing")


@pytest.mark.usefixtures("sold_parcel")
def test_other_agencies_find_an_owners_land_through_the_exchange(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher, kim: Person
) -> None:
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="tax", purpose="tax-assessment"
    )
    grant(session, clock, "tax", "land/properties-of-owner")
    call = partial(call_json, app.state.exchange)

    assert call("land/properties-of-owner", ctx, owner_kind="person", owner_id=kim.id) == []
    [held] = call(
        "land/properties-of-owner", ctx, owner_kind="person", owner_id=kim.id, as_of="2026-03-02"
    )
    assert held == {
        "property_kind": "parcel",
        "property_id": held["property_id"],
        "pnu": PNU,
        "label": "강남구 123-4",
        "share": "1/1",
        "since": "2026-03-02",
    }
    with pytest.raises(Invalid, match=r"params_invalid: .*: as_of\.$"):
        call_wire(
            app.state.exchange,
            "land/properties-of-owner",
            ctx,
            owner_kind="person",
            owner_id=kim.id,
            as_of="soon",
        )


@pytest.mark.usefixtures("sold_parcel")
def test_every_event_the_register_publishes_is_declared(
    client: TestClient, headers: dict[str, str], session: Session, kim: Person
) -> None:
    register_building(client, headers, [person(kim)])
    published = set(
        session.scalars(select(OutboxEvent.event_type).where(OutboxEvent.source == "land"))
    )
    assert published == set(EVENTS)


def test_the_routes_answer_with_problem_json_for_bad_tokens(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> None:
    response = client.get("/api/land/buildings/1", headers={"Authorization": "Bearer nope"})
    assert_problem(response, 401, "token_invalid")
    assert_problem(
        client.get("/api/land/buildings/1", headers=auth("residents:read")), 403, "scope_missing"
    )
