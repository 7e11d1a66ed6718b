"""Citizens with accounts, signed in through the identity API, holding issued documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from nara.identity.models import Account
from tests.factories import make_person, regional_rrn

PASSWORD = "correct horse battery"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
Auth = Callable[..., dict[str, str]]


@dataclass
class Citizen:
    """A resident with a citizen account, signed in on his own browser (`web`)."""

    person_id: int
    account_id: int
    web: TestClient
    csrf: dict[str, str]

    @property
    def requester(self) -> str:
        return f"citizen:{self.account_id}"


def open_citizen(
    app: FastAPI, session: Session, cipher: PiiCipher, name_ko: str, birth: dt.date
) -> Citizen:
    """A resident who opened an account and signed in (the single window must hold the
    right on `residents/identity-check`)."""
    rrn = regional_rrn(birth, "F")
    person = make_person(
        session, cipher, name_ko=name_ko, name_en="Test", birth=birth, sex="F", rrn=rrn
    )
    session.commit()
    web = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    opened = web.post(
        "/api/identity/citizens",
        json={
            "rrn": rrn,
            "name_ko": name_ko,
            "birth_date": birth.isoformat(),
            "password": PASSWORD,
        },
    )
    assert opened.status_code == 201, opened.text
    signed = web.post("/api/identity/signin/password", json={"login": rrn, "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    account_id = session.scalar(select(Account.id).where(Account.person_id == person.id))
    assert account_id is not None
    return Citizen(person.id, account_id, web, {"X-CSRF-Token": signed.json()["csrf_token"]})


def issue(
    client: TestClient, auth: Auth, person_id: int, requester: str, kind: str = "family-relation"
) -> dict[str, Any]:
    """A certificate about `person_id` issued at `requester`'s request (as the portal does)."""
    response = client.post(
        "/api/documents/issue",
        json={"kind": kind, "person_id": person_id, "requester": requester},
        headers=auth("documents:issue"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
