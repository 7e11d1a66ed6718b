"""Passkeys: registration and sign-in with a software authenticator, and what is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.identity.models import Account, Passkey
from tests.identity.authenticator import SoftAuthenticator
from tests.identity.conftest import csrf, signin, signin_official
from tests.support import assert_problem


def _register(web: TestClient, signed: httpx.Response, device: SoftAuthenticator) -> Any:
    start = web.post("/api/identity/passkeys/options", headers=csrf(signed))
    assert start.status_code == 200, start.text
    options = start.json()["options"]
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    return web.post(
        "/api/identity/passkeys",
        json={
            "pending": start.json()["pending"],
            "credential": device.create(options),
            "name": "phone",
        },
        headers=csrf(signed),
    )


def _options(client: TestClient, login: str | None = None) -> dict[str, Any]:
    response = client.post("/api/identity/signin/passkey/options", json={"login": login})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _assert(client: TestClient, start: dict[str, Any], credential: dict[str, Any]) -> Any:
    return client.post(
        "/api/identity/signin/passkey",
        json={"pending": start["pending"], "credential": credential},
    )


def test_a_citizen_registers_a_passkey_and_signs_in_with_it(
    app: FastAPI, web: TestClient, citizen: str, session: Session
) -> None:
    device = SoftAuthenticator()
    registered = _register(web, signin(web, citizen), device)
    assert registered.status_code == 201, registered.text
    assert web.get("/api/identity/passkeys").json()[0]["name"] == "phone"

    browser = TestClient(app)
    start = _options(browser)
    signed = _assert(browser, start, device.get(start["options"]))

    assert signed.status_code == 200, signed.text
    assert signed.json()["method"] == "passkey"
    assert browser.get("/api/identity/me").json()["kind"] == "citizen"
    passkey = session.scalars(select(Passkey)).one()
    session.refresh(passkey)
    assert passkey.sign_count == 1 and passkey.credential_id == device.credential_id


def test_an_official_signs_in_with_a_passkey_alone(
    app: FastAPI,
    web: TestClient,
    clock: FixedClock,
    make_official: Callable[..., tuple[Account, str]],
) -> None:
    _, secret = make_official("land.kim")
    device = SoftAuthenticator()
    assert (
        _register(web, signin_official(web, "land.kim", secret, clock), device).status_code == 201
    )

    browser = TestClient(app)
    start = _options(browser, "land.kim")
    assert start["options"]["allowCredentials"][0]["id"]
    signed = _assert(browser, start, device.get(start["options"]))
    assert signed.status_code == 200, signed.text
    assert browser.post("/api/probe/decide", headers=csrf(signed)).status_code == 200


def test_bad_assertions_are_refused(
    app: FastAPI, web: TestClient, citizen: str, session: Session
) -> None:
    device = SoftAuthenticator()
    assert _register(web, signin(web, citizen), device).status_code == 201
    browser = TestClient(app)

    start = _options(browser)
    assert_problem(
        _assert(browser, start, device.get(start["options"], tamper=True)), 401, "passkey_invalid"
    )
    start = _options(browser)
    other = _options(browser)
    assert_problem(_assert(browser, start, device.get(other["options"])), 401, "passkey_invalid")
    start = _options(browser)
    assert_problem(
        _assert(browser, start, device.get(start["options"], origin="https://evil.example")),
        401,
        "passkey_invalid",
    )
    start = _options(browser)
    stranger = SoftAuthenticator()
    assert_problem(_assert(browser, start, stranger.get(start["options"])), 401, "passkey_invalid")
    assert_problem(browser.get("/api/identity/me"), 401, "signin_required")

    good = _options(browser)
    assert _assert(browser, good, device.get(good["options"], count=5)).status_code == 200
    cloned = _options(browser)  # a counter that does not grow betrays a cloned key
    assert_problem(
        _assert(browser, cloned, device.get(cloned["options"], count=5)), 401, "passkey_invalid"
    )


def test_a_ceremony_is_used_once(app: FastAPI, web: TestClient, citizen: str) -> None:
    device = SoftAuthenticator()
    assert _register(web, signin(web, citizen), device).status_code == 201
    browser = TestClient(app)
    start = _options(browser)
    assert _assert(browser, start, device.get(start["options"])).status_code == 200
    assert_problem(_assert(browser, start, device.get(start["options"])), 401, "signin_expired")


def test_registration_refuses_a_wrong_origin_or_no_user_verification(
    web: TestClient, citizen: str
) -> None:
    signed = signin(web, citizen)
    device = SoftAuthenticator()
    for credential in (
        lambda options: device.create(options, origin="https://evil.example"),
        lambda options: device.create(options, user_verified=False),
    ):
        start = web.post("/api/identity/passkeys/options", headers=csrf(signed)).json()
        response = web.post(
            "/api/identity/passkeys",
            json={"pending": start["pending"], "credential": credential(start["options"])},
            headers=csrf(signed),
        )
        assert_problem(response, 401, "passkey_invalid")
