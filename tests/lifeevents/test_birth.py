"""The birth report with the Happy Birth bundle (출생신고 · 행복출산): the child registered with
a new RRN in the parent's household, recorded with both parents, the benefits decided."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.identifiers import Rrn
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.family.models import Parentage
from nara.lifeevents.engine import CaseRunner
from nara.portal.i18n import gettext_callables
from nara.portal.rendering import environment
from nara.residents import repository
from nara.residents.births import new_rrn
from nara.residents.households import add_member
from nara.residents.models import Person
from nara.residents.schemas import MemberCreate
from tests.applications.conftest import Browser
from tests.support import assert_problem, call_json, count_rows

BORN = "2026-02-20"  # the clock reads 2026-03-02
TABLES = ("lifeevents_case", "residents_person", "family_parentage", "welfare_application")


def report(**fields: Any) -> dict[str, Any]:
    return {"name_ko": "김하늘", "name_en": "Kim Haneul", "sex": "F", "birth_date": BORN, **fields}


def counts(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in TABLES}


@pytest.fixture
def parents(
    resident: Callable[..., Browser], client: Any, auth: Callable[..., dict[str, str]]
) -> tuple[Browser, Browser]:
    """A father heading a household and the mother, married in the family register."""
    father = resident("김민준", "1990-01-01")
    mother = resident("이서연", "1992-02-02", at=None, sex="F")
    married = client.post(
        "/api/family/marriages",
        json={
            "spouse_a_id": father.info["person_id"],
            "spouse_b_id": mother.info["person_id"],
            "married_on": "2024-05-05",
        },
        headers=auth("family:write"),
    )
    assert married.status_code == 201, married.text
    return father, mother


def file(filer: Browser, **fields: Any) -> dict[str, Any]:
    response = filer.post("/api/lifeevents/birth", json=report(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_birth_registers_the_child_records_both_parents_and_decides_the_benefits(
    parents: tuple[Browser, Browser],
    runner: CaseRunner,
    session: Session,
    cipher: PiiCipher,
) -> None:
    father, mother = parents
    case = file(father)
    assert case["state"] == "running"
    assert [(s["name"], s["state"]) for s in case["steps"]] == [
        ("residents", "due"),
        ("family", "waiting"),
        ("welfare", "waiting"),
    ]

    runner.run_due()

    done = father.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done", done
    answers = {s["name"]: s["answer"] for s in done["steps"]}
    child_id = answers["residents"]["child_person_id"]

    child = session.get_one(Person, child_id)
    digits = cipher.decrypt(child.rrn_cipher)
    assert digits.startswith("260220") and digits[6] == "4"  # a girl born since 2000
    assert Rrn.parse(digits, issued_on=dt.date(2026, 3, 2)).scheme == "random"
    assert child.rrn_scheme == "random"
    assert digits.encode() not in child.rrn_cipher  # encrypted at rest
    assert child.rrn_index == cipher.blind_index(digits)
    assert answers["residents"]["rrn_masked"] == f"{digits[:6]}-4******"
    assert (child.name_ko, child.sex, child.nationality) == ("김하늘", "F", "KOR")
    assert child.registered_on == dt.date(2026, 3, 2)

    membership = repository.current_membership(session, child_id)
    assert membership is not None
    assert membership.household_id == father.info["household_id"]
    assert (membership.relation, membership.joined_on) == ("child", dt.date(2026, 2, 20))
    residence = repository.current_residence(session, child_id)
    assert residence is not None and residence.moved_in == dt.date(2026, 2, 20)

    links = session.scalars(select(Parentage).where(Parentage.child_id == child_id)).all()
    assert {(link.parent_role, link.parent_id, link.kind) for link in links} == {
        ("father", father.info["person_id"], "birth"),
        ("mother", mother.info["person_id"], "birth"),
    }

    decisions = {d["kind"]: d for d in answers["welfare"]["decisions"]}
    assert decisions["parent_allowance"]["decision"] == "granted"
    assert [p["monthly_amount"] for p in decisions["parent_allowance"]["periods"]] == [
        1_000_000,
        500_000,
    ]
    assert decisions["child_allowance"]["monthly_amount"] == 100_000
    assert decisions["childcare_allowance"]["decision"] == "deferred"
    assert decisions["first_meeting_voucher"]["lump_sum"] == 2_000_000
    assert done["outcome"]["child"]["rrn_masked"] == answers["residents"]["rrn_masked"]
    assert [d["name_ko"] for d in done["outcome"]["welfare_decisions"]] == [
        "부모급여",
        "아동수당",
        "가정양육수당",
        "첫만남이용권",
    ]


def test_a_single_parent_living_with_her_parents_adds_a_grandchild_once(
    resident: Callable[..., Browser],
    runner: CaseRunner,
    session: Session,
    clock: FixedClock,
) -> None:
    grandfather = resident("박정호", "1960-06-06")
    mother = resident("박지아", "1995-09-09", at=None, sex="F")
    add_member(
        session=session,
        clock=clock,
        actor="test",
        household_id=grandfather.info["household_id"],
        member_in=MemberCreate(
            person_id=mother.info["person_id"], relation="child", joined_on=dt.date(2025, 1, 1)
        ),
    )
    session.commit()
    case = file(mother, other_parent="none", benefits=["first_meeting_voucher"])
    runner.run_due()

    done = mother.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done", done
    answers = {s["name"]: s["answer"] for s in done["steps"]}
    child_id = answers["residents"]["child_person_id"]
    membership = repository.current_membership(session, child_id)
    assert membership is not None and membership.relation == "grandchild"
    links = session.scalars(select(Parentage).where(Parentage.child_id == child_id)).all()
    assert [(link.parent_role, link.parent_id) for link in links] == [
        ("mother", mother.info["person_id"])
    ]
    assert [d["kind"] for d in answers["welfare"]["decisions"]] == ["first_meeting_voucher"]

    people = count_rows(session, "residents_person")
    twice = mother.post("/api/lifeevents/birth", json=report(other_parent="none"))
    assert_problem(twice, 409, "birth_already_reported")
    assert count_rows(session, "residents_person") == people


def test_each_write_service_applies_a_step_key_once(
    parents: tuple[Browser, Browser], app: FastAPI, session: Session, clock: FixedClock
) -> None:
    father, mother = parents
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=app.state.cipher,
        client="gov24",
        purpose="birth-report",
        user_id="test",
    )
    params = {
        "parent_person_id": father.info["person_id"],
        "other_parent_person_id": mother.info["person_id"],
        "name_ko": "김하늘",
        "name_en": "Kim Haneul",
        "sex": "F",
        "birth_date": BORN,
    }
    people = count_rows(session, "residents_person")
    first = call_json(
        app.state.exchange,
        "residents/birth-registration",
        ctx,
        step_key="birth:1:residents",
        **params,
    )
    again = call_json(
        app.state.exchange,
        "residents/birth-registration",
        ctx,
        step_key="birth:1:residents",
        **params,
    )
    assert (first["repeated"], again["repeated"]) == (False, True)
    assert again["child_person_id"] == first["child_person_id"]
    assert count_rows(session, "residents_person") == people + 1

    links = count_rows(session, "family_parentage")
    record = {
        "child_person_id": first["child_person_id"],
        "father_person_id": father.info["person_id"],
        "mother_person_id": mother.info["person_id"],
    }
    linked = call_json(
        app.state.exchange, "family/birth-record", ctx, step_key="birth:1:family", **record
    )
    repeated = call_json(
        app.state.exchange, "family/birth-record", ctx, step_key="birth:1:family", **record
    )
    assert (linked["repeated"], repeated["repeated"]) == (False, True)
    assert repeated["parentages"] == linked["parentages"]
    assert len(linked["parentages"]) == 2
    assert count_rows(session, "family_parentage") == links + 2


def test_a_drawn_number_already_held_is_drawn_again(
    session: Session, cipher: PiiCipher, resident: Callable[..., Browser]
) -> None:
    resident("김민준", "1990-01-01")
    held = Rrn.parse("2602204123456", issued_on=dt.date(2026, 3, 2))
    first = new_rrn(
        session,
        cipher,
        birth_date=dt.date(2026, 2, 20),
        sex="F",
        issued_on=dt.date(2026, 3, 2),
        draw=iter([123456]).__next__,
    )
    assert first == held
    person = session.scalars(select(Person).order_by(Person.id)).first()
    assert person is not None
    person.rrn_index = cipher.blind_index(held.digits)  # the number is someone's now
    session.flush()
    draws: Iterator[int] = iter([123456, 7])
    again = new_rrn(
        session,
        cipher,
        birth_date=dt.date(2026, 2, 20),
        sex="F",
        issued_on=dt.date(2026, 3, 2),
        draw=draws.__next__,
    )
    assert again.digits == "2602204000007"
    session.rollback()


@pytest.mark.parametrize(
    ("fields", "refusal", "says"),
    [
        ({"birth_date": "2026-01-20"}, (422, "birth_report_late"), "community centre"),
        ({"birth_date": "2026-03-03"}, (422, "birth_date_future"), "after today"),
        ({"other_parent": "spouse"}, (422, "spouse_not_found"), "single parent"),
    ],
)
def test_a_report_refused_at_filing_writes_nothing(
    resident: Callable[..., Browser],
    session: Session,
    fields: dict[str, Any],
    refusal: tuple[int, str],
    says: str,
) -> None:
    parent = resident("김민준", "1990-01-01")  # not married
    before = counts(session)
    refused = parent.post("/api/lifeevents/birth", json=report(**fields))
    body = assert_problem(refused, *refusal)
    assert says in body["detail"]
    assert counts(session) == before


def test_a_minor_cannot_file(resident: Callable[..., Browser], session: Session) -> None:
    minor = resident("김하윤", "2009-05-05", sex="F")
    before = counts(session)
    refused = minor.post("/api/lifeevents/birth", json=report(other_parent="none"))
    assert_problem(refused, 403, "minor_cannot_file")
    assert counts(session) == before


def test_a_filer_the_register_does_not_know_as_a_living_resident_is_refused(
    resident: Callable[..., Browser], session: Session
) -> None:
    parent = resident("김민준", "1990-01-01")
    homeless = resident("최유진", "1991-07-07", at=None, sex="F")
    person = session.get_one(Person, parent.info["person_id"])
    person.status = "deceased"
    session.commit()
    before = counts(session)
    refused = parent.post("/api/lifeevents/birth", json=report(other_parent="none"))
    assert_problem(refused, 403, "filer_not_resident")
    no_household = homeless.post("/api/lifeevents/birth", json=report(other_parent="none"))
    assert_problem(no_household, 409, "filer_without_household")
    assert counts(session) == before


def test_the_case_page_shows_the_decisions_with_amounts_and_dates() -> None:
    template = environment.get_template("portal/lifeevents/birth_outcome.html")
    decision = {
        "kind": "parent_allowance",
        "name_en": "Parent allowance",
        "name_ko": "부모급여",
        "decision": "granted",
        "reason_en": "Granted.",
        "reason_ko": "지급합니다.",
        "monthly_amount": 1_000_000,
        "lump_sum": None,
        "starts_on": "2026-02-20",
        "ends_on": "2028-02-20",
        "periods": [
            {"monthly_amount": 1_000_000, "starts_on": "2026-02-20", "ends_on": "2027-02-20"},
            {"monthly_amount": 500_000, "starts_on": "2027-02-20", "ends_on": "2028-02-20"},
        ],
    }
    voucher = {
        **decision,
        "kind": "first_meeting_voucher",
        "name_ko": "첫만남이용권",
        "monthly_amount": None,
        "lump_sum": 2_000_000,
        "periods": [],
    }
    case = {"outcome": {"child": {"rrn_masked": "260220-4******"},
                        "welfare_decisions": [decision, voucher]}}  # fmt: skip
    korean = template.render(case=case, language="ko", **gettext_callables("ko"))
    assert "260220-4******" in korean
    assert "2026-02-20부터 2027-02-20 전까지 월 1,000,000원" in korean
    assert "2,000,000원(1회)" in korean
    english = template.render(case=case, language="en", **gettext_callables("en"))
    assert "KRW 500,000 a month from 2027-02-20 to 2028-02-20" in english
