"""Employment events of the business register become social-insurance records, once each."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.exchange.pubsub import Event
from nara.welfare.exchange import CONSUMERS, INSURANCE_ENROLMENT, SUBSCRIPTIONS, insurance_enrolment
from tests.support import count_rows


def _event(event_id: int, event_type: str, **payload: object) -> Event:
    return Event(
        id=event_id,
        event_type=event_type,
        source="business",
        subject_type="employment",
        subject_id="31",
        payload={"business_id": 5, "person_id": 17, **payload},
        occurred_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )


def test_the_consumer_follows_hires_and_leavings() -> None:
    assert {INSURANCE_ENROLMENT: insurance_enrolment} == CONSUMERS
    assert SUBSCRIPTIONS == {
        "employment.started": INSURANCE_ENROLMENT,
        "employment.ended": INSURANCE_ENROLMENT,
    }


def test_a_hire_and_a_leaving_are_an_acquisition_and_a_loss(
    session: Session, clock: FixedClock
) -> None:
    insurance_enrolment(session, _event(901, "employment.started", started_on="2026-01-05"), clock)
    insurance_enrolment(session, _event(902, "employment.ended", ended_on="2026-02-28"), clock)
    session.flush()

    rows = session.execute(
        text(
            "SELECT event_id, employment_id, business_id, person_id, kind, occurred_on "
            "FROM welfare_insurance_record ORDER BY id"
        )
    ).all()
    assert [tuple(r[:5]) for r in rows] == [(901, 31, 5, 17, "acquired"), (902, 31, 5, 17, "lost")]
    assert [str(r[5]) for r in rows] == ["2026-01-05", "2026-02-28"]
    events = [e for (e,) in session.execute(text("SELECT event_type FROM core_outbox"))]
    assert events == ["welfare.insurance_recorded", "welfare.insurance_recorded"]


def test_an_event_delivered_twice_is_recorded_once(session: Session, clock: FixedClock) -> None:
    event = _event(903, "employment.started", started_on="2026-01-05")

    insurance_enrolment(session, event, clock)
    insurance_enrolment(session, event, clock)
    session.flush()

    assert count_rows(session, "welfare_insurance_record") == 1
    assert count_rows(session, "welfare_change") == 1


def test_other_events_are_ignored(session: Session, clock: FixedClock) -> None:
    insurance_enrolment(session, _event(904, "employment.wage_changed"), clock)
    assert count_rows(session, "welfare_insurance_record") == 0
