"""Fixtures of the simulated financial data source's tests: tokens and exchange calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from tests.factories import deceased_with_heir
from tests.support import call_json, grant

TABLES = ("finance_institution", "finance_account", "finance_change", "core_outbox")


@pytest.fixture
def headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    """A token that may read the simulated financial data source."""
    return auth("finance:read")


@pytest.fixture
def departed(session: Session, cipher: PiiCipher) -> Callable[[], int]:
    """`departed()` → a person recorded deceased, whose heir (a son) `HEIRS` names."""

    def make() -> int:
        deceased, heir = deceased_with_heir(session, cipher)
        HEIRS[deceased] = heir
        return deceased

    return make


HEIRS: dict[int, int] = {}


@pytest.fixture
def lookup(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher
) -> Callable[..., dict[str, Any]]:
    """`lookup(person_id, on="2026-01-01")` → `finance/accounts-of-person` as Safe Inheritance
    reads it (the single window, purpose `inheritance-lookup`, for the deceased's heir)."""
    grant(session, clock, "gov24", "finance/accounts-of-person")
    session.commit()

    def make(person_id: int, **params: Any) -> dict[str, Any]:
        ctx = CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client="gov24",
            purpose="inheritance-lookup",
            case="LE-00000001",
            represented_party=f"PERSON/{HEIRS[person_id]}",
        )
        answer: dict[str, Any] = call_json(
            app.state.exchange, "finance/accounts-of-person", ctx, person_id=person_id, **params
        )
        return answer

    return make
