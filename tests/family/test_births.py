"""Birth parentage: a child is linked to its father and/or mother from its birth date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support import assert_problem, count_rows

Person = Callable[..., int]
Unchanged = Callable[[], Callable[[], None]]


def test_a_birth_links_the_child_to_both_parents_from_its_birth_date(
    client: TestClient, headers: dict[str, str], person: Person, session: Session
) -> None:
    father, mother = person("1960-05-01", "M"), person("1962-07-01", "F")
    child = person("1990-03-15", "F")

    response = client.post(
        "/api/family/births",
        json={"child_id": child, "father_id": father, "mother_id": mother},
        headers=headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["child_id"] == child
    links = {link["parent_role"]: link for link in body["parentages"]}
    assert links["father"]["parent_id"] == father
    assert links["mother"]["parent_id"] == mother
    for link in links.values():
        assert link["kind"] == "birth"
        assert link["established_on"] == "1990-03-15"
        assert link["ended_on"] is None
    assert count_rows(session, "family_parentage") == 2
    change = session.execute(text("SELECT entity, entity_id, action FROM family_change")).one()
    assert tuple(change) == ("person", child, "birth_registered")
    events = session.execute(text("SELECT event_type, source FROM core_outbox")).all()
    assert [tuple(e) for e in events] == [("family.birth_registered", "family")]


def test_a_birth_may_name_only_the_mother(
    client: TestClient, headers: dict[str, str], person: Person
) -> None:
    mother, child = person("1980-01-01", "F"), person("2010-01-01")
    response = client.post(
        "/api/family/births", json={"child_id": child, "mother_id": mother}, headers=headers
    )
    assert response.status_code == 201, response.text
    assert [link["parent_role"] for link in response.json()["parentages"]] == ["mother"]


def test_the_other_parent_can_be_registered_later(
    client: TestClient, headers: dict[str, str], person: Person
) -> None:
    father, mother, child = (
        person("1980-01-01", "M"),
        person("1981-01-01", "F"),
        person("2010-01-01"),
    )
    client.post(
        "/api/family/births", json={"child_id": child, "mother_id": mother}, headers=headers
    )
    response = client.post(
        "/api/family/births", json={"child_id": child, "father_id": father}, headers=headers
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "parent_missing"),
        ({"father_id": "child"}, 422, "self_parentage"),
        ({"father_id": "nobody"}, 404, "person_unknown"),
        ({"father_id": "woman"}, 422, "parent_sex_mismatch"),
        ({"mother_id": "father"}, 422, "parent_sex_mismatch"),
        ({"mother_id": "younger_woman"}, 422, "parent_not_older"),
        ({"father_id": "twin"}, 422, "parent_not_older"),
    ],
    ids=[
        "no-parent",
        "self",
        "unknown-parent",
        "female-father",
        "male-mother",
        "younger",
        "same-age",
    ],
)
def test_a_birth_is_refused_when_the_parents_do_not_fit(
    *,
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    unchanged: Unchanged,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    child = person("1990-01-01", "M")
    ids: dict[str, Any] = {
        "child": child,
        "nobody": 999_999,
        "woman": person("1960-01-01", "F"),
        "father": person("1960-01-01", "M"),
        "younger_woman": person("1995-01-01", "F"),
        "twin": person("1990-01-01", "M"),
    }
    check = unchanged()
    payload = {"child_id": child} | {role: ids[name] for role, name in body.items()}
    response = client.post("/api/family/births", json=payload, headers=headers)
    assert_problem(response, status, code)
    check()


def test_an_unknown_child_is_not_found(
    client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    check = unchanged()
    response = client.post(
        "/api/family/births",
        json={"child_id": 999_999, "father_id": person("1960-01-01")},
        headers=headers,
    )
    body = assert_problem(response, 404, "person_unknown")
    assert body["person_ids"] == [999_999]
    check()


def test_a_child_has_only_one_birth_father(
    client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    child = person("1990-01-01")
    client.post(
        "/api/family/births",
        json={"child_id": child, "father_id": person("1960-01-01", "M")},
        headers=headers,
    )
    check = unchanged()
    response = client.post(
        "/api/family/births",
        json={"child_id": child, "father_id": person("1961-01-01", "M")},
        headers=headers,
    )
    assert_problem(response, 409, "father_already_registered")
    check()


def test_the_same_link_cannot_be_registered_twice(
    client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    child, mother = person("1990-01-01"), person("1960-01-01", "F")
    client.post(
        "/api/family/births", json={"child_id": child, "mother_id": mother}, headers=headers
    )
    check = unchanged()
    response = client.post(
        "/api/family/births", json={"child_id": child, "mother_id": mother}, headers=headers
    )
    assert_problem(response, 409, "parentage_exists")
    check()


@pytest.mark.parametrize(
    "payload",
    [{"child_id": "abc"}, {"child_id": -1, "father_id": 1}, {"father_id": 1}],
    ids=["not-a-number", "negative-id", "no-child"],
)
def test_a_malformed_birth_is_refused(
    client: TestClient, headers: dict[str, str], unchanged: Unchanged, payload: dict[str, Any]
) -> None:
    check = unchanged()
    assert_problem(
        client.post("/api/family/births", json=payload, headers=headers), 422, "validation_failed"
    )
    check()
