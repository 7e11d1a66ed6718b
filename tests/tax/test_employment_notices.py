"""Notices of employment: the business register's hires and leavings reach the tax office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.identifiers import brn_check_digit
from nara.core.outbox import OutboxEvent
from nara.exchange.pubsub import Event
from nara.tax.exchange import CONSUMERS, SUBSCRIPTIONS, employment_notices
from tests.support import assert_problem, count_rows
from tests.tax.conftest import GANGNAM


@pytest.fixture
def business_headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth("business:read", "business:write")


def _post(client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    response = client.post(f"/api/business/{path}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture
def employment(
    client: TestClient, business_headers: dict[str, str], person: Callable[..., int]
) -> Callable[[int], dict[str, Any]]:
    """`employment(person_id)` → a hire at a new business (its JSON), announced by an event."""

    def make(person_id: int) -> dict[str, Any]:
        first9 = "123401234"
        business = _post(
            client,
            business_headers,
            "businesses",
            {
                "brn": first9 + str(brn_check_digit(first9)),
                "name": "나라상회",
                "kind": "individual",
                "representative_person_id": person("1970-01-01"),
                "industry_code": "47190",
                "opened_on": "2015-01-01",
                "address": GANGNAM,
            },
        )
        job = {
            "person_id": person_id,
            "job_title": "점원",
            "started_on": "2025-04-01",
            "monthly_wage_won": 2_500_000,
        }
        result: dict[str, Any] = _post(
            client, business_headers, f"businesses/{business['id']}/employments", job
        )
        return result

    return make


def _event(session: Session, event_type: str) -> Event:
    row = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == event_type).order_by(OutboxEvent.id)
    ).first()
    assert row is not None, event_type
    return Event.of(row)


def test_the_consumer_is_declared_for_hires_and_leavings() -> None:
    assert SUBSCRIPTIONS == {
        "employment.started": "tax.employment-notices",
        "employment.ended": "tax.employment-notices",
    }
    assert CONSUMERS["tax.employment-notices"] is employment_notices


def test_a_hire_and_a_leaving_are_noted_for_the_person(
    *,
    client: TestClient,
    headers: dict[str, str],
    business_headers: dict[str, str],
    session: Session,
    clock: FixedClock,
    taxpayer: Callable[..., int],
    employment: Callable[[int], dict[str, Any]],
) -> None:
    worker = taxpayer()
    job = employment(worker)
    _post(
        client,
        business_headers,
        f"employments/{job['id']}/leave",
        {"ended_on": "2026-01-31", "end_reason": "resignation"},
    )

    employment_notices(session, _event(session, "employment.started"), clock)
    employment_notices(session, _event(session, "employment.ended"), clock)
    session.flush()

    response = client.get(f"/api/tax/taxpayers/{worker}/employment-notices", headers=headers)
    assert response.status_code == 200, response.text
    notices = response.json()
    assert [(n["kind"], n["on"]) for n in notices] == [
        ("hired", "2025-04-01"),
        ("left", "2026-01-31"),
    ]
    assert {(n["employment_id"], n["business_id"]) for n in notices} == {
        (job["id"], job["business_id"])
    }
    assert count_rows(session, "tax_change") == 3  # the taxpayer, then two notices


def test_an_event_delivered_twice_is_noted_once(
    *,
    session: Session,
    clock: FixedClock,
    taxpayer: Callable[..., int],
    employment: Callable[[int], dict[str, Any]],
) -> None:
    employment(taxpayer())
    hired = _event(session, "employment.started")

    employment_notices(session, hired, clock)
    employment_notices(session, hired, clock)
    session.flush()

    assert count_rows(session, "tax_employment_notice") == 1
    outbox = session.scalars(
        select(OutboxEvent.id).where(OutboxEvent.event_type == "tax.employment_noticed")
    ).all()
    assert len(outbox) == 1


def test_a_person_employed_before_tax_knows_his_address_still_gets_his_notices(
    *,
    client: TestClient,
    headers: dict[str, str],
    session: Session,
    clock: FixedClock,
    person: Callable[..., int],
    employment: Callable[[int], dict[str, Any]],
) -> None:
    young = person("2008-06-01")
    employment(young)

    employment_notices(session, _event(session, "employment.started"), clock)
    session.flush()

    response = client.get(f"/api/tax/taxpayers/{young}/employment-notices", headers=headers)
    assert [n["kind"] for n in response.json()] == ["hired"]
    assert_problem(
        client.get(f"/api/tax/taxpayers/{young}", headers=headers), 404, "taxpayer_unknown"
    )


def test_other_events_are_left_alone(
    *,
    client: TestClient,
    business_headers: dict[str, str],
    session: Session,
    clock: FixedClock,
    taxpayer: Callable[..., int],
    employment: Callable[[int], dict[str, Any]],
) -> None:
    job = employment(taxpayer())
    _post(
        client,
        business_headers,
        f"employments/{job['id']}/wages",
        {"monthly_wage_won": 2_700_000, "effective_from": "2025-10-01"},
    )
    before = count_rows(session, "tax_change")

    employment_notices(session, _event(session, "employment.wage_changed"), clock)
    employment_notices(session, _event(session, "business.registered"), clock)
    session.flush()

    assert count_rows(session, "tax_employment_notice") == 0
    assert count_rows(session, "tax_change") == before
