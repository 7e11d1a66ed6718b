"""The death report (사망신고): filed once by a relative, every register concerned updated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import NaraError
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.family.models import Death, Marriage, Parentage
from nara.residents import repository
from nara.residents.households import add_member
from nara.residents.models import Person
from nara.residents.schemas import MemberCreate
from tests.applications.conftest import Browser
from tests.lifeevents.conftest import SEOCHO
from tests.support import assert_problem, call_json, count_rows

DIED_ON = "2026-02-20"  # the clock reads 2026-03-02


@dataclass
class Family:
    """A son (signed in), his father heading a household with the mother, and a stranger."""

    son: Browser
    father: Browser
    mother: Browser
    stranger: Browser
    marriage_id: int

    @property
    def ids(self) -> dict[str, int]:
        return {
            name: getattr(self, name).info["person_id"]
            for name in ("son", "father", "mother", "stranger")
        }


def link(session: Session, child: int, parent: int, role: str, since: str) -> None:
    """A parent-child link by birth, straight into the family register."""
    session.add(
        Parentage(
            child_id=child,
            parent_id=parent,
            parent_role=role,
            kind="birth",
            established_on=dt.date.fromisoformat(since),
            ended_on=None,
            end_cause=None,
        )
    )
    session.commit()


def marry(session: Session, a: int, b: int, on: str) -> int:
    marriage = Marriage(
        spouse_a_id=a,
        spouse_b_id=b,
        married_on=dt.date.fromisoformat(on),
        ended_on=None,
        end_cause=None,
    )
    session.add(marriage)
    session.commit()
    return marriage.id


def join(session: Session, clock: FixedClock, household_id: int, person_id: int) -> None:
    add_member(
        session=session,
        clock=clock,
        actor="test",
        household_id=household_id,
        member_in=MemberCreate(
            person_id=person_id, relation="spouse", joined_on=dt.date(2021, 1, 1)
        ),
    )
    session.commit()


@pytest.fixture
def family(resident: Callable[..., Browser], session: Session, clock: FixedClock) -> Family:
    son = resident("김민준", "1990-01-01")
    father = resident("김철수", "1960-03-03", at=SEOCHO)
    mother = resident("이영희", "1962-04-04", at=None, sex="F")
    stranger = resident("박서준", "1980-05-05")
    join(session, clock, father.info["household_id"], mother.info["person_id"])
    marriage_id = marry(session, father.info["person_id"], mother.info["person_id"], "1988-05-05")
    link(session, son.info["person_id"], father.info["person_id"], "father", "1990-01-01")
    link(session, son.info["person_id"], mother.info["person_id"], "mother", "1990-01-01")
    return Family(son, father, mother, stranger, marriage_id)


def report(family: Family, **fields: Any) -> dict[str, Any]:
    return {
        "deceased_person_id": family.ids["father"],
        "died_on": DIED_ON,
        "new_head_person_id": family.ids["mother"],
        **fields,
    }


def status_of(session: Session, person_id: int) -> tuple[str, dt.date | None]:
    person = session.get_one(Person, person_id)
    session.refresh(person)
    return person.status, person.status_on


def test_a_death_report_updates_residents_family_and_welfare(
    family: Family, runner: Any, session: Session
) -> None:
    filed = family.son.post("/api/lifeevents/death", json=report(family))
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["kind"] == "death"
    assert case["report"]["relation"] == "parent"
    assert [(s["name"], s["state"]) for s in case["steps"]] == [
        ("residents", "due"),
        ("family", "waiting"),
        ("welfare", "waiting"),
    ]

    runner.run_due()

    done = family.son.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done", done
    assert status_of(session, family.ids["father"]) == ("deceased", dt.date(2026, 2, 20))
    household = repository.get_household(session, family.father.info["household_id"])
    assert household is not None
    session.refresh(household)
    assert household.head_person_id == family.ids["mother"]
    death = session.scalars(select(Death).where(Death.person_id == family.ids["father"])).one()
    assert death.died_on == dt.date(2026, 2, 20)
    assert death.case_reference == done["reference"]
    marriage = session.get_one(Marriage, family.marriage_id)
    session.refresh(marriage)
    assert (marriage.ended_on, marriage.end_cause) == (dt.date(2026, 2, 20), "death")
    assert {s["name"]: s["answer"]["repeated"] for s in done["steps"]} == {
        "residents": False,
        "family": False,
        "welfare": False,
    }


def test_the_relatives_offered_are_the_filers_living_family(family: Family) -> None:
    listed = family.son.get("/api/lifeevents/death/relatives")
    assert listed.status_code == 200, listed.text
    assert {(r["name_ko"], r["relation"]) for r in listed.json()} == {
        ("김철수", "parent"),
        ("이영희", "parent"),
    }


def test_a_late_report_is_refused_with_the_community_centre_advice(
    family: Family, session: Session
) -> None:
    refused = family.son.post("/api/lifeevents/death", json=report(family, died_on="2026-01-20"))
    body = assert_problem(refused, 422, "death_report_late")
    assert "community centre" in body["detail"]
    assert count_rows(session, "lifeevents_case") == 0


def test_someone_not_a_relative_cannot_report_the_death(family: Family, session: Session) -> None:
    refused = family.stranger.post("/api/lifeevents/death", json=report(family))
    assert_problem(refused, 403, "deceased_not_relative")
    assert count_rows(session, "lifeevents_case") == 0
    assert count_rows(session, "lifeevents_step") == 0


def test_a_death_already_reported_is_refused(family: Family, runner: Any, session: Session) -> None:
    assert family.son.post("/api/lifeevents/death", json=report(family)).status_code == 201
    runner.run_due()
    again = family.son.post("/api/lifeevents/death", json=report(family))
    assert_problem(again, 409, "person_not_alive")
    assert count_rows(session, "lifeevents_case") == 1


def test_the_new_head_is_required_when_members_stay(family: Family, session: Session) -> None:
    refused = family.son.post("/api/lifeevents/death", json=report(family, new_head_person_id=None))
    assert_problem(refused, 422, "new_head_required")
    assert count_rows(session, "lifeevents_case") == 0


@pytest.mark.parametrize(
    ("died_on", "code"),
    [("2026-03-05", "died_on_future"), ("1959-01-01", "died_on_before_birth")],
)
def test_an_impossible_day_of_death_is_refused(
    family: Family, session: Session, died_on: str, code: str
) -> None:
    refused = family.son.post("/api/lifeevents/death", json=report(family, died_on=died_on))
    assert_problem(refused, 422, code)
    assert count_rows(session, "lifeevents_case") == 0


def test_a_minor_cannot_file(
    family: Family, resident: Callable[..., Browser], session: Session
) -> None:
    minor = resident("김하늘", "2012-06-06", at=None)
    link(session, minor.info["person_id"], family.ids["father"], "father", "2012-06-06")
    refused = minor.post("/api/lifeevents/death", json=report(family))
    assert_problem(refused, 403, "minor_cannot_file")
    assert count_rows(session, "lifeevents_case") == 0


# The registers' write services, applied once per step key ---------------------------------


@pytest.fixture
def call(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher
) -> Callable[..., Any]:
    """`call(service, purpose, **params)` as the single window, in the test's session."""

    def make(service: str, purpose: str, **params: Any) -> Any:
        ctx = CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client="gov24",
            purpose=purpose,
            case="LE-00000001",
        )
        return call_json(app.state.exchange, service, ctx, **params)

    return make


