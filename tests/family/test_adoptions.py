"""Adoption keeps the birth parents; full adoption replaces them; dissolution ends an adoption."""

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


@pytest.fixture
def family(client: TestClient, headers: dict[str, str], person: Person) -> dict[str, int]:
    """A child born 2015 to a father and mother, and a married couple who may adopt."""
    ids = {
        "father": person("1985-01-01", "M"),
        "mother": person("1986-01-01", "F"),
        "child": person("2015-06-01", "F"),
        "adoptive_father": person("1975-01-01", "M"),
        "adoptive_mother": person("1976-01-01", "F"),
    }
    response = client.post(
        "/api/family/births",
        json={"child_id": ids["child"], "father_id": ids["father"], "mother_id": ids["mother"]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return ids


def adopt(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/api/family/adoptions", json=body, headers=headers)


def parent_ids(client: TestClient, headers: dict[str, str], child: int, on: str = "") -> set[int]:
    query = f"?on={on}" if on else ""
    response = client.get(f"/api/family/persons/{child}/parents{query}", headers=headers)
    assert response.status_code == 200, response.text
    return {parent["parent"]["person_id"] for parent in response.json()}


def test_an_adoption_adds_adoptive_parents_and_keeps_the_birth_parents(
    client: TestClient, headers: dict[str, str], family: dict[str, int], session: Session
) -> None:
    response = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="adoption",
        father_id=family["adoptive_father"],
        adopted_on="2020-01-10",
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["ended"] == []
    assert [(p["parent_id"], p["kind"], p["established_on"]) for p in body["parentages"]] == [
        (family["adoptive_father"], "adoption", "2020-01-10")
    ]
    assert parent_ids(client, headers, family["child"]) == {
        family["father"],
        family["mother"],
        family["adoptive_father"],
    }
    event = session.execute(
        text("SELECT event_type FROM core_outbox ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert event == "family.adopted"


def test_a_full_adoption_ends_the_birth_parentages(
    client: TestClient, headers: dict[str, str], family: dict[str, int]
) -> None:
    response = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="full_adoption",
        father_id=family["adoptive_father"],
        mother_id=family["adoptive_mother"],
        adopted_on="2020-01-10",
    )

    assert response.status_code == 201, response.text
    ended = response.json()["ended"]
    assert {link["parent_id"] for link in ended} == {family["father"], family["mother"]}
    assert {(link["ended_on"], link["end_cause"]) for link in ended} == {
        ("2020-01-10", "full_adoption")
    }
    assert parent_ids(client, headers, family["child"]) == {
        family["adoptive_father"],
        family["adoptive_mother"],
    }
    assert parent_ids(client, headers, family["child"], on="2020-01-09") == {
        family["father"],
        family["mother"],
    }


def test_a_step_father_s_full_adoption_keeps_the_mother(
    client: TestClient, headers: dict[str, str], family: dict[str, int]
) -> None:
    response = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="full_adoption",
        father_id=family["adoptive_father"],
        adopted_on="2021-01-01",
    )
    assert response.status_code == 201, response.text
    assert parent_ids(client, headers, family["child"]) == {
        family["mother"],
        family["adoptive_father"],
    }


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"father_id": 999_999}, 404, "person_unknown"),
        ({"father_id": None, "mother_id": None}, 422, "parent_missing"),
        ({"adopted_on": "2026-03-03"}, 422, "date_in_future"),
        ({"adopted_on": "2015-05-31"}, 422, "date_before_birth"),
        ({"father_id": "dead_man"}, 409, "person_not_alive"),
        ({"father_id": "young_man"}, 422, "parent_not_older"),
        ({"father_id": "adoptive_mother"}, 422, "parent_sex_mismatch"),
        ({"father_id": "father"}, 409, "parentage_exists"),
        ({"kind": "full_adoption", "child_id": "grown_up"}, 422, "full_adoption_of_adult"),
        ({"kind": "fostering"}, 422, "validation_failed"),
    ],
    ids=[
        "unknown-adopter",
        "no-adopter",
        "future",
        "before-birth",
        "deceased-adopter",
        "younger-adopter",
        "female-father",
        "already-parent",
        "adult-full-adoption",
        "bad-kind",
    ],
)
def test_an_adoption_is_refused_when_the_rules_are_not_met(
    *,
    client: TestClient,
    headers: dict[str, str],
    family: dict[str, int],
    person: Person,
    unchanged: Unchanged,
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    ids = family | {
        "dead_man": person("1970-01-01", "M", status="deceased"),
        "young_man": person("2016-01-01", "M"),
        "grown_up": person("2000-01-01", "M"),
    }
    body: dict[str, Any] = {
        "child_id": family["child"],
        "kind": "adoption",
        "father_id": family["adoptive_father"],
        "adopted_on": "2020-01-10",
    }
    body |= {
        key: ids.get(value, value) if isinstance(value, str) else value
        for key, value in change.items()
    }
    check = unchanged()
    assert_problem(adopt(client, headers, **body), status, code)
    check()


def test_a_child_cannot_be_fully_adopted_into_a_role_already_taken_by_full_adoption(
    client: TestClient,
    headers: dict[str, str],
    family: dict[str, int],
    person: Person,
    unchanged: Unchanged,
) -> None:
    first = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="full_adoption",
        father_id=family["adoptive_father"],
        adopted_on="2020-01-10",
    )
    assert first.status_code == 201, first.text
    check = unchanged()
    second = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="full_adoption",
        father_id=person("1970-01-01", "M"),
        adopted_on="2021-01-10",
    )
    assert_problem(second, 409, "father_already_registered")
    check()


