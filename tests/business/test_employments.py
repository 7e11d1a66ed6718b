"""Hiring, wage changes and leaving: the employment records of an employer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support import assert_problem

Person = Callable[..., int]
Register = Callable[..., dict[str, Any]]
Unchanged = Callable[[], Callable[[], None]]


def hire(client: TestClient, headers: dict[str, str], business_id: int, **body: Any) -> Any:
    payload = {"job_title": "개발자", "started_on": "2020-01-01", "monthly_wage_won": 3_000_000}
    return client.post(
        f"/api/business/businesses/{business_id}/employments", json=payload | body, headers=headers
    )


def raise_wage(client: TestClient, headers: dict[str, str], employment: int, **body: Any) -> Any:
    payload = {"monthly_wage_won": 3_300_000, "effective_from": "2021-01-01"} | body
    return client.post(
        f"/api/business/employments/{employment}/wages", json=payload, headers=headers
    )


def leave(client: TestClient, headers: dict[str, str], employment: int, **body: Any) -> Any:
    payload = {"ended_on": "2024-06-30", "end_reason": "resignation"} | body
    return client.post(
        f"/api/business/employments/{employment}/leave", json=payload, headers=headers
    )


def test_the_first_hire_makes_the_business_an_employer(
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    session: Session,
) -> None:
    business = register(opened_on="2019-01-01")
    worker = person("1995-01-01")

    response = hire(client, headers, business["id"], person_id=worker, started_on="2020-03-02")

    assert response.status_code == 201, response.text
    employment = response.json()
    assert (employment["brn"], employment["business_name"]) == (business["brn"], "나라상회")
    assert (employment["started_on"], employment["ended_on"]) == ("2020-03-02", None)
    assert employment["monthly_wage_won"] == 3_000_000
    now = client.get(f"/api/business/businesses/{business['id']}", headers=headers).json()
    assert now["employer_since"] == "2020-03-02"
    wages = client.get(f"/api/business/employments/{employment['id']}/wages", headers=headers)
    assert [(w["monthly_wage_won"], w["effective_from"]) for w in wages.json()] == [
        (3_000_000, "2020-03-02")
    ]
    event = session.execute(
        text("SELECT event_type FROM core_outbox ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert event == "employment.started"


def test_a_later_hire_keeps_the_employer_since_date(
    client: TestClient, headers: dict[str, str], register: Register, person: Person
) -> None:
    business = register()["id"]
    hire(client, headers, business, person_id=person(), started_on="2018-01-01")
    hire(client, headers, business, person_id=person(), started_on="2022-01-01")
    now = client.get(f"/api/business/businesses/{business}", headers=headers).json()
    assert now["employer_since"] == "2018-01-01"


def test_a_person_who_left_may_be_hired_again_from_the_day_they_left(
    client: TestClient, headers: dict[str, str], register: Register, person: Person
) -> None:
    business, worker = register()["id"], person()
    first = hire(client, headers, business, person_id=worker).json()
    leave(client, headers, first["id"], ended_on="2022-01-01")
    again = hire(client, headers, business, person_id=worker, started_on="2022-01-01")
    assert again.status_code == 201, again.text


@pytest.mark.parametrize(
    ("business", "change", "status", "code"),
    [
        ("unknown", {}, 404, "business_unknown"),
        ("suspended", {}, 409, "business_not_active"),
        ("closed", {}, 409, "business_closed"),
        ("open", {"person_id": 999_999}, 404, "person_unknown"),
        ("open", {"person_id": "deceased"}, 409, "person_not_alive"),
        ("open", {"person_id": "child"}, 422, "under_working_age"),
        ("open", {"started_on": "2014-12-31"}, 422, "date_before_opening"),
        ("open", {"started_on": "2026-03-03"}, 422, "date_in_future"),
        ("open", {"person_id": "employee"}, 409, "already_employed"),
        ("open", {"person_id": "leaver", "started_on": "2021-12-31"}, 409, "already_employed"),
        ("open", {"monthly_wage_won": -1}, 422, "validation_failed"),
        ("open", {"job_title": ""}, 422, "validation_failed"),
    ],
    ids=[
        "unknown-business",
        "suspended-business",
        "closed-business",
        "unknown-person",
        "deceased-person",
        "under-15",
        "before-opening",
        "future",
        "already-employed",
        "overlaps-earlier-employment",
        "negative-wage",
        "no-job-title",
    ],
)
def test_a_hire_is_refused_when_it_breaks_a_rule(
    *,
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    unchanged: Unchanged,
    business: str,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    businesses = {"unknown": 999_999}
    for name in ("open", "suspended", "closed"):
        businesses[name] = register(opened_on="2015-01-01")["id"]
    client.post(
        f"/api/business/businesses/{businesses['suspended']}/suspend",
        json={"suspended_on": "2020-01-01"},
        headers=headers,
    )
    client.post(
        f"/api/business/businesses/{businesses['closed']}/close",
        json={"closed_on": "2020-01-01"},
        headers=headers,
    )
    people = {
        "deceased": person(status="deceased"),
        "child": person("2011-06-01"),
        "employee": person(),
        "leaver": person(),
    }
    assert (
        hire(client, headers, businesses["open"], person_id=people["employee"]).status_code == 201
    )
    left = hire(client, headers, businesses["open"], person_id=people["leaver"]).json()
    assert leave(client, headers, left["id"], ended_on="2022-01-01").status_code == 200
    body = {"person_id": person()} | {
        key: people.get(value, value) if isinstance(value, str) else value
        for key, value in change.items()
    }
    check = unchanged()
    assert_problem(hire(client, headers, businesses[business], **body), status, code)
    check()


def test_a_wage_change_appends_to_the_history_and_becomes_the_current_wage(
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    session: Session,
) -> None:
    employment = hire(client, headers, register()["id"], person_id=person()).json()["id"]

    response = raise_wage(
        client, headers, employment, monthly_wage_won=3_500_000, effective_from="2021-04-01"
    )

    assert response.status_code == 201, response.text
    assert response.json()["employment_id"] == employment
    current = client.get(f"/api/business/employments/{employment}", headers=headers).json()
    assert current["monthly_wage_won"] == 3_500_000
    history = client.get(f"/api/business/employments/{employment}/wages", headers=headers).json()
    assert [(w["effective_from"], w["monthly_wage_won"]) for w in history] == [
        ("2020-01-01", 3_000_000),
        ("2021-04-01", 3_500_000),
    ]
    event = session.execute(
        text("SELECT event_type FROM core_outbox ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert event == "employment.wage_changed"


@pytest.mark.parametrize(
    ("target", "change", "status", "code"),
    [
        ("unknown", {}, 404, "employment_unknown"),
        ("open", {"effective_from": "2019-12-31"}, 422, "wage_before_start"),
        ("open", {"effective_from": "2026-03-03"}, 422, "date_in_future"),
        ("open", {"effective_from": "2021-01-01"}, 409, "wage_change_out_of_order"),
        ("open", {"effective_from": "2020-12-31"}, 409, "wage_change_out_of_order"),
        ("ended", {}, 409, "employment_ended"),
        ("open", {"monthly_wage_won": "a lot"}, 422, "validation_failed"),
    ],
)
def test_a_wage_change_is_refused_when_it_breaks_a_rule(
    *,
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    unchanged: Unchanged,
    target: str,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    business = register()["id"]
    employments = {
        "unknown": 999_999,
        "open": hire(client, headers, business, person_id=person()).json()["id"],
        "ended": hire(client, headers, business, person_id=person()).json()["id"],
    }
    assert raise_wage(client, headers, employments["open"]).status_code == 201
    assert leave(client, headers, employments["ended"], ended_on="2020-06-01").status_code == 200
    check = unchanged()
    body = {"effective_from": "2022-01-01"} | change
    response = raise_wage(client, headers, employments[target], **body)
    assert_problem(response, status, code)
    check()
    current = client.get(f"/api/business/employments/{employments['open']}", headers=headers)
    assert current.json()["monthly_wage_won"] == 3_300_000


def test_leaving_ends_the_employment(
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    session: Session,
) -> None:
    employment = hire(client, headers, register()["id"], person_id=person()).json()["id"]

    response = leave(client, headers, employment, ended_on="2024-06-30", end_reason="contract_end")

    assert response.status_code == 200, response.text
    assert (response.json()["ended_on"], response.json()["end_reason"]) == (
        "2024-06-30",
        "contract_end",
    )
    event = session.execute(
        text("SELECT event_type FROM core_outbox ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert event == "employment.ended"


@pytest.mark.parametrize(
    ("target", "change", "status", "code"),
    [
        ("unknown", {}, 404, "employment_unknown"),
        ("open", {"ended_on": "2019-12-31"}, 422, "end_before_start"),
        ("open", {"ended_on": "2026-03-03"}, 422, "date_in_future"),
        ("ended", {}, 409, "employment_ended"),
        ("open", {"end_reason": "bored"}, 422, "validation_failed"),
    ],
)
def test_leaving_is_refused_when_it_breaks_a_rule(
    *,
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    unchanged: Unchanged,
    target: str,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    business = register()["id"]
    employments = {
        "unknown": 999_999,
        "open": hire(client, headers, business, person_id=person()).json()["id"],
        "ended": hire(client, headers, business, person_id=person()).json()["id"],
    }
    assert leave(client, headers, employments["ended"], ended_on="2021-01-01").status_code == 200
    check = unchanged()
    assert_problem(leave(client, headers, employments[target], **change), status, code)
    check()
    ended = client.get(f"/api/business/employments/{employments['ended']}", headers=headers)
    assert ended.json()["ended_on"] == "2021-01-01"


def test_a_business_closes_once_its_employments_have_ended(
    client: TestClient, headers: dict[str, str], register: Register, person: Person
) -> None:
    business = register()["id"]
    employment = hire(client, headers, business, person_id=person()).json()["id"]
    leave(client, headers, employment, ended_on="2025-01-01", end_reason="business_closure")
    closed = client.post(
        f"/api/business/businesses/{business}/close",
        json={"closed_on": "2025-01-01"},
        headers=headers,
    )
    assert closed.status_code == 200, closed.text
