"""Issued passports: numbers, expiry, reissue, loss, death of the holder, the exchange."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.exchange.pubsub import Event
from nara.passports import issuance, rules
from nara.passports.exchange import CONSUMERS, EVENTS, SUBSCRIPTIONS, holder_died
from tests.passports.conftest import Api, jpeg
from tests.support import assert_problem, call_json, count_rows, grant

Make = Callable[..., dict[str, Any]]
Unchanged = Callable[[], Callable[[], None]]


@pytest.mark.parametrize(
    ("issued_on", "years", "expires_on"),
    [
        (dt.date(2026, 3, 2), 10, dt.date(2036, 3, 1)),
        (dt.date(2026, 1, 1), 5, dt.date(2030, 12, 31)),
        (dt.date(2028, 2, 29), 10, dt.date(2038, 2, 28)),
        (dt.date(2028, 2, 29), 4, dt.date(2032, 2, 28)),
    ],
)
def test_a_passport_is_valid_until_the_day_before_the_same_date(
    issued_on: dt.date, years: int, expires_on: dt.date
) -> None:
    assert rules.expiry(issued_on, years) == expires_on


def test_the_fee_in_force_is_the_latest_schedule() -> None:
    on = dt.date(2026, 3, 2)
    assert rules.fee_for(on=on, validity_years=10, age=40, pages=58) == 53_000
    assert rules.fee_for(on=on, validity_years=5, age=7, pages=26) == 30_000
    assert rules.fee_for(on=on, validity_years=5, age=8, pages=26) == 42_000


def test_a_passport_number_is_m_three_digits_a_letter_four_digits() -> None:
    for _ in range(200):
        number = issuance.new_passport_number()
        assert len(number) == 9 and number[0] == "M"
        assert number[1:4].isdigit() and number[4].isupper() and number[5:].isdigit()


def test_a_number_already_taken_is_drawn_again(
    api: Api, issued: Make, submitted: Make, session: Session, clock: FixedClock
) -> None:
    taken = issued()["number"]
    application = submitted()
    api("post", f"applications/{application['id']}/decision", json={"outcome": "approve"})
    draws: Iterator[str] = iter([taken, taken, "M999Z0001"])

    _row, passport = issuance.issue_passport(
        session=session,
        clock=clock,
        actor="test",
        application_id=application["id"],
        numbers=lambda: next(draws),
    )

    assert passport.number == "M999Z0001"


def test_a_reissue_invalidates_the_old_passport_when_the_new_one_is_issued(
    api: Api, issued: Make, session: Session
) -> None:
    old = issued()
    holder = old["person_id"]
    reissue = api("post", "applications", json={"person_id": holder, "kind": "reissue"}, status=201)
    assert reissue["replaces_passport_number"] == old["number"]
    path = f"applications/{reissue['id']}"
    api("put", f"{path}/photo", files={"photo": ("p.jpg", jpeg())})
    api("post", f"{path}/payment", json={"amount_won": reissue["fee_won"]})
    api("post", f"{path}/submit")
    api("post", f"{path}/decision", json={"outcome": "approve"})
    assert api("get", f"persons/{holder}/passports")[0]["status"] == "valid"

    new = api("post", f"{path}/issuance", status=201)

    passports = {p["number"]: p for p in api("get", f"persons/{holder}/passports")}
    assert passports[old["number"]]["status"] == "invalidated"
    assert passports[old["number"]]["invalidated_on"] == "2026-03-02"
    assert passports[new["number"]]["status"] == "valid"
    events = session.execute(
        text("SELECT event_type FROM core_outbox ORDER BY id DESC LIMIT 2")
    ).scalars()
    assert list(events) == ["passport.invalidated", "passport.issued"]


def test_the_holder_reports_his_passport_lost_once(
    api: Api, client: TestClient, headers: dict[str, str], issued: Make, unchanged: Unchanged
) -> None:
    passport = issued()
    report = {
        "person_id": passport["person_id"],
        "lost_on": "2026-03-02",
        "place": "인천국제공항",
        "circumstances": "가방 분실",
    }

    lost = api("post", f"passports/{passport['number']}/loss", json=report)

    assert lost["status"] == "lost"
    assert lost["lost_on"] == "2026-03-02"
    assert lost["invalidated_on"] == "2026-03-02"
    check = unchanged()
    again = client.post(f"/api/passports/passports/{passport['number']}/loss", json=report,
                        headers=headers)  # fmt: skip
    assert_problem(again, 409, "passport_already_lost")
    check()
    new = api("post", "applications", json={"person_id": passport["person_id"], "kind": "new"},
              status=201)  # fmt: skip
    assert new["status"] == "draft", "after a loss the holder applies for a new passport"


def test_only_the_holder_reports_a_loss_and_not_of_the_future(
    client: TestClient,
    headers: dict[str, str],
    issued: Make,
    person: Callable[..., int],
    unchanged: Unchanged,
) -> None:
    passport = issued()
    path = f"/api/passports/passports/{passport['number']}/loss"
    check = unchanged()

    other = client.post(path, json={"person_id": person()}, headers=headers)
    assert_problem(other, 404, "passport_unknown")
    future = {"person_id": passport["person_id"], "lost_on": "2026-03-03"}
    assert_problem(client.post(path, json=future, headers=headers), 422, "date_in_future")
    early = {"person_id": passport["person_id"], "lost_on": "2026-03-01"}
    unknown = client.post("/api/passports/passports/M000A0000/loss", json=early, headers=headers)
    assert_problem(unknown, 404, "passport_unknown")
    check()


def test_an_invalidated_passport_cannot_be_reported_lost(
    *,
    api: Api, client: TestClient, headers: dict[str, str], issued: Make, session: Session,
    clock: FixedClock, unchanged: Unchanged,
) -> None:  # fmt: skip
    passport = issued()
    issuance.invalidate_on_death(session, clock, "test", passport["person_id"], dt.date(2026, 3, 2))
    check = unchanged()

    response = client.post(
        f"/api/passports/passports/{passport['number']}/loss",
        json={"person_id": passport["person_id"]},
        headers=headers,
    )

    assert_problem(response, 409, "passport_not_valid")
    check()


def _death(person_id: int, event_id: int = 10_001) -> Event:
    return Event(
        id=event_id,
        event_type="resident.status_changed",
        source="residents",
        subject_type="person",
        subject_id=str(person_id),
        payload={"action": "deceased", "status": "deceased", "status_on": "2026-03-01"},
        occurred_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )


def test_a_holder_s_death_invalidates_his_passport_once(
    api: Api, issued: Make, session: Session
) -> None:
    passport = issued()
    assert SUBSCRIPTIONS == {"resident.status_changed": "passports.holder-died"}
    assert CONSUMERS["passports.holder-died"] is holder_died
    death = _death(passport["person_id"])

    holder_died(session, death)
    session.flush()
    changes = count_rows(session, "passports_change")
    holder_died(session, death)
    session.flush()

    shown = api("get", f"persons/{passport['person_id']}/passports")[0]
    assert shown["status"] == "invalidated"
    assert shown["invalidated_on"] == "2026-03-01"
    assert count_rows(session, "passports_change") == changes


def test_an_emigration_leaves_the_passport_valid(api: Api, issued: Make, session: Session) -> None:
    passport = issued()
    emigration = _death(passport["person_id"])
    emigration.payload.update(status="emigrated", action="emigrated")

    holder_died(session, emigration)

    assert api("get", f"persons/{passport['person_id']}/passports")[0]["status"] == "valid"


def test_a_person_s_passports_are_offered_through_the_exchange(
    app: FastAPI, issued: Make, session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    passport = issued()
    grant(session, clock, "business", "passports/passports-of-person")
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client="business",
        purpose="identity-document-check",
    )

    answer = call_json(
        app.state.exchange, "passports/passports-of-person", ctx, person_id=passport["person_id"]
    )

    assert answer == [
        {
            "number": passport["number"],
            "issued_on": "2026-03-02",
            "expires_on": "2036-03-01",
            "status": "valid",
        }
    ]


def test_a_passport_past_its_expiry_is_shown_expired(
    api: Api, issued: Make, clock: FixedClock
) -> None:
    passport = issued()
    clock.advance(dt.timedelta(days=3653 + 1))

    assert api("get", f"persons/{passport['person_id']}/passports")[0]["status"] == "expired"


def test_every_event_is_declared(session: Session, issued: Make) -> None:
    issued()
    published = session.execute(
        text("SELECT DISTINCT event_type FROM core_outbox WHERE event_type LIKE 'passport.%'")
    ).scalars()
    assert set(published) <= set(EVENTS)
