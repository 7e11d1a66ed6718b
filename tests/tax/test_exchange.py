"""What the tax office offers other agencies, and the events it announces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import Invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.tax.exchange import EVENTS, SERVICES
from tests.factories import deceased_with_heir
from tests.support import call_json, call_wire, grant
from tests.tax.conftest import GANGNAM, HAEUNDAE

Taxpayer = Callable[..., int]


def _context(
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    client: str,
    purpose: str,
    *,
    heir: int | None = None,
) -> CallContext:
    return CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=client,
        purpose=purpose,
        represented_party="" if heir is None else f"PERSON/{heir}",
    )


def test_taxpayers_addresses_are_offered_by_person_for_consistency_checks(
    *,
    app: FastAPI,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    taxpayer: Taxpayer,
    person: Callable[..., int],
) -> None:
    seoul, busan = taxpayer(since="2019-03-01"), taxpayer(since="2022-08-16", address=HAEUNDAE)
    grant(session, clock, "residents", "tax/taxpayer-addresses")
    ctx = _context(session, clock, cipher, "residents", "register-consistency")

    answer = call_json(
        app.state.exchange, "tax/taxpayer-addresses", ctx, person_ids=[seoul, busan, person()]
    )

    assert answer == {  # JSON object keys are text; persons tax does not know are absent
        str(seoul): {"person_id": seoul, **GANGNAM, "address_since": "2019-03-01"},
        str(busan): {"person_id": busan, **HAEUNDAE, "address_since": "2022-08-16"},
    }
    assert call_json(app.state.exchange, "tax/taxpayer-addresses", ctx, person_ids=[]) == {}


def test_an_heir_is_shown_the_deceased_s_taxes_owed_and_refundable(
    *,
    app: FastAPI,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    taxpayer: Taxpayer,
) -> None:
    deceased = taxpayer()
    for body in (
        {
            "tax_kind": "local",
            "item": "property_tax",
            "tax_year": 2025,
            "amount_owed": 412_000,
            "due_on": "2025-09-30",
        },
        {
            "tax_kind": "national",
            "item": "income_tax",
            "tax_year": 2024,
            "amount_refundable": 230_000,
        },
        {"tax_kind": "local", "item": "vehicle_tax", "tax_year": 2025, "amount_owed": 150_000},
    ):
        response = client.post(
            f"/api/tax/taxpayers/{deceased}/balances", json=body, headers=headers
        )
        assert response.status_code == 201, response.text
    paid = response.json()["id"]
    settled = client.post(
        f"/api/tax/balances/{paid}/settlement", json={"settled_on": "2026-01-10"}, headers=headers
    )
    assert settled.status_code == 200, settled.text
    grant(session, clock, "gov24", "tax/balances-of-person")
    _, heir = deceased_with_heir(session, cipher, deceased=deceased)
    ctx = _context(session, clock, cipher, "gov24", "inheritance-lookup", heir=heir)

    answer = call_json(app.state.exchange, "tax/balances-of-person", ctx, person_id=deceased)

    assert answer == {
        "person_id": deceased,
        "as_of": "2026-03-02",
        "owed_total": 412_000,
        "refundable_total": 230_000,
        "balances": [
            {
                "item": "income_tax",
                "tax_kind": "national",
                "tax_year": 2024,
                "amount_owed": 0,
                "amount_refundable": 230_000,
                "due_on": None,
            },
            {
                "item": "property_tax",
                "tax_kind": "local",
                "tax_year": 2025,
                "amount_owed": 412_000,
                "amount_refundable": 0,
                "due_on": "2025-09-30",
            },
        ],
    }
    earlier = call_json(
        app.state.exchange, "tax/balances-of-person", ctx, person_id=deceased, on="2026-01-09"
    )
    assert (earlier["as_of"], earlier["owed_total"]) == ("2026-01-09", 562_000)


def test_a_person_tax_does_not_know_owes_nothing(
    *,
    app: FastAPI,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    person: Callable[..., int],
) -> None:
    someone = person()
    grant(session, clock, "gov24", "tax/balances-of-person")
    _, heir = deceased_with_heir(session, cipher, deceased=someone)
    ctx = _context(session, clock, cipher, "gov24", "inheritance-lookup", heir=heir)

    answer = call_json(app.state.exchange, "tax/balances-of-person", ctx, person_id=someone)

    assert answer == {
        "person_id": someone,
        "as_of": "2026-03-02",
        "owed_total": 0,
        "refundable_total": 0,
        "balances": [],
    }
    with pytest.raises(Invalid) as refused:
        call_wire(
            app.state.exchange, "tax/balances-of-person", ctx, person_id=someone, on="2026-02-30"
        )
    assert refused.value.code == "params_invalid"
    assert refused.value.message.en.endswith(": on.")


def test_every_personal_service_names_its_purposes_and_shows_every_key_it_answers() -> None:
    views = {s.id: {p.code: p.fields for p in s.purposes} for s in SERVICES}
    assert views["tax/taxpayer-address"]["address-follows-move"] == {
        "person_id",
        "taxpayer_id",
        "changed",
        "repeated",
    }
    assert "balances" in views["tax/balances-of-person"]["inheritance-lookup"]
    for declared in SERVICES:
        assert declared.personal
        for purpose in declared.purposes:
            assert purpose.lawful_basis == "public_task"
            assert purpose.legal_reference.startswith(("전자정부법", "국세기본법"))


def test_every_event_the_office_publishes_is_declared(
    *,
    app: FastAPI,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    taxpayer: Taxpayer,
) -> None:
    from nara.exchange.pubsub import Event
    from nara.tax.exchange import employment_notices

    someone = taxpayer()
    grant(session, clock, "gov24", "tax/taxpayer-address")
    ctx = _context(session, clock, cipher, "gov24", "address-follows-move")
    call_json(
        app.state.exchange,
        "tax/taxpayer-address",
        ctx,
        step_key="s1",
        person_id=someone,
        address=HAEUNDAE,
        moved_on="2026-02-01",
    )
    body: dict[str, Any] = {
        "tax_kind": "national",
        "item": "vat",
        "tax_year": 2025,
        "amount_owed": 90_000,
    }
    balance = client.post(f"/api/tax/taxpayers/{someone}/balances", json=body, headers=headers)
    client.post(
        f"/api/tax/balances/{balance.json()['id']}/settlement",
        json={"settled_on": "2026-02-10"},
        headers=headers,
    )
    hired = Event(
        id=10**9,
        event_type="employment.started",
        source="employment",
        subject_type="employment",
        subject_id="5",
        payload={
            "action": "started",
            "business_id": 3,
            "person_id": someone,
            "started_on": "2026-01-05",
        },
        occurred_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    employment_notices(session, hired, clock)
    session.flush()

    published = set(
        session.scalars(text("SELECT event_type FROM core_outbox WHERE event_type LIKE 'tax.%'"))
    )
    assert published == set(EVENTS)
