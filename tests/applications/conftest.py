"""Fixtures of the applications tests: the API mounted, citizens and officials signed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.applications.notify import RecordingGateway, use_gateways
from nara.applications.routes import router
from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.identity.routes import router as identity_router
from tests.factories import make_person, regional_rrn
from tests.identity.conftest import (
    fast_hashes,
    make_official,
    signin,
    signin_official,
    signup,
)
from tests.support import grant

__all__ = ["fast_hashes", "make_official"]


@pytest.fixture
def app(app: FastAPI, session: Session, clock: FixedClock) -> FastAPI:
    app.include_router(identity_router)
    app.include_router(router)
    grant(session, clock, "gov24", "residents/identity-check")
    grant(session, clock, "gov24", "residents/person-summaries")
    session.commit()
    return app


@pytest.fixture
def gateway() -> Iterator[RecordingGateway]:
    recording = RecordingGateway()
    previous = use_gateways(recording)
    yield recording
    use_gateways(*previous)


class Browser:
    """A signed-in user's client: its cookies plus the CSRF header on every unsafe request."""

    def __init__(self, client: TestClient, headers: dict[str, str], **info: Any) -> None:
        self.client = client
        self.headers = headers
        self.info = info

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(
            url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self.client.patch(url, headers=self.headers, **kwargs)


@pytest.fixture
def clients(app: FastAPI) -> Iterator[Callable[[], TestClient]]:
    opened: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def citizen_of(
    session: Session, cipher: PiiCipher, clients: Callable[[], TestClient]
) -> Callable[..., Browser]:
    """`citizen_of("박지민", dt.date(1990, 4, 5), "F")` → a new resident, signed in."""

    def make(name_ko: str, birth: dt.date, sex: str = "F") -> Browser:
        rrn = regional_rrn(birth, sex)
        person = make_person(
            session, cipher, name_ko=name_ko, name_en="Test", birth=birth, sex=sex, rrn=rrn
        )
        session.commit()
        client = clients()
        response = signup(client, rrn, name_ko=name_ko, birth_date=birth.isoformat())
        assert response.status_code == 201, response.text
        signed = signin(client, rrn)
        assert signed.status_code == 200, signed.text
        return Browser(client, {"X-CSRF-Token": signed.json()["csrf_token"]}, person_id=person.id)

    return make


@pytest.fixture
def citizen(citizen_of: Callable[..., Browser]) -> Browser:
    return citizen_of("박지민", dt.date(1990, 4, 5), "F")


@pytest.fixture
def official_of(
    make_official: Callable[..., Any], clients: Callable[[], TestClient], clock: FixedClock
) -> Callable[..., Browser]:
    """`official_of("vehicles", "vehicles.lee", roles=("clerk",))` → signed in."""

    def make(agency: str, login: str, roles: tuple[str, ...] = ("clerk",)) -> Browser:
        _, secret = make_official(login, agency=agency, roles=roles)
        client = clients()
        signed = signin_official(client, login, secret, clock)
        assert signed.status_code == 200, signed.text
        return Browser(client, {"X-CSRF-Token": signed.json()["csrf_token"]})

    return make