def test_marking_a_person_deceased_is_applied_once_per_step_key(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    params = {
        "step_key": "death:1:residents",
        "person_id": family.ids["father"],
        "died_on": DIED_ON,
        "new_head_person_id": family.ids["mother"],
    }
    first = call("residents/death-report", "death-report", **params)
    changes = count_rows(session, "residents_change")
    again = call("residents/death-report", "death-report", **params)

    assert first["repeated"] is False
    assert again == {**first, "repeated": True}
    assert count_rows(session, "residents_change") == changes
    assert status_of(session, family.ids["father"])[0] == "deceased"


def test_recording_a_death_is_applied_once_per_step_key(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    params = {"step_key": "death:1:family", "person_id": family.ids["father"], "died_on": DIED_ON}
    first = call("family/death-record", "death-report", **params)
    again = call("family/death-record", "death-report", **params)

    assert first["marriage_ended_id"] == family.marriage_id
    assert again == {**first, "repeated": True}
    assert count_rows(session, "family_death") == 1
    assert count_rows(session, "family_change") == 2  # the death, the marriage ended


def test_a_second_death_record_under_another_key_is_refused(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    params = {"person_id": family.ids["father"], "died_on": DIED_ON}
    call("family/death-record", "death-report", step_key="death:1:family", **params)
    with pytest.raises(NaraError) as refused:
        call("family/death-record", "death-report", step_key="death:2:family", **params)
    assert refused.value.code == "death_already_recorded"
