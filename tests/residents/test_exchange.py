"""What the register offers other agencies, and the events it announces."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import get_args

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import NaraError
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Service
from nara.exchange.contracts.residents import DEATH_FACTS, PersonRequest
from nara.exchange.purposes import Purpose
from nara.exchange.usage import ExchangeDataUsage
from nara.residents.exchange import EVENTS, SERVICES
from nara.residents.models import RELATIONS_TO_HEAD
from nara.residents.schemas import MemberRelation
from tests.residents.conftest import BUSAN, ResidentsApi
from tests.support import call_json, call_wire, grant


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

    summaries = call_json(
        app.state.exchange, "residents/person-summaries", context, person_ids=[person["id"], 999]
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

    answer = call_json(
        app.state.exchange, "residents/household-members", context, person_id=family["child"]
    )
    before = call_json(
        app.state.exchange,
        "residents/household-members",
        context,
        person_id=family["child"],
        on="2019-12-31",
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


def _records(answer: object) -> list[type[BaseModel]]:
    """The record models of a contract's answer type (`M`, `M | None`, `dict[int, M]`)."""
    if isinstance(answer, type) and issubclass(answer, BaseModel):
        return [answer]
    return [model for arg in get_args(answer) for model in _records(arg)]


VIEWS = [(service, purpose) for service in SERVICES for purpose in service.purposes]


@pytest.mark.parametrize(
    ("service", "purpose"), VIEWS, ids=[f"{s.code}:{p.code}" for s, p in VIEWS]
)
def test_each_purpose_view_is_the_contract_s_fields_and_what_it_drops_has_a_default(
    service: Service, purpose: Purpose
) -> None:
    assert service.contract is not None
    [record] = _records(service.contract.answer)
    fields = record.model_fields
    assert purpose.fields <= set(fields)
    dropped = {name for name in set(fields) - purpose.fields if fields[name].is_required()}
    assert not dropped, f"{service.id} for {purpose.code} drops required fields {dropped}"


def test_a_narrow_view_still_reads_as_the_contract_s_record(
    app: FastAPI, family: dict[str, int], session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    grant(session, clock, "gov24", "residents/death-facts")
    ctx = CallContext(session, clock, cipher, client="gov24", purpose="inheritance-request")

    facts = app.state.exchange.call(DEATH_FACTS, ctx, PersonRequest(person_id=family["head"]))

    assert facts is not None
    assert (facts.person_id, facts.status, facts.status_on) == (family["head"], "alive", None)
    assert (facts.birth_date, facts.household) == (None, None)  # not in this purpose's view


def test_a_malformed_date_is_refused_as_parameters_that_do_not_fit(
    app: FastAPI, family: dict[str, int], session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    grant(session, clock, "welfare", "residents/household-members")
    context = CallContext(session, clock, cipher, client="welfare", purpose="household-check")

    with pytest.raises(NaraError) as refused:
        call_wire(
            app.state.exchange,
            "residents/household-members",
            context,
            person_id=family["child"],
            on="2026-02-30",
        )

    assert (refused.value.code, refused.value.status) == ("params_invalid", 422)
