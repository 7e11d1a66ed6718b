"""A death stops the deceased's benefits from the next day; Safe Inheritance reads the
pensions and benefits a deceased person received."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.errors import Invalid
from nara.core.pii import PiiCipher
from tests.factories import deceased_with_heir
from tests.welfare.conftest import by_kind

Person = Callable[..., int]
Born = Callable[..., int]
Bundle = Callable[..., dict[str, Any]]
Call = Callable[..., Any]
Unchanged = Callable[[], Callable[[], None]]


def _stop(call: Call, person_id: int, died_on: str, step_key: str = "death:1:welfare") -> Any:
    return call(
        "welfare/stop-benefits",
        "death-report",
        step_key=step_key,
        person_id=person_id,
        died_on=died_on,
    )


def _statuses(session: Session) -> list[tuple[Any, ...]]:
    rows = session.execute(
        text("SELECT kind, status, stopped_on, stop_reason FROM welfare_benefit ORDER BY id")
    )
    return [tuple(row) for row in rows]


def test_a_child_s_death_stops_its_monthly_allowances_from_the_next_day(
    person: Person, born: Born, bundle: Bundle, call: Call, session: Session
) -> None:
    mother = person("1992-04-01", "F")
    child = born(mother=mother)
    bundle(child, mother)

    answer = _stop(call, child, "2026-02-27")

    assert answer["person_id"] == child
    assert answer["repeated"] is False
    assert [(s["kind"], s["stop_reason"]) for s in answer["stopped"]] == [
        ("parent_allowance", "beneficiary_deceased"),
        ("parent_allowance", "beneficiary_deceased"),
        ("child_allowance", "beneficiary_deceased"),
    ]
    assert {s["stopped_on"] for s in answer["stopped"]} == {"2026-02-28"}
    statuses = [(kind, status) for kind, status, *_ in _statuses(session)]
    assert statuses[-1] == ("first_meeting_voucher", "active")  # a lump sum is paid once
    events = [e for (e,) in session.execute(text("SELECT event_type FROM core_outbox"))]
    assert events.count("welfare.benefit_stopped") == 3


def test_the_recipient_s_death_lets_the_other_parent_apply(
    person: Person, born: Born, bundle: Bundle, call: Call
) -> None:
    mother, father = person("1992-04-01", "F"), person("1990-06-01", "M")
    child = born(mother=mother, father=father)
    bundle(child, mother)

    answer = _stop(call, mother, "2026-03-01")

    assert {s["stop_reason"] for s in answer["stopped"]} == {"recipient_deceased"}
    decisions = by_kind(bundle(child, father, benefits=["parent_allowance", "child_allowance"]))
    assert decisions["parent_allowance"]["decision"] == "granted"
    assert decisions["parent_allowance"]["starts_on"] == "2026-02-10"
    assert decisions["child_allowance"]["decision"] == "granted"


def test_the_same_death_step_twice_stops_once(
    person: Person, born: Born, bundle: Bundle, call: Call, session: Session
) -> None:
    mother = person("1992-04-01", "F")
    child = born(mother=mother)
    bundle(child, mother)
    first = _stop(call, child, "2026-02-27", step_key="death:5:welfare")
    statuses = _statuses(session)

    again = _stop(call, child, "2026-02-27", step_key="death:5:welfare")

    assert again["repeated"] is True
    assert again["stopped"] == first["stopped"]
    assert _statuses(session) == statuses


def test_a_death_in_the_future_is_refused(person: Person, call: Call, unchanged: Unchanged) -> None:
    someone = person()
    check = unchanged()

    with pytest.raises(Invalid) as refused:
        _stop(call, someone, "2026-03-03")

    assert refused.value.code == "date_in_future"
    check()


def test_safe_inheritance_sees_the_benefits_as_they_stood_at_the_death(
    person: Person, born: Born, bundle: Bundle, call: Call, *, session: Session, cipher: PiiCipher
) -> None:
    mother = person("1992-04-01", "F")
    child = born(mother=mother)
    bundle(child, mother)
    _stop(call, mother, "2026-03-02")
    _, heir = deceased_with_heir(session, cipher, deceased=mother, died_on=dt.date(2026, 3, 2))

    lookup = "welfare/benefits-of-person", "inheritance-lookup"
    at_death = call(*lookup, heir=heir, person_id=mother, on="2026-03-02")
    after = call(*lookup, heir=heir, person_id=mother, on="2026-03-03")

    assert at_death["person_id"] == mother
    assert at_death["as_of"] == "2026-03-02"
    assert [(b["kind"], b["status"]) for b in at_death["benefits"]] == [
        ("parent_allowance", "active"),
        ("child_allowance", "active"),
        ("first_meeting_voucher", "active"),
    ]
    first = at_death["benefits"][0]
    assert (first["monthly_amount"], first["beneficiary_person_id"]) == (1_000_000, child)
    assert [(b["kind"], b["status"]) for b in after["benefits"]] == [
        ("parent_allowance", "stopped"),
        ("child_allowance", "stopped"),
        ("first_meeting_voucher", "active"),
    ]
    assert after["benefits"][0]["stopped_on"] == "2026-03-03"
