"""Fixtures of the portal's page tests: residents with citizen accounts, a signed-in browser."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.identity import credentials
from tests.factories import make_person, regional_rrn
from tests.support import grant

PASSWORD = "correct horse battery"
BIRTH = dt.date(1990, 4, 5)
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters, so the suite does not spend seconds hashing."""
    monkeypatch.setattr(credentials, "HASHER", FAST)
    monkeypatch.setattr(credentials, "_DUMMY_HASH", [])


@pytest.fixture
def web(app: FastAPI, session: Session, clock: FixedClock) -> Iterator[TestClient]:
    """A browser on the portal; the single window may check identities at account opening."""
    grant(session, clock, "gov24", "residents/identity-check")
    session.commit()
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


@pytest.fixture
def open_account(
    web: TestClient, session: Session, cipher: PiiCipher
) -> Callable[..., tuple[int, str]]:
    """`open_account("박지민")` → (person id, RRN): a resident who opened an account."""

    def make(name_ko: str = "박지민", sex: str = "F") -> tuple[int, str]:
        rrn = regional_rrn(BIRTH, sex)
        person = make_person(
            session, cipher, name_ko=name_ko, name_en="Test", birth=BIRTH, sex=sex, rrn=rrn
        )
        session.commit()
        response = web.post(
            "/signup",
            data={
                "rrn": rrn,
                "name_ko": name_ko,
                "birth_date": BIRTH.isoformat(),
                "password": PASSWORD,
            },
        )
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/signin?registered=1"
        return person.id, rrn

    return make


def signin(web: TestClient, login: str, password: str = PASSWORD) -> httpx.Response:
    return web.post("/signin", data={"login": login, "password": password})


def csrf_of(web: TestClient, path: str = "/account") -> str:
    page = web.get(path)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found, "the page must carry the session's CSRF token"
    return found.group(1)
