"""Every route declares who may call it; tokens and scopes are enforced."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from nara.core.access import Caller, access_of, require
from tests.support import api_routes, assert_problem

FRAMEWORK_ROUTES = {"/docs", "/docs/oauth2-redirect", "/openapi.json", "/static"}


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_route_declares_who_may_call_it(app: FastAPI) -> None:
    undeclared = []
    seen = set()
    for route in api_routes(app.routes):
        seen.add(getattr(route, "path", ""))
        if not isinstance(route, APIRoute):
            assert getattr(route, "path", "") in FRAMEWORK_ROUTES, route
            continue
        declarations = [access_of(call) for call in _calls(route.dependant) if access_of(call)]
        if not declarations:
            undeclared.append(f"{sorted(route.methods)} {route.path}")
    assert undeclared == [], "routes without an access declaration"
    assert "/" in seen, "the walk must reach routes inside included routers"


PUBLIC_API = {
    # Verifying a certificate needs no account: anyone holding it may check it.
    "/api/documents/download",
    "/api/documents/verify",
    "/api/documents/verify/upload",
    # Opening an account and signing in come before any session.
    "/api/identity/citizens",
    "/api/identity/signin/password",
    "/api/identity/signin/totp",
    "/api/identity/signin/passkey/options",
    "/api/identity/signin/passkey",
    "/api/identity/demo/{kind}",
    # A node's certificates are published for other installs to trust it; the message log's
    # stamped head, for anyone to archive; its time-stamp authority answers anyone (RFC 3161).
    "/api/exchange/configuration",
    "/api/exchange/log/head",
    "/api/exchange/tsa",
    # The catalogue of civil services is for everyone, signed in or not.
    "/api/applications/catalogue",
    "/api/applications/catalogue/{code}",
    # The data agreements and their policy say what may be read and why (GovStack config).
    "/api/consent/config/policy/{policy_id}",
    "/api/consent/config/policy/{policy_id}/",
    "/api/consent/service/policy/{policy_id}",
    "/api/consent/service/policy/{policy_id}/",
    "/api/consent/config/data-agreement/{agreement_id}",
    "/api/consent/config/data-agreement/{agreement_id}/",
    "/api/consent/config/data-agreements",
    "/api/consent/config/data-agreements/",
}
"""The only API routes open without a token or session; each declares `public(reason)`."""


def test_api_routes_are_not_public_except_by_declaration(app: FastAPI) -> None:
    for route in api_routes(app.routes):
        if isinstance(route, APIRoute) and route.path.startswith("/api/"):
            marks = [access_of(call) or "" for call in _calls(route.dependant)]
            if route.path in PUBLIC_API:
                assert any(m.startswith("public:") for m in marks), route.path
            else:
                assert any(m.startswith("scope:") for m in marks), route.path


def _probe_app(app: FastAPI) -> FastAPI:
    router = APIRouter()

    @router.get("/api/probe")
    def probe(caller: Annotated[Caller, Depends(require("residents:read"))]) -> dict[str, str]:
        return {"caller": caller.name}

    app.include_router(router)
    return app


def test_no_token_is_401(app: FastAPI) -> None:
    client = TestClient(_probe_app(app))
    assert_problem(client.get("/api/probe"), 401, "token_missing")


def test_an_unknown_token_is_401(app: FastAPI) -> None:
    client = TestClient(_probe_app(app))
    response = client.get("/api/probe", headers={"Authorization": "Bearer nara_forged"})
    assert_problem(response, 401, "token_invalid")


def test_a_token_without_the_scope_is_403(
    app: FastAPI, auth: Callable[..., dict[str, str]]
) -> None:
    client = TestClient(_probe_app(app))
    body = assert_problem(client.get("/api/probe", headers=auth("land:read")), 403, "scope_missing")
    assert body["scope"] == "residents:read"


def test_a_token_with_the_scope_or_the_agency_wildcard_passes(
    app: FastAPI, auth: Callable[..., dict[str, str]]
) -> None:
    client = TestClient(_probe_app(app))
    assert client.get("/api/probe", headers=auth("residents:read")).status_code == 200
    assert client.get("/api/probe", headers=auth("residents:*")).status_code == 200
