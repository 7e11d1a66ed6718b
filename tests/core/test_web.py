"""The web kit: problem+json for every failure, a home page that lists the registries."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.support import assert_problem


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    assert_problem(client.get("/api/nowhere"), 404, "route_not_found")


def test_home_page_lists_the_five_registries_in_korean_and_english(client: TestClient) -> None:
    korean = client.get("/?lang=ko")
    assert korean.status_code == 200
    for name in ("주민등록", "가족관계등록", "부동산등기", "자동차등록", "사업자등록"):
        assert name in korean.text
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Vehicle register" in english.text
    assert '<html lang="en">' in english.text


def test_openapi_document_is_served(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Nara"


def test_an_rrn_put_in_a_url_is_not_echoed_back(client: TestClient) -> None:
    body = assert_problem(client.get("/api/nowhere/900101-1234568"), 404, "route_not_found")
    assert "1234568" not in str(body)
    assert body["instance"] == "/api/nowhere/900101-1******"


def test_a_number_no_column_holds_is_refused_not_failed(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> None:
    response = client.get(
        "/api/residents/persons/123456789012345678901234567890", headers=auth("residents:read")
    )
    assert_problem(response, 422, "value_out_of_range")
