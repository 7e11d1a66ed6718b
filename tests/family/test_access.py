"""Every family route needs a token; reads need family:read and writes family:write."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from nara.family.routes import router
from tests.support import assert_problem

ROUTES = [
    pytest.param(method, route.path, id=f"{method} {route.path}")
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods)
]
"""Every route of the family API."""


def _url(path: str) -> str:
    for name in ("{parentage_id}", "{marriage_id}", "{person_id}"):
        path = path.replace(name, "1")
    return path


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_call_without_a_token_is_unauthorized(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, _url(path), json={})
    assert_problem(response, 401, "token_missing")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_call_without_the_scope_is_forbidden(
    client: TestClient, auth: Callable[..., dict[str, str]], method: str, path: str
) -> None:
    needed = "family:read" if method == "GET" else "family:write"
    other = "family:write" if method == "GET" else "family:read"
    response = client.request(method, _url(path), json={}, headers=auth(other, "business:*"))
    body = assert_problem(response, 403, "scope_missing")
    assert body["scope"] == needed


def test_the_agency_wildcard_grants_every_family_scope(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> None:
    response = client.get("/api/family/marriages/999999", headers=auth("family:*"))
    assert_problem(response, 404, "marriage_unknown")