def end(client: TestClient, headers: dict[str, str], parentage_id: int, on: str) -> Any:
    return client.post(
        f"/api/family/adoptions/{parentage_id}/end", json={"ended_on": on}, headers=headers
    )


def test_ending_an_adoption_removes_the_adoptive_parent_from_that_day(
    client: TestClient, headers: dict[str, str], family: dict[str, int], session: Session
) -> None:
    adopted = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="adoption",
        father_id=family["adoptive_father"],
        adopted_on="2020-01-10",
    ).json()
    link_id = adopted["parentages"][0]["id"]

    response = end(client, headers, link_id, "2024-05-01")

    assert response.status_code == 200, response.text
    assert response.json()["ended"]["end_cause"] == "dissolution"
    assert response.json()["restored"] == []
    assert family["adoptive_father"] not in parent_ids(client, headers, family["child"])
    assert family["adoptive_father"] in parent_ids(client, headers, family["child"], "2024-04-30")
    event = session.execute(
        text("SELECT event_type FROM core_outbox ORDER BY id DESC LIMIT 1")
    ).scalar_one()
    assert event == "family.adoption_ended"


def test_ending_a_full_adoption_restores_the_birth_parent_of_that_role(
    client: TestClient, headers: dict[str, str], family: dict[str, int]
) -> None:
    adopted = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="full_adoption",
        father_id=family["adoptive_father"],
        adopted_on="2020-01-10",
    ).json()

    response = end(client, headers, adopted["parentages"][0]["id"], "2023-02-01")

    assert response.status_code == 200, response.text
    [restored] = response.json()["restored"]
    assert (restored["parent_id"], restored["kind"], restored["established_on"]) == (
        family["father"],
        "birth",
        "2023-02-01",
    )
    assert parent_ids(client, headers, family["child"]) == {family["father"], family["mother"]}


@pytest.mark.parametrize(
    ("target", "on", "status", "code"),
    [
        ("unknown", "2024-01-01", 404, "adoption_unknown"),
        ("birth_link", "2024-01-01", 404, "adoption_unknown"),
        ("adoption", "2019-12-31", 422, "end_before_start"),
        ("adoption", "2026-03-03", 422, "date_in_future"),
        ("ended_adoption", "2025-01-01", 409, "adoption_ended"),
    ],
)
def test_ending_an_adoption_is_refused_when_it_cannot_end(
    *,
    client: TestClient,
    headers: dict[str, str],
    family: dict[str, int],
    person: Person,
    unchanged: Unchanged,
    target: str,
    on: str,
    status: int,
    code: str,
) -> None:
    adoption = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="adoption",
        father_id=family["adoptive_father"],
        adopted_on="2020-01-10",
    ).json()["parentages"][0]["id"]
    ended = adopt(
        client,
        headers,
        child_id=family["child"],
        kind="adoption",
        mother_id=family["adoptive_mother"],
        adopted_on="2020-01-10",
    ).json()["parentages"][0]["id"]
    assert end(client, headers, ended, "2022-01-01").status_code == 200
    births = client.get(f"/api/family/persons/{family['child']}/parents", headers=headers).json()
    birth_link = next(p["parentage_id"] for p in births if p["kind"] == "birth")
    ids = {
        "unknown": 999_999,
        "birth_link": birth_link,
        "adoption": adoption,
        "ended_adoption": ended,
    }
    check = unchanged()
    assert_problem(end(client, headers, ids[target], on), status, code)
    check()
