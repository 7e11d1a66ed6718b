"""Fixtures of the identity tests: the API mounted, a resident to bind, accounts, a driver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.identity import credentials, service
from nara.identity.access import Principal, require_official
from nara.identity.models import Account
from nara.identity.routes import router
from nara.residents.models import Person
from tests.factories import make_person, regional_rrn
from tests.support import grant

PASSWORD = "correct horse battery"
BIRTH = dt.date(1990, 4, 5)
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters, so the suite does not spend seconds hashing."""
    monkeypatch.setattr(credentials, "HASHER", FAST)
    monkeypatch.setattr(credentials, "_DUMMY_HASH", [])


def probe_router() -> APIRouter:
    probe = APIRouter()

    @probe.post("/api/probe/decide")
    def decide(
        principal: Principal = Depends(require_official("land:applications:decide")),  # noqa: B008
    ) -> dict[str, Any]:
        return {"official": principal.account_id}

    return probe


@pytest.fixture
def app(app: FastAPI, session: Session, clock: FixedClock) -> FastAPI:
    app.include_router(router)
    app.include_router(probe_router())
    grant(session, clock, "gov24", "residents/identity-check")
    session.commit()
    return app


@pytest.fixture
def web(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def resident(session: Session, cipher: PiiCipher) -> tuple[Person, str]:
    rrn = regional_rrn(BIRTH, "F")
    person = make_person(
        session, cipher, name_ko="박지민", name_en="Park Jimin", birth=BIRTH, sex="F", rrn=rrn
    )
    session.commit()
    return person, rrn


def signup(web: TestClient, rrn: str, **overrides: Any) -> httpx.Response:
    body = {"rrn": rrn, "name_ko": "박지민", "birth_date": BIRTH.isoformat(), "password": PASSWORD}
    body.update(overrides)
    return web.post("/api/identity/citizens", json=body)


@pytest.fixture
def citizen(web: TestClient, resident: tuple[Person, str]) -> str:
    """A citizen account of the resident; returns the RRN he signs in with."""
    response = signup(web, resident[1])
    assert response.status_code == 201, response.text
    return resident[1]


def signin(web: TestClient, login: str, password: str = PASSWORD) -> httpx.Response:
    return web.post("/api/identity/signin/password", json={"login": login, "password": password})


@pytest.fixture
def make_official(
    session: Session, clock: FixedClock, cipher: PiiCipher
) -> Callable[..., tuple[Account, str]]:
    """`make_official("land.kim", roles=["clerk"])` → (account, TOTP secret)."""

    def make(login: str, *, agency: str = "land", roles: tuple[str, ...] = ("clerk",)) -> Any:
        account, uri = service.create_official(
            session,
            clock=clock,
            cipher=cipher,
            actor="test",
            agency=agency,
            login=login,
            display_name=f"Official {login}",
            roles=list(roles),
            password=PASSWORD,
        )
        session.commit()
        secret = credentials.open_totp_secret(cipher, account.totp_secret or b"")
        assert secret in uri
        return account, secret

    return make


def code_now(secret: str, clock: FixedClock, offset: int = 0) -> str:
    return credentials.totp_code(secret, credentials.current_step(clock) + offset)


def signin_official(web: TestClient, login: str, secret: str, clock: FixedClock) -> httpx.Response:
    first = signin(web, login)
    assert first.json()["status"] == "totp_required", first.text
    return web.post(
        "/api/identity/signin/totp",
        json={"pending": first.json()["pending"], "code": code_now(secret, clock)},
    )


def csrf(response: httpx.Response) -> dict[str, str]:
    return {"X-CSRF-Token": response.json()["csrf_token"]}
