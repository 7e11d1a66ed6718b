"""`residents/identity-check`: the person whose RRN, name and birth date all match, or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.exchange.usage import ExchangeDataUsage
from tests.factories import make_person, regional_rrn
from tests.support import call_json, grant

BIRTH = dt.date(1988, 8, 8)


@pytest.fixture
def context(session: Session, clock: FixedClock, cipher: PiiCipher) -> CallContext:
    grant(session, clock, "gov24", "residents/identity-check")
    return CallContext(session, clock, cipher, client="gov24", purpose="account-binding")


def test_all_three_matching_answer_the_person_and_his_status(
    app: FastAPI, session: Session, cipher: PiiCipher, context: CallContext
) -> None:
    rrn = regional_rrn(BIRTH, "M")
    person = make_person(session, cipher, name_ko="최우진", birth=BIRTH, rrn=rrn)

    answer = call_json(
        app.state.exchange,
        "residents/identity-check",
        context,
        rrn=rrn,
        name_ko="최우진",
        birth_date="1988-08-08",
    )

    assert answer == {"person_id": person.id, "status": "alive"}
    assert session.scalars(select(ExchangeDataUsage.person_id)).all() == [person.id]


@pytest.mark.parametrize(
    "case",
    [
        ("최우현", "1988-08-08", "own"),
        ("최우진", "1988-08-09", "own"),
        ("최우진", "1988-08-08", "other"),
        ("최우진", "1988-08-08", "malformed"),
    ],
)
def test_any_difference_answers_nothing(
    app: FastAPI,
    session: Session,
    cipher: PiiCipher,
    context: CallContext,
    case: tuple[str, str, str],
) -> None:
    name, birth, rrn_kind = case
    rrn = regional_rrn(BIRTH, "M")
    make_person(session, cipher, name_ko="최우진", birth=BIRTH, rrn=rrn)
    asked = {"own": rrn, "other": regional_rrn(BIRTH, "M"), "malformed": "880808"}[rrn_kind]

    answer = call_json(
        app.state.exchange,
        "residents/identity-check",
        context,
        rrn=asked,
        name_ko=name,
        birth_date=birth,
    )

    assert answer is None
    assert session.scalars(select(ExchangeDataUsage.person_id)).all() == []


def test_the_status_of_a_deceased_person_is_told(
    app: FastAPI, session: Session, cipher: PiiCipher, context: CallContext
) -> None:
    rrn = regional_rrn(BIRTH, "F")
    make_person(session, cipher, name_ko="한", birth=BIRTH, sex="F", rrn=rrn, status="deceased")
    answer = call_json(
        app.state.exchange,
        "residents/identity-check",
        context,
        rrn=rrn,
        name_ko="한",
        birth_date="1988-08-08",
    )
    assert answer["status"] == "deceased"


def test_the_check_is_granted_to_no_one_by_default(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    context = CallContext(session, clock, cipher, client="land", purpose="account-binding")
    with pytest.raises(Exception) as refused:
        call_json(
            app.state.exchange,
            "residents/identity-check",
            context,
            rrn="x",
            name_ko="x",
            birth_date="1988-08-08",
        )
    assert getattr(refused.value, "status", None) == 403
