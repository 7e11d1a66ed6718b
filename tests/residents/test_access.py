"""Every residents route declares its scope, and refuses callers without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from nara.core.access import access_of
from nara.residents.routes import router
from tests.residents.conftest import ResidentsApi
from tests.support import assert_problem

ROUTES = {
    ("POST", "/api/residents/persons"): "residents:write",
    ("POST", "/api/residents/persons/lookup"): "residents:read",
    ("GET", "/api/residents/persons"): "residents:read",
    ("GET", "/api/residents/persons/{person_id}"): "residents:read",
    ("POST", "/api/residents/persons/{person_id}/status"): "residents:write",
    ("POST", "/api/residents/persons/{person_id}/moves"): "residents:write",
    ("GET", "/api/residents/persons/{person_id}/residences"): "residents:read",
    ("GET", "/api/residents/persons/{person_id}/address"): "residents:read",
    ("POST", "/api/residents/households"): "residents:write",
    ("GET", "/api/residents/households/{household_id}"): "residents:read",
    ("GET", "/api/residents/households/{household_id}/members"): "residents:read",
    ("POST", "/api/residents/households/{household_id}/members"): "residents:write",
    (
        "POST",
        "/api/residents/households/{household_id}/members/{person_id}/removal",
    ): "residents:write",
}
OTHER_SCOPE = {"residents:read": "residents:write", "residents:write": "residents:read"}


def _declared_scopes(route: APIRoute) -> list[str]:
    marks = [access_of(dependency.call) for dependency in route.dependant.dependencies]
    return [mark.removeprefix("scope:") for mark in marks if mark is not None]


def test_every_route_declares_exactly_the_scope_listed_here() -> None:
    declared = {
        (method, route.path): _declared_scopes(route)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert declared == {key: [scope] for key, scope in ROUTES.items()}


def _url(path: str) -> str:
    return path.replace("{person_id}", "1").replace("{household_id}", "1")


@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_a_call_without_a_token_is_401(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, _url(path), json={})
    assert_problem(response, 401, "token_missing")


@pytest.mark.parametrize(("method", "path"), list(ROUTES))
def test_a_token_without_the_scope_is_403(
    client: TestClient, auth: Callable[..., dict[str, str]], method: str, path: str
) -> None:
    headers = auth(OTHER_SCOPE[ROUTES[(method, path)]], "family:*")
    response = client.request(method, _url(path), json={}, headers=headers)
    body = assert_problem(response, 403, "scope_missing")
    assert body["scope"] == ROUTES[(method, path)]


def test_an_unknown_token_is_401(client: TestClient) -> None:
    response = client.get("/api/residents/persons/1", headers={"Authorization": "Bearer nara_x"})
    assert_problem(response, 401, "token_invalid")


def test_the_agency_wildcard_scope_reads_and_writes(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> None:
    api = ResidentsApi(client, auth("residents:*"))
    person: dict[str, Any] = api.register()
    assert api.get(f"/persons/{person['id']}").status_code == 200
