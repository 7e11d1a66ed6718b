"""Fixtures of the welfare tests: tokens, persons, births in the family register, calls of the
welfare services through the exchange, and a 'nothing written' check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from tests.factories import make_person
from tests.support import call_json, call_wire, count_rows, grant

TABLES = (
    "welfare_application",
    "welfare_benefit",
    "welfare_insurance_record",
    "welfare_change",
    "core_outbox",
    "core_applied_step",
)
SINGLE_WINDOW = "gov24"
"""The caller of the write services in these tests: the single window's one-stop cases."""


@pytest.fixture
def headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    """A token that may read and write the welfare records."""
    return auth("welfare:read", "welfare:write")


@pytest.fixture
def person(session: Session, cipher: PiiCipher) -> Callable[..., int]:
    """`person(born="1990-01-01", sex="F", status="deceased")` → the id of a new resident."""

    def make(born: str = "1990-01-01", sex: str = "M", **fields: Any) -> int:
        return make_person(session, cipher, birth=dt.date.fromisoformat(born), sex=sex, **fields).id

    return make


@pytest.fixture
def born(
    client: TestClient, auth: Callable[..., dict[str, str]], person: Callable[..., int]
) -> Callable[..., int]:
    """`born("2026-02-10", mother=m, father=f)` → a new child registered with its parents."""
    family = auth("family:write")

    def make(
        on: str = "2026-02-10", *, mother: int | None = None, father: int | None = None
    ) -> int:
        child = person(on)
        body = {"child_id": child, "mother_id": mother, "father_id": father}
        response = client.post(
            "/api/family/births",
            json={k: v for k, v in body.items() if v is not None},
            headers=family,
        )
        assert response.status_code == 201, response.text
        return child

    return make


@pytest.fixture
def call(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher
) -> Callable[..., Any]:
    """`call("welfare/birth-bundle", "birth-bundle", step_key=..., ...)` → the answer, as the
    single window calls it (`heir=` names the person a Safe Inheritance lookup is for;
    `wire=True` sends the body as given, for what only the provider refuses)."""
    for service in ("welfare/birth-bundle", "welfare/stop-benefits", "welfare/benefits-of-person"):
        grant(session, clock, SINGLE_WINDOW, service)

    def make(
        service: str, purpose: str, *, heir: int | None = None, wire: bool = False, **params: Any
    ) -> Any:
        ctx = CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client=SINGLE_WINDOW,
            purpose=purpose,
            case="case-1",
            represented_party="" if heir is None else f"PERSON/{heir}",
        )
        send = call_wire if wire else call_json
        return send(app.state.exchange, service, ctx, **params)

    return make


@pytest.fixture
def bundle(call: Callable[..., Any]) -> Callable[..., dict[str, Any]]:
    """`bundle(child, applicant, step_key="birth:1:welfare")` → the birth bundle's answer."""
    keys = iter(range(1, 1_000_000))

    def make(child: int, applicant: int, **params: Any) -> dict[str, Any]:
        params.setdefault("step_key", f"birth:{next(keys)}:welfare")
        answer: dict[str, Any] = call(
            "welfare/birth-bundle",
            "birth-bundle",
            child_person_id=child,
            applicant_person_id=applicant,
            **params,
        )
        return answer

    return make


def by_kind(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The decisions of a birth bundle's answer by benefit kind."""
    return {d["kind"]: d for d in answer["decisions"]}


@pytest.fixture
def unchanged(session: Session) -> Callable[[], Callable[[], None]]:
    """`check = unchanged()` before a rejected write; `check()` asserts nothing was written."""

    def snapshot() -> Callable[[], None]:
        before = {table: count_rows(session, table) for table in TABLES}

        def check() -> None:
            assert {table: count_rows(session, table) for table in TABLES} == before

        return check

    return snapshot
