"""The welfare API: every route needs its scope; persons' benefits and applications; an
official grants a basic pension and stops a benefit, each refusal with its code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.welfare.routes import router
from tests.support import assert_problem, count_rows

Person = Callable[..., int]
Born = Callable[..., int]
Bundle = Callable[..., dict[str, Any]]
Unchanged = Callable[[], Callable[[], None]]

ROUTES = [
    pytest.param(method, route.path, id=f"{method} {route.path}")
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods)
]


def _url(path: str) -> str:
    return path.replace("{person_id}", "1").replace("{benefit_id}", "1")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_call_without_a_token_is_unauthorized(client: TestClient, method: str, path: str) -> None:
    assert_problem(client.request(method, _url(path), json={}), 401, "token_missing")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_call_without_the_scope_is_forbidden(
    client: TestClient, auth: Callable[..., dict[str, str]], method: str, path: str
) -> None:
    needed = "welfare:read" if method == "GET" else "welfare:write"
    other = "welfare:write" if method == "GET" else "welfare:read"
    response = client.request(method, _url(path), json={}, headers=auth(other, "family:*"))
    assert assert_problem(response, 403, "scope_missing")["scope"] == needed


def _pension(person_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "basic_pension",
        "person_id": person_id,
        "monthly_amount": 342_510,
        "starts_on": "2026-01-01",
    } | overrides


def test_a_parent_s_benefits_and_applications_are_listed(
    client: TestClient, headers: dict[str, str], person: Person, born: Born, bundle: Bundle
) -> None:
    mother = person("1992-04-01", "F")
    child = born(mother=mother)
    bundle(child, mother)

    benefits = client.get(f"/api/welfare/persons/{mother}/benefits", headers=headers)
    applications = client.get(f"/api/welfare/persons/{child}/applications", headers=headers)

    assert benefits.status_code == 200, benefits.text
    assert [b["kind"] for b in benefits.json()] == [
        "parent_allowance",
        "child_allowance",
        "first_meeting_voucher",
        "parent_allowance",  # the second band, from 12 months
    ]
    assert applications.status_code == 200, applications.text
    decided = {a["kind"]: a["decision"] for a in applications.json()}
    assert decided == {
        "parent_allowance": "granted",
        "child_allowance": "granted",
        "childcare_allowance": "deferred",
        "first_meeting_voucher": "granted",
    }


@pytest.mark.parametrize("what", ["benefits", "applications"])
def test_an_unknown_person_is_not_found(
    client: TestClient, headers: dict[str, str], what: str
) -> None:
    response = client.get(f"/api/welfare/persons/999999/{what}", headers=headers)
    assert_problem(response, 404, "person_unknown")


def test_an_official_grants_a_basic_pension(
    client: TestClient, headers: dict[str, str], person: Person, session: Session
) -> None:
    pensioner = person("1955-05-01")

    response = client.post("/api/welfare/benefits", json=_pension(pensioner), headers=headers)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "basic_pension"
    assert (body["beneficiary_person_id"], body["recipient_person_id"]) == (pensioner, pensioner)
    assert (body["monthly_amount"], body["status"]) == (342_510, "active")
    assert count_rows(session, "welfare_change") == 1


@pytest.mark.parametrize(
    ("born_on", "overrides", "status", "code"),
    [
        ("1970-01-01", {}, 422, "under_pension_age"),
        ("1955-01-01", {"monthly_amount": 400_000}, 422, "amount_above_standard"),
        ("1955-01-01", {"starts_on": "2023-06-01"}, 422, "no_rule_in_force"),
        ("1955-01-01", {"ends_on": "2025-12-01"}, 422, "end_before_start"),
        ("1955-01-01", {"kind": "parent_allowance"}, 422, "validation_failed"),
        ("1955-01-01", {"monthly_amount": 0}, 422, "validation_failed"),
    ],
)
def test_a_basic_pension_against_the_rules_is_refused(
    *,
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    unchanged: Unchanged,
    born_on: str,
    overrides: dict[str, Any],
    status: int,
    code: str,
) -> None:
    pensioner = person(born_on)
    check = unchanged()
    body = _pension(pensioner, **overrides)

    response = client.post("/api/welfare/benefits", json=body, headers=headers)

    assert_problem(response, status, code)
    check()


def test_a_pension_for_a_deceased_or_already_pensioned_person_is_refused(
    client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    deceased, pensioner = person("1950-01-01", status="deceased"), person("1950-01-01")
    client.post("/api/welfare/benefits", json=_pension(pensioner), headers=headers)
    check = unchanged()

    gone = client.post("/api/welfare/benefits", json=_pension(deceased), headers=headers)
    twice = client.post(
        "/api/welfare/benefits", json=_pension(pensioner, starts_on="2026-02-01"), headers=headers
    )

    assert_problem(gone, 409, "person_not_alive")
    assert_problem(twice, 409, "already_granted")
    check()


def test_an_official_stops_a_benefit_giving_the_reason(
    client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    pensioner = person("1955-05-01")
    granted = client.post("/api/welfare/benefits", json=_pension(pensioner), headers=headers)
    url = f"/api/welfare/benefits/{granted.json()['id']}/stop"

    no_reason = client.post(url, json={"stopped_on": "2026-03-01"}, headers=headers)
    assert_problem(no_reason, 422, "validation_failed")
    stopped = client.post(
        url, json={"stopped_on": "2026-03-01", "reason": "해외 이주"}, headers=headers
    )

    assert stopped.status_code == 200, stopped.text
    body = stopped.json()
    assert (body["status"], body["stopped_on"]) == ("stopped", "2026-03-01")
    assert (body["stop_reason"], body["stop_note"]) == ("official_decision", "해외 이주")
    check = unchanged()
    again = client.post(url, json={"stopped_on": "2026-03-02", "reason": "x"}, headers=headers)
    assert_problem(again, 409, "benefit_not_active")
    check()


def test_a_stop_of_an_unknown_benefit_or_after_its_end_is_refused(
    client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    pensioner = person("1955-05-01")
    granted = client.post(
        "/api/welfare/benefits", json=_pension(pensioner, ends_on="2026-06-01"), headers=headers
    )
    check = unchanged()
    body = {"stopped_on": "2026-06-01", "reason": "기간 만료"}

    late = client.post(
        f"/api/welfare/benefits/{granted.json()['id']}/stop", json=body, headers=headers
    )
    unknown = client.post("/api/welfare/benefits/999999/stop", json=body, headers=headers)

    assert_problem(late, 422, "stop_after_end")
    assert_problem(unknown, 404, "benefit_unknown")
    check()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/api/welfare/persons/{2**63}/benefits", None),
        (
            "POST",
            f"/api/welfare/benefits/{2**63}/stop",
            {"stopped_on": "2026-03-01", "reason": "x"},
        ),
        ("POST", "/api/welfare/benefits", _pension(2**63)),
        ("POST", "/api/welfare/benefits", _pension(1, starts_on="9999-12-31")),
    ],
)
def test_numbers_and_dates_at_the_edges_are_refused_not_failed(
    client: TestClient, headers: dict[str, str], method: str, path: str, body: Any
) -> None:
    response = client.request(method, path, json=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
