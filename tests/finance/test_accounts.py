"""The simulated financial data source: synthetic accounts made once per person, always the
same for the same person, read open on a day with totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.finance.models import Institution
from nara.finance.service import SIMULATED_INSTITUTIONS, synthetic_accounts
from tests.finance.conftest import TABLES
from tests.support import assert_problem, count_rows


def _institutions() -> dict[str, Institution]:
    return {
        name: Institution(id=i, name=name, kind=kind)
        for i, (name, kind) in enumerate(SIMULATED_INSTITUTIONS, start=1)
    }


def _shape(person_id: int) -> list[tuple[Any, ...]]:
    return [
        (a.seq, a.institution_id, a.kind, a.product, a.balance_won, a.opened_on, a.closed_on)
        for a in synthetic_accounts(person_id, _institutions())
    ]


def test_the_same_person_always_gets_the_same_accounts() -> None:
    assert _shape(42) == _shape(42)
    assert _shape(42) != _shape(43)


def test_every_person_has_a_bank_deposit_first() -> None:
    for person_id in range(1, 50):
        first = synthetic_accounts(person_id, _institutions())[0]
        assert (first.seq, first.kind) == (1, "deposit")


def test_every_institution_is_marked_simulated() -> None:
    assert all("(모의)" in name for name, _ in SIMULATED_INSTITUTIONS)


def test_accounts_are_made_on_the_first_lookup_only(
    lookup: Callable[..., dict[str, Any]], departed: Callable[[], int], session: Session
) -> None:
    someone = departed()
    first = lookup(someone, on="2030-01-01")
    rows = {table: count_rows(session, table) for table in TABLES}
    again = lookup(someone, on="2030-01-01")

    assert first == again
    assert first["simulated"] is True
    assert {table: count_rows(session, table) for table in TABLES} == rows
    assert count_rows(session, "finance_change") == 1
    assert rows["finance_institution"] == len(SIMULATED_INSTITUTIONS)


def test_a_lookup_shows_the_accounts_open_on_the_day_with_totals(
    lookup: Callable[..., dict[str, Any]], departed: Callable[[], int]
) -> None:
    someone = departed()
    answer = lookup(someone, on="2030-01-01")
    day = dt.date(2030, 1, 1)
    for account in answer["accounts"]:
        assert dt.date.fromisoformat(account["opened_on"]) <= day
        closed = account["closed_on"]
        assert closed is None or dt.date.fromisoformat(closed) > day
    deposits = sum(a["balance_won"] for a in answer["accounts"] if a["kind"] == "deposit")
    assert answer["deposits_total"] == deposits
    assert lookup(someone, on="2000-01-01")["accounts"] == []


def test_the_api_reads_stored_accounts_and_makes_none(
    client: TestClient,
    headers: dict[str, str],
    lookup: Callable[..., dict[str, Any]],
    departed: Callable[[], int],
    session: Session,
) -> None:
    someone = departed()
    session.commit()
    empty = client.get(f"/api/finance/persons/{someone}/accounts", headers=headers)
    assert empty.status_code == 200, empty.text
    assert empty.json()["accounts"] == []
    assert count_rows(session, "finance_account") == 0

    lookup(someone)
    read = client.get(f"/api/finance/persons/{someone}/accounts", headers=headers).json()
    assert read["simulated"] is True
    assert read["accounts"] == lookup(someone)["accounts"]


def test_the_api_needs_the_read_scope(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> None:
    refused = client.get("/api/finance/persons/8/accounts", headers=auth("business:read"))
    assert_problem(refused, 403, "scope_missing")
