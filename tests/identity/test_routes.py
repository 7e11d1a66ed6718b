"""Every identity route declares who may call it."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from nara.core.access import access_of
from tests.support import api_routes

OPEN = {
    "/api/identity/citizens",
    "/api/identity/signin/password",
    "/api/identity/signin/totp",
    "/api/identity/signin/passkey/options",
    "/api/identity/signin/passkey",
    "/api/identity/demo/{kind}",
}


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_identity_route_declares_its_access(app: FastAPI) -> None:
    seen = set()
    for route in api_routes(app.routes):
        if not (isinstance(route, APIRoute) and route.path.startswith("/api/identity")):
            continue
        seen.add(route.path)
        marks = [m for m in (access_of(c) for c in _calls(route.dependant)) if m]
        assert marks, route.path
        if route.path in OPEN:
            assert all(m.startswith("public:") for m in marks), route.path
        else:
            assert any(m.startswith("scope:") for m in marks), route.path
    assert seen >= OPEN
