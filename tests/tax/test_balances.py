"""Balances owed and refundable: recording, settling, and reading them as of a day."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.support import assert_problem

Taxpayer = Callable[..., int]
Unchanged = Callable[[], Callable[[], None]]

INCOME_TAX = {
    "tax_kind": "national",
    "item": "income_tax",
    "tax_year": 2024,
    "amount_owed": 1_250_000,
    "due_on": "2025-05-31",
}
REFUND = {
    "tax_kind": "local",
    "item": "local_income_tax",
    "tax_year": 2025,
    "amount_refundable": 48_300,
}


def record(client: TestClient, headers: dict[str, str], person_id: int, **body: Any) -> Any:
    return client.post(f"/api/tax/taxpayers/{person_id}/balances", json=body, headers=headers)


def settle(client: TestClient, headers: dict[str, str], balance_id: int, on: str) -> Any:
    return client.post(
        f"/api/tax/balances/{balance_id}/settlement", json={"settled_on": on}, headers=headers
    )


def sheet(client: TestClient, headers: dict[str, str], person_id: int, on: str = "") -> Any:
    query = f"?on={on}" if on else ""
    response = client.get(f"/api/tax/taxpayers/{person_id}/balances{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_balance_owed_and_one_refundable_add_up_in_the_taxpayer_s_sheet(
    *, client: TestClient, headers: dict[str, str], taxpayer: Taxpayer, session: Session
) -> None:
    someone = taxpayer()

    owed = record(client, headers, someone, **INCOME_TAX)
    refund = record(client, headers, someone, **REFUND)

    assert (owed.status_code, refund.status_code) == (201, 201), (owed.text, refund.text)
    assert owed.json() | {"id": 0} == {
        "id": 0,
        "person_id": someone,
        "tax_kind": "national",
        "item": "income_tax",
        "tax_year": 2024,
        "amount_owed": 1_250_000,
        "amount_refundable": 0,
        "due_on": "2025-05-31",
        "settled_on": None,
    }
    now = sheet(client, headers, someone)
    assert (now["as_of"], now["owed_total"], now["refundable_total"]) == (
        "2026-03-02",
        1_250_000,
        48_300,
    )
    assert [b["item"] for b in now["balances"]] == ["income_tax", "local_income_tax"]
    events = session.execute(
        text("SELECT count(*) FROM core_outbox WHERE event_type = 'tax.balance_recorded'")
    ).scalar_one()
    assert events == 2


def test_a_settled_balance_is_open_before_its_settlement_and_gone_after(
    *, client: TestClient, headers: dict[str, str], taxpayer: Taxpayer
) -> None:
    someone = taxpayer()
    owed = record(client, headers, someone, **INCOME_TAX).json()

    response = settle(client, headers, owed["id"], "2026-01-15")

    assert response.status_code == 200, response.text
    assert response.json()["settled_on"] == "2026-01-15"
    assert sheet(client, headers, someone)["owed_total"] == 0
    assert sheet(client, headers, someone, on="2026-01-15")["balances"] == []
    before = sheet(client, headers, someone, on="2026-01-14")
    assert (before["owed_total"], len(before["balances"])) == (1_250_000, 1)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**INCOME_TAX, "tax_kind": "local"}, "item_kind_mismatch"),
        ({**INCOME_TAX, "amount_owed": 0}, "balance_empty"),
        ({**INCOME_TAX, "amount_refundable": 10}, "balance_both_sides"),
        ({**INCOME_TAX, "tax_year": 2027}, "tax_year_in_future"),
        ({**INCOME_TAX, "due_on": "2023-12-31"}, "due_before_tax_year"),
        ({**REFUND, "due_on": "2026-05-31"}, "refund_has_no_due_date"),
        ({**INCOME_TAX, "amount_owed": -5}, "validation_failed"),
        ({**INCOME_TAX, "item": "dog_tax"}, "validation_failed"),
    ],
)
def test_a_bad_balance_is_refused_with_its_reason_and_nothing_is_written(
    *,
    client: TestClient,
    headers: dict[str, str],
    taxpayer: Taxpayer,
    unchanged: Unchanged,
    body: dict[str, Any],
    code: str,
) -> None:
    someone = taxpayer()
    check = unchanged()

    assert_problem(record(client, headers, someone, **body), 422, code)
    check()


def test_a_balance_of_a_person_tax_does_not_know_is_refused(
    *, client: TestClient, headers: dict[str, str], person: Callable[..., int], unchanged: Unchanged
) -> None:
    check = unchanged()
    assert_problem(record(client, headers, person(), **INCOME_TAX), 404, "taxpayer_unknown")
    check()


def test_a_balance_is_settled_once_on_a_day_that_has_come(
    *, client: TestClient, headers: dict[str, str], taxpayer: Taxpayer, unchanged: Unchanged
) -> None:
    owed = record(client, headers, taxpayer(), **INCOME_TAX).json()
    check = unchanged()
    assert_problem(settle(client, headers, owed["id"], "2026-03-03"), 422, "date_in_future")
    assert_problem(
        settle(client, headers, owed["id"], "2023-12-31"), 422, "settled_before_tax_year"
    )
    assert_problem(settle(client, headers, 987_654, "2026-01-15"), 404, "balance_unknown")
    check()

    assert settle(client, headers, owed["id"], "2026-01-15").status_code == 200
    check = unchanged()
    assert_problem(settle(client, headers, owed["id"], "2026-02-01"), 409, "balance_settled")
    check()


def test_a_person_tax_does_not_know_has_no_taxpayer_record_nor_sheet(
    *, client: TestClient, headers: dict[str, str], person: Callable[..., int]
) -> None:
    stranger = person()
    for path in ("", "/balances", "/employment-notices"):
        response = client.get(f"/api/tax/taxpayers/{stranger}{path}", headers=headers)
        assert_problem(response, 404, "taxpayer_unknown")


def test_reading_needs_tax_read_and_writing_tax_write(
    *, client: TestClient, auth: Callable[..., dict[str, str]], taxpayer: Taxpayer
) -> None:
    someone = taxpayer()
    reader = auth("tax:read")
    assert client.get(f"/api/tax/taxpayers/{someone}", headers=reader).status_code == 200
    assert record(client, reader, someone, **INCOME_TAX).status_code == 403
    assert client.get(f"/api/tax/taxpayers/{someone}").status_code == 401
    outsider = auth("business:read")
    assert client.get(f"/api/tax/taxpayers/{someone}", headers=outsider).status_code == 403
