"""Restrictions recorded by officials, and who may call the passport office's API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.passports.conftest import Api
from tests.support import assert_problem

Unchanged = Callable[[], Callable[[], None]]


def _restriction(person_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "kind": "travel_ban",
        "authority": "서울중앙지방검찰청",
        "from_on": "2026-02-01",
        "until_on": "2026-08-01",
        "reason": "수사 중",
    } | overrides


def test_an_official_records_and_lists_restrictions(api: Api, person: Callable[..., int]) -> None:
    someone, other = person(), person()

    recorded = api("post", "restrictions", json=_restriction(someone), status=201)
    api("post", "restrictions", json=_restriction(other, kind="passport_restriction"), status=201)

    assert recorded["kind"] == "travel_ban"
    assert recorded["recorded_by"]
    assert [r["id"] for r in api("get", f"restrictions?person_id={someone}")] == [recorded["id"]]
    assert len(api("get", "restrictions")) >= 2


def test_a_restriction_is_refused_for_an_unknown_person_or_a_backward_period(
    client: TestClient, headers: dict[str, str], person: Callable[..., int], unchanged: Unchanged
) -> None:
    check = unchanged()

    unknown = client.post(
        "/api/passports/restrictions", json=_restriction(987_654), headers=headers
    )
    assert_problem(unknown, 404, "person_unknown")
    backward = _restriction(person(), from_on="2026-02-01", until_on="2026-01-01")
    response = client.post("/api/passports/restrictions", json=backward, headers=headers)
    assert_problem(response, 422, "restriction_period")
    check()


def test_reading_does_not_allow_writing(
    client: TestClient, auth: Callable[..., dict[str, str]], person: Callable[..., int]
) -> None:
    reader = auth("passports:read")

    response = client.post(
        "/api/passports/restrictions", json=_restriction(person()), headers=reader
    )

    assert_problem(response, 403, "scope_missing")
    assert client.get("/api/passports/restrictions", headers=reader).status_code == 200
    assert client.get("/api/passports/restrictions").status_code == 401
