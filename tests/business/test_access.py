"""Every business route needs a token; reads need business:read and writes business:write."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from nara.business.routes import router
from tests.support import assert_problem

ROUTES = [
    pytest.param(method, route.path, id=f"{method} {route.path}")
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods)
]
"""Every route of the business API."""


def _url(path: str) -> str:
    for name in ("{business_id}", "{employment_id}", "{person_id}"):
        path = path.replace(name, "1")
    return path.replace("{brn}", "2208162517")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_call_without_a_token_is_unauthorized(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, _url(path), json={})
    assert_problem(response, 401, "token_missing")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_a_call_without_the_scope_is_forbidden(
    client: TestClient, auth: Callable[..., dict[str, str]], method: str, path: str
) -> None:
    needed = "business:read" if method == "GET" else "business:write"
    other = "business:write" if method == "GET" else "business:read"
    response = client.request(method, _url(path), json={}, headers=auth(other, "family:*"))
    body = assert_problem(response, 403, "scope_missing")
    assert body["scope"] == needed


def test_a_revoked_or_unknown_token_is_unauthorized(client: TestClient) -> None:
    response = client.get(
        "/api/business/businesses/1", headers={"Authorization": "Bearer nara_not-a-token"}
    )
    assert_problem(response, 401, "token_invalid")
