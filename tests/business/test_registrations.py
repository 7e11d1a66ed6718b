"""Registering a business under a valid BRN; suspending, resuming and closing it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.business.conftest import GANGNAM, brn
from tests.support import assert_problem

Person = Callable[..., int]
Register = Callable[..., dict[str, Any]]
Unchanged = Callable[[], Callable[[], None]]


def test_a_business_is_registered_under_its_brn(
    client: TestClient, headers: dict[str, str], person: Person, session: Session
) -> None:
    owner = person("1975-05-05", name_ko="이나라", name_en="Lee Nara")
    body = {
        "brn": "2208162517",
        "name": "나라소프트 주식회사",
        "kind": "corporation",
        "representative_person_id": owner,
        "industry_code": "62010",
        "opened_on": "2018-03-01",
        "address": GANGNAM,
    }

    response = client.post("/api/business/businesses", json=body, headers=headers)

    assert response.status_code == 201, response.text
    business = response.json()
    assert business["brn"] == "2208162517"
    assert business["brn_formatted"] == "220-81-62517"
    assert business["representative_name"] == "이나라"
    assert (business["status"], business["closed_on"], business["employer_since"]) == (
        "active",
        None,
        None,
    )
    assert business["address"] == GANGNAM | {"building_sub": 0}
    change = session.execute(text("SELECT entity, entity_id, action FROM business_change")).one()
    assert tuple(change) == ("business", business["id"], "registered")
    event = session.execute(text("SELECT event_type FROM core_outbox")).scalar_one()
    assert event == "business.registered"


def test_a_business_is_found_by_id_and_by_brn_with_or_without_hyphens(
    client: TestClient, headers: dict[str, str], register: Register
) -> None:
    business = register()
    formatted = business["brn_formatted"]
    by_id = client.get(f"/api/business/businesses/{business['id']}", headers=headers)
    by_brn = client.get(f"/api/business/businesses/brn/{formatted}", headers=headers)
    by_digits = client.get(f"/api/business/businesses/brn/{business['brn']}", headers=headers)
    assert by_id.json() == by_brn.json() == by_digits.json() == business


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("businesses/999999", 404, "business_unknown"),
        (f"businesses/brn/{brn('999999999')}", 404, "business_unknown"),
        ("businesses/brn/12-34", 422, "brn_format"),
        ("businesses/brn/1234567890", 422, "brn_checksum"),
    ],
)
def test_a_business_that_is_not_registered_is_not_found(
    client: TestClient, headers: dict[str, str], path: str, status: int, code: str
) -> None:
    assert_problem(client.get(f"/api/business/{path}", headers=headers), status, code)


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"brn": "220-81-6251"}, 422, "brn_format"),
        ({"brn": "220-81-62518"}, 422, "brn_checksum"),
        ({"brn": "taken"}, 409, "brn_registered"),
        ({"kind": "corporation"}, 422, "brn_kind_mismatch"),
        ({"brn": "220-81-62517"}, 422, "brn_kind_mismatch"),
        ({"representative_person_id": 999_999}, 404, "person_unknown"),
        ({"representative_person_id": "deceased"}, 409, "person_not_alive"),
        ({"industry_code": "6201"}, 422, "validation_failed"),
        ({"address": GANGNAM | {"postcode": "48000"}}, 422, "validation_failed"),
        ({"opened_on": "2026-03-03"}, 422, "date_in_future"),
        ({"kind": "partnership"}, 422, "validation_failed"),
    ],
    ids=[
        "short-brn",
        "bad-check-digit",
        "duplicate",
        "individual-number-as-corporation",
        "corporation-number-as-individual",
        "unknown-representative",
        "deceased-representative",
        "industry-code-not-5-digits",
        "postcode-of-another-province",
        "opens-in-future",
        "unknown-kind",
    ],
)
def test_a_registration_is_refused_when_it_breaks_a_rule(
    *,
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    register: Register,
    unchanged: Unchanged,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    taken = register()["brn"]
    values = {"taken": taken, "deceased": person(status="deceased")}
    body = {
        "brn": brn("123450001"),
        "name": "나라상회",
        "kind": "individual",
        "representative_person_id": person("1970-01-01"),
        "industry_code": "47190",
        "opened_on": "2015-01-01",
        "address": GANGNAM,
    }
    body |= {
        key: values[value] if isinstance(value, str) and value in values else value
        for key, value in change.items()
    }
    check = unchanged()
    response = client.post("/api/business/businesses", json=body, headers=headers)
    assert_problem(response, status, code)
    check()


def act(client: TestClient, headers: dict[str, str], business_id: int, action: str, on: str) -> Any:
    field = {"suspend": "suspended_on", "resume": "resumed_on", "close": "closed_on"}[action]
    return client.post(
        f"/api/business/businesses/{business_id}/{action}", json={field: on}, headers=headers
    )


def test_a_business_is_suspended_resumed_and_closed(
    client: TestClient, headers: dict[str, str], register: Register, session: Session
) -> None:
    business = register()["id"]

    assert act(client, headers, business, "suspend", "2020-01-01").json()["status"] == "suspended"
    assert act(client, headers, business, "resume", "2020-06-01").json()["status"] == "active"
    closed = act(client, headers, business, "close", "2025-12-31").json()

    assert (closed["status"], closed["closed_on"]) == ("closed", "2025-12-31")
    events = session.scalars(text("SELECT event_type FROM core_outbox ORDER BY id")).all()
    assert events[-3:] == ["business.suspended", "business.resumed", "business.closed"]


@pytest.mark.parametrize(
    ("state", "action", "on", "status", "code"),
    [
        ("unknown", "suspend", "2020-01-01", 404, "business_unknown"),
        ("active", "suspend", "2014-12-31", 422, "date_before_opening"),
        ("active", "close", "2026-03-03", 422, "date_in_future"),
        ("active", "resume", "2020-01-01", 409, "business_not_suspended"),
        ("suspended", "suspend", "2020-01-01", 409, "business_suspended"),
        ("closed", "suspend", "2020-01-01", 409, "business_closed"),
        ("closed", "resume", "2020-01-01", 409, "business_closed"),
        ("closed", "close", "2020-01-01", 409, "business_closed"),
        ("employer", "close", "2020-01-01", 409, "employments_open"),
    ],
)
def test_a_status_change_is_refused_when_the_business_cannot_make_it(
    *,
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    unchanged: Unchanged,
    state: str,
    action: str,
    on: str,
    status: int,
    code: str,
) -> None:
    ids = {"unknown": 999_999}
    for name in ("active", "suspended", "closed", "employer"):
        ids[name] = register(opened_on="2015-01-01")["id"]
    assert act(client, headers, ids["suspended"], "suspend", "2019-01-01").status_code == 200
    assert act(client, headers, ids["closed"], "close", "2019-01-01").status_code == 200
    hire = {
        "person_id": person(),
        "job_title": "점원",
        "started_on": "2016-01-01",
        "monthly_wage_won": 2_500_000,
    }
    response = client.post(
        f"/api/business/businesses/{ids['employer']}/employments", json=hire, headers=headers
    )
    assert response.status_code == 201, response.text
    check = unchanged()
    assert_problem(act(client, headers, ids[state], action, on), status, code)
    check()


def test_the_businesses_a_person_represents_are_listed(
    client: TestClient, headers: dict[str, str], register: Register, person: Person
) -> None:
    owner = person("1960-01-01")
    first = register(representative_person_id=owner, opened_on="2001-01-01")
    second = register(representative_person_id=owner, opened_on="2011-01-01")
    register()
    response = client.get(f"/api/business/persons/{owner}/businesses", headers=headers)
    assert [b["id"] for b in response.json()] == [first["id"], second["id"]]
