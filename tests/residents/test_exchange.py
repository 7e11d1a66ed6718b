"""What the register offers other agencies, and the events it announces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import get_args

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.exchange.usage import ExchangeDataUsage
from nara.residents.exchange import EVENTS
from nara.residents.models import RELATIONS_TO_HEAD
from nara.residents.schemas import MemberRelation
from tests.residents.conftest import BUSAN, ResidentsApi
from tests.support import grant


def test_every_event_the_register_emits_is_listed_with_a_description(
    api: ResidentsApi, family: dict[str, int], events: Callable[[], list[str]]
) -> None:
    api.move(family["child"], address=BUSAN, moved_on="2025-05-01", new_household=True)
    api.post(
        f"/households/{family['household']}/members/{family['spouse']}/removal",
        json={"left_on": "2025-06-01"},
    )
    api.post(f"/persons/{family['head']}/status", json={"status": "deceased", "on": "2025-07-01"})

    assert set(events()) == set(EVENTS)
    assert all(description.strip() for description in EVENTS.values())


def test_members_join_with_any_relation_of_the_register_but_head(api: ResidentsApi) -> None:
    assert set(get_args(MemberRelation)) == set(RELATIONS_TO_HEAD) - {"head"}


def test_person_summaries_carry_no_rrn(
    app: FastAPI, api: ResidentsApi, session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    person = api.register(birth=dt.date(1985, 3, 14), sex="F")
    context = CallContext(session, clock, cipher, client="family", purpose="register-check")

    summaries = app.state.exchange.call_json(
        "residents/person-summaries", context, person_ids=[person["id"], 999]
    )

    assert summaries == {  # JSON object keys are text
        str(person["id"]): {
            "person_id": person["id"],
            "name_ko": "이서연",
            "name_en": "Lee Seoyeon",
            "birth_date": "1985-03-14",
            "sex": "F",
            "status": "alive",
        }
    }


def test_household_members_are_offered_and_every_member_read_is_logged(
    app: FastAPI,
    family: dict[str, int],
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    grant(session, clock, "welfare", "residents/household-members")
    context = CallContext(session, clock, cipher, client="welfare", purpose="household-check")

    answer = app.state.exchange.call_json(
        "residents/household-members", context, person_id=family["child"]
    )
    before = app.state.exchange.call_json(
        "residents/household-members", context, person_id=family["child"], on="2019-12-31"
    )

    assert answer["household_id"] == family["household"]
    assert [(m["person_id"], m["relation"]) for m in answer["members"]] == [
        (family["head"], "head"),
        (family["spouse"], "spouse"),
        (family["child"], "child"),
    ]
    assert before is None
    read = session.scalars(select(ExchangeDataUsage.person_id)).all()
    assert sorted(read) == sorted(
        [family["head"], family["spouse"], family["child"], family["child"]]
    )
