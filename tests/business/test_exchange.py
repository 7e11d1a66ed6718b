"""What the business register offers other agencies, and the events it announces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.business.exchange import EVENTS
from nara.core.clock import FixedClock
from nara.core.errors import Invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from tests.support import call_json, call_wire, grant

Person = Callable[..., int]
Register = Callable[..., dict[str, Any]]


def _post(client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    response = client.post(f"/api/business/{path}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_person_s_employments_are_offered_through_the_exchange(
    *,
    app: FastAPI,
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    business, worker = register(name="나라소프트"), person()
    job = {
        "person_id": worker,
        "job_title": "개발자",
        "started_on": "2021-01-01",
        "monthly_wage_won": 4_000_000,
    }
    employment = _post(client, headers, f"businesses/{business['id']}/employments", job)
    grant(session, clock, "tax", "business/employments-of-person")
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="tax", purpose="insurance-assessment"
    )

    answer = call_json(app.state.exchange, "business/employments-of-person", ctx, person_id=worker)

    assert answer == [
        {
            "employment_id": employment["id"],
            "business_id": business["id"],
            "brn": business["brn"],
            "business_name": "나라소프트",
            "job_title": "개발자",
            "started_on": "2021-01-01",
            "ended_on": None,
            "monthly_wage_won": 4_000_000,
        }
    ]
    before = call_json(
        app.state.exchange, "business/employments-of-person", ctx, person_id=worker, on="2020-12-31"
    )
    assert before == []


def test_a_business_s_status_is_offered_through_the_exchange(
    *,
    app: FastAPI,
    register: Register,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    business = register(opened_on="2015-01-01")
    grant(session, clock, "tax", "business/status")
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="tax", purpose="status-check"
    )
    status = call_json(app.state.exchange, "business/status", ctx, brn=business["brn_formatted"])
    assert (status["brn"], status["status"], status["opened_on"]) == (
        business["brn"],
        "active",
        "2015-01-01",
    )
    assert call_json(app.state.exchange, "business/status", ctx, brn="2208162517") is None
    assert call_json(app.state.exchange, "business/status", ctx, brn="not a number") is None


def test_businesses_are_summarised_by_register_id_through_the_exchange(
    *,
    app: FastAPI,
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    shop, closed = register(name="나라상회"), register(name="가람식당")
    _post(client, headers, f"businesses/{closed['id']}/close", {"closed_on": "2025-06-30"})
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="land", purpose="register-check"
    )

    answer = call_json(
        app.state.exchange,
        "business/summaries",
        ctx,
        business_ids=[shop["id"], closed["id"], 987_654],
    )

    assert answer == {  # JSON object keys are text
        str(shop["id"]): {
            "business_id": shop["id"],
            "brn": shop["brn"],
            "name": "나라상회",
            "kind": "individual",
            "status": "active",
            "closed_on": None,
        },
        str(closed["id"]): {
            "business_id": closed["id"],
            "brn": closed["brn"],
            "name": "가람식당",
            "kind": "individual",
            "status": "closed",
            "closed_on": "2025-06-30",
        },
    }
    assert call_json(app.state.exchange, "business/summaries", ctx, business_ids=[]) == {}
    [service] = [s for s in app.state.exchange.services if s.id == "business/summaries"]
    assert not service.personal


def test_every_event_the_register_publishes_is_declared(
    client: TestClient,
    headers: dict[str, str],
    register: Register,
    person: Person,
    session: Session,
) -> None:
    business = register()["id"]
    job = {
        "person_id": person(),
        "job_title": "직원",
        "started_on": "2020-01-01",
        "monthly_wage_won": 2_000_000,
    }
    employment = _post(client, headers, f"businesses/{business}/employments", job)["id"]
    _post(
        client,
        headers,
        f"employments/{employment}/wages",
        {"monthly_wage_won": 2_100_000, "effective_from": "2021-01-01"},
    )
    _post(
        client,
        headers,
        f"employments/{employment}/leave",
        {"ended_on": "2022-01-01", "end_reason": "resignation"},
    )
    _post(client, headers, f"businesses/{business}/suspend", {"suspended_on": "2022-02-01"})
    _post(client, headers, f"businesses/{business}/resume", {"resumed_on": "2022-03-01"})
    _post(client, headers, f"businesses/{business}/close", {"closed_on": "2022-04-01"})

    published = set(
        session.scalars(
            text("SELECT event_type FROM core_outbox WHERE source IN ('business', 'employment')")
        )
    )
    assert published == set(EVENTS)
    assert session.execute(text("SELECT count(*) FROM business_change")).scalar_one() == 7


def test_a_malformed_date_in_a_call_is_the_callers_error(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    grant(session, clock, "tax", "business/employments-of-person")
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="tax", purpose="insurance-assessment"
    )
    with pytest.raises(Invalid) as refused:
        call_wire(
            app.state.exchange, "business/employments-of-person", ctx, person_id=1, on="2026-13-01"
        )
    assert (refused.value.code, refused.value.status) == ("params_invalid", 422)
    assert refused.value.message.en.endswith(": on.")
