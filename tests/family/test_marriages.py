"""Marriage between two living adults free to marry each other; divorce ends it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support import assert_problem

Person = Callable[..., int]
Unchanged = Callable[[], Callable[[], None]]


def marry(client: TestClient, headers: dict[str, str], a: int, b: int, on: str) -> Any:
    return client.post(
        "/api/family/marriages",
        json={"spouse_a_id": a, "spouse_b_id": b, "married_on": on},
        headers=headers,
    )


def divorce(client: TestClient, headers: dict[str, str], marriage_id: int, on: str) -> Any:
    return client.post(
        f"/api/family/marriages/{marriage_id}/divorce", json={"divorced_on": on}, headers=headers
    )


def test_a_marriage_is_registered(
    client: TestClient, headers: dict[str, str], person: Person, session: Session
) -> None:
    a, b = person("1990-01-01", "M"), person("1991-02-02", "F")

    response = marry(client, headers, a, b, "2020-05-05")

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["spouse_a_id"], body["spouse_b_id"], body["married_on"]) == (a, b, "2020-05-05")
    assert body["ended_on"] is None
    assert client.get(f"/api/family/marriages/{body['id']}", headers=headers).json() == body
    change = session.execute(text("SELECT entity, entity_id, action FROM family_change")).one()
    assert tuple(change) == ("marriage", body["id"], "married")
    event = session.execute(text("SELECT event_type FROM core_outbox")).scalar_one()
    assert event == "family.married"


def test_a_person_may_marry_on_their_eighteenth_birthday(
    client: TestClient, headers: dict[str, str], person: Person
) -> None:
    a, b = person("2000-01-01", "M"), person("2008-03-01", "F")
    assert marry(client, headers, a, b, "2026-03-01").status_code == 201


def test_a_divorced_person_may_marry_again_from_the_divorce_day(
    client: TestClient, headers: dict[str, str], person: Person
) -> None:
    a, b, c = person("1980-01-01", "M"), person("1981-01-01", "F"), person("1982-01-01", "F")
    first = marry(client, headers, a, b, "2005-01-01").json()
    assert divorce(client, headers, first["id"], "2012-06-30").status_code == 200
    assert marry(client, headers, a, c, "2012-06-30").status_code == 201


@pytest.mark.parametrize(
    ("a", "b", "on", "status", "code"),
    [
        ("man", "man", "2020-01-01", 422, "self_marriage"),
        ("man", "nobody", "2020-01-01", 404, "person_unknown"),
        ("man", "dead_woman", "2020-01-01", 409, "person_not_alive"),
        ("man", "girl", "2026-02-28", 422, "under_marriage_age"),
        ("man", "woman", "2026-03-03", 422, "date_in_future"),
        ("husband", "woman", "2020-01-01", 409, "already_married"),
        ("woman", "wife", "2020-01-01", 409, "already_married"),
        ("divorced", "woman", "2009-01-01", 409, "already_married"),
        ("man", "daughter", "2020-01-01", 409, "parent_child_marriage"),
        ("adopted_son", "woman", "2020-01-01", 409, "parent_child_marriage"),
    ],
    ids=[
        "self",
        "unknown",
        "deceased",
        "under-18",
        "future",
        "husband-married",
        "wife-married",
        "overlaps-earlier-marriage",
        "father-daughter",
        "adoptive-mother-son",
    ],
)
def test_a_marriage_is_refused_when_the_persons_may_not_marry(
    *,
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    unchanged: Unchanged,
    a: str,
    b: str,
    on: str,
    status: int,
    code: str,
) -> None:
    ids = {
        "man": person("1960-01-01", "M"),
        "woman": person("1962-01-01", "F"),
        "nobody": 999_999,
        "dead_woman": person("1970-01-01", "F", status="deceased"),
        "girl": person("2008-03-01", "F"),
        "husband": person("1970-01-01", "M"),
        "wife": person("1970-01-01", "F"),
        "divorced": person("1975-01-01", "M"),
        "daughter": person("1990-01-01", "F"),
        "adopted_son": person("1995-01-01", "M"),
    }
    assert marry(client, headers, ids["husband"], ids["wife"], "2000-01-01").status_code == 201
    earlier = marry(client, headers, ids["divorced"], person("1976-01-01", "F"), "2005-01-01")
    assert divorce(client, headers, earlier.json()["id"], "2010-01-01").status_code == 200
    birth = {"child_id": ids["daughter"], "father_id": ids["man"]}
    assert client.post("/api/family/births", json=birth, headers=headers).status_code == 201
    adoption = {
        "child_id": ids["adopted_son"],
        "kind": "adoption",
        "mother_id": ids["woman"],
        "adopted_on": "2000-01-01",
    }
    assert client.post("/api/family/adoptions", json=adoption, headers=headers).status_code == 201
    check = unchanged()
    assert_problem(marry(client, headers, ids[a], ids[b], on), status, code)
    check()


def test_a_divorce_ends_the_marriage(
    client: TestClient, headers: dict[str, str], person: Person, session: Session
) -> None:
    marriage = marry(client, headers, person("1990-01-01"), person("1990-01-01", "F"), "2015-01-01")

    response = divorce(client, headers, marriage.json()["id"], "2025-12-31")

    assert response.status_code == 200, response.text
    assert (response.json()["ended_on"], response.json()["end_cause"]) == ("2025-12-31", "divorce")
    event = session.execute(
        text("SELECT event_type FROM core_outbox ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert event == "family.divorced"


@pytest.mark.parametrize(
    ("target", "on", "status", "code"),
    [
        ("unknown", "2020-01-01", 404, "marriage_unknown"),
        ("ended", "2021-01-01", 409, "marriage_ended"),
        ("current", "2014-12-31", 422, "divorce_before_marriage"),
        ("current", "2026-03-03", 422, "date_in_future"),
    ],
)
def test_a_divorce_is_refused_when_the_marriage_cannot_end(
    *,
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    unchanged: Unchanged,
    target: str,
    on: str,
    status: int,
    code: str,
) -> None:
    current = marry(client, headers, person("1990-01-01"), person("1990-01-01", "F"), "2015-01-01")
    ended = marry(client, headers, person("1980-01-01"), person("1980-01-01", "F"), "2005-01-01")
    assert divorce(client, headers, ended.json()["id"], "2010-01-01").status_code == 200
    ids = {"unknown": 999_999, "current": current.json()["id"], "ended": ended.json()["id"]}
    check = unchanged()
    assert_problem(divorce(client, headers, ids[target], on), status, code)
    check()
    if target == "ended":
        kept = client.get(f"/api/family/marriages/{ids['ended']}", headers=headers).json()
        assert kept["ended_on"] == "2010-01-01"


def test_an_unknown_marriage_is_not_found(client: TestClient, headers: dict[str, str]) -> None:
    assert_problem(
        client.get("/api/family/marriages/999999", headers=headers), 404, "marriage_unknown"
    )


def test_a_malformed_marriage_is_refused(
    client: TestClient, headers: dict[str, str], unchanged: Unchanged
) -> None:
    check = unchanged()
    response = client.post(
        "/api/family/marriages",
        json={"spouse_a_id": 1, "spouse_b_id": 2, "married_on": "yesterday"},
        headers=headers,
    )
    assert_problem(response, 422, "validation_failed")
    check()
