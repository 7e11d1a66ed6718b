"""Safe Inheritance (안심상속): an heir of the 1st or 2nd rank asks once, within a year, and
every agency's reading of the deceased's assets reaches him."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.applications.models import InboxItem
from nara.core.clock import FixedClock
from nara.exchange.members import AGENCY_MEMBERS
from nara.exchange.usage import ExchangeDataUsage
from nara.family.deaths import heir_rank
from nara.identity.repository import account_by_person
from nara.lifeevents.engine import CaseRunner
from tests.applications.conftest import Browser
from tests.lifeevents.test_death import DIED_ON, Family, call, family, link
from tests.support import assert_problem, count_rows

__all__ = ["call", "family"]

SERVICES = {
    "land": "land/properties-of-owner",
    "vehicles": "vehicles/vehicles-of-owner",
    "tax": "tax/balances-of-person",
    "welfare": "welfare/benefits-of-person",
    "business": "business/businesses-of-representative",
    "finance": "finance/accounts-of-person",
}


def died(family: Family, call: Callable[..., Any], on: str = DIED_ON) -> None:
    """The father's death, as the resident and family registers record it."""
    person = {"person_id": family.ids["father"], "died_on": on}
    call(
        "residents/death-report",
        "death-report",
        step_key="death:1:residents",
        new_head_person_id=family.ids["mother"],
        **person,
    )
    call("family/death-record", "death-report", step_key="death:1:family", **person)


def ask(heir: Browser, deceased: int) -> Any:
    return heir.post("/api/lifeevents/inheritance", json={"deceased_person_id": deceased})


def test_an_heir_receives_every_agencys_result(
    family: Family,
    call: Callable[..., Any],
    car: Callable[..., dict[str, Any]],
    runner: CaseRunner,
    session: Session,
) -> None:
    car(family.ids["father"], "12가3456")
    died(family, call)
    session.commit()

    filed = ask(family.son, family.ids["father"])
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["report"] == {
        "deceased_person_id": family.ids["father"],
        "died_on": DIED_ON,
        "heir_rank": 1,
        "relation": "child",
    }
    assert {s["name"]: s["state"] for s in case["steps"]} == dict.fromkeys(SERVICES, "due")

    runner.run_due()

    done = family.son.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done", done
    assets = {a["agency"]: a for a in done["outcome"]["assets"]}
    assert list(assets) == list(SERVICES)
    assert assets["vehicles"]["lines"] == ["12가3456 현대 아반떼"]
    # A step's answer is kept as the agency sent it: the lookup's view shows no province.
    [vehicle] = {s["name"]: s for s in done["steps"]}["vehicles"]["answer"]["answer"]
    assert vehicle["plate"] == "12가3456"
    assert "sido_code" not in vehicle
    assert assets["finance"]["simulated"] is True
    assert "SIMULATED" in assets["finance"]["summary_en"]
    subjects = inbox_subjects(session, family.ids["son"])
    assert sum("Safe Inheritance:" in subject for subject in subjects) == len(SERVICES)
    assert any("Deposits, loans and insurance (SIMULATED data)" in s for s in subjects)


def test_each_result_reaches_the_heir_as_it_comes(
    family: Family,
    call: Callable[..., Any],
    runner: CaseRunner,
    session: Session,
    clock: FixedClock,
) -> None:
    died(family, call)
    session.commit()
    case = ask(family.son, family.ids["father"]).json()
    everyone = runner.exchange.local_agencies
    runner.exchange.local_agencies = frozenset(AGENCY_MEMBERS) - {"finance"}  # unreachable
    try:
        runner.run_due()
    finally:
        runner.exchange.local_agencies = everyone

    assert lookup_notices(session, family) == len(SERVICES) - 1
    assert not any("SIMULATED" in s for s in inbox_subjects(session, family.ids["son"]))
    waiting = family.son.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert waiting["state"] == "running"

    clock.advance(dt.timedelta(seconds=10))
    runner.run_due()

    assert lookup_notices(session, family) == len(SERVICES)
    done = family.son.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done"
    assert [a["agency"] for a in done["outcome"]["assets"]] == list(SERVICES)


def test_a_failing_notice_fails_only_its_step_which_is_tried_again(
    family: Family,
    call: Callable[..., Any],
    runner: CaseRunner,
    session: Session,
    clock: FixedClock,
) -> None:
    died(family, call)
    session.commit()
    case = ask(family.son, family.ids["father"]).json()
    tell = runner.on_step_done
    assert tell is not None

    def inbox_down_for_finance(*args: Any) -> None:
        if args[3].name == "finance":
            raise RuntimeError("the inbox is down")
        tell(*args)

    runner.on_step_done = inbox_down_for_finance
    try:
        runner.run_due()
    finally:
        runner.on_step_done = tell
    steps = {
        s["name"]: s for s in family.son.get(f"/api/lifeevents/cases/{case['id']}").json()["steps"]
    }
    assert {name: s["state"] for name, s in steps.items()} == {
        **dict.fromkeys(SERVICES, "done"),
        "finance": "due",
    }
    assert lookup_notices(session, family) == len(SERVICES) - 1

    clock.advance(dt.timedelta(seconds=10))
    runner.run_due()

    assert lookup_notices(session, family) == len(SERVICES)


def test_results_not_yet_sent_are_sent_when_the_case_finishes(
    family: Family, call: Callable[..., Any], runner: CaseRunner, session: Session
) -> None:
    """A lookup whose steps finished before results were sent as they came (an upgrade)."""
    died(family, call)
    session.commit()
    case = ask(family.son, family.ids["father"]).json()
    tell, runner.on_step_done = runner.on_step_done, None
    try:
        runner.run_due()
    finally:
        runner.on_step_done = tell

    done = family.son.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done"
    assert lookup_notices(session, family) == len(SERVICES)


def lookup_notices(session: Session, family: Family) -> int:
    """How many Safe Inheritance results have reached the son's inbox."""
    return sum("Safe Inheritance:" in s for s in inbox_subjects(session, family.ids["son"]))


def inbox_subjects(session: Session, person_id: int) -> list[str]:
    account = account_by_person(session, person_id)
    assert account is not None
    return list(
        session.scalars(select(InboxItem.subject).where(InboxItem.account_id == account.id))
    )


def test_each_lookup_is_logged_as_a_read_of_the_deceased(
    family: Family, call: Callable[..., Any], runner: CaseRunner, session: Session
) -> None:
    died(family, call)
    session.commit()
    case = ask(family.son, family.ids["father"]).json()
    runner.run_due()

    reads = session.scalars(
        select(ExchangeDataUsage).where(
            ExchangeDataUsage.person_id == family.ids["father"],
            ExchangeDataUsage.purpose == "inheritance-lookup",
        )
    ).all()
    assert {read.service for read in reads} == set(SERVICES.values())
    assert {read.user_id for read in reads} == {f"case:{case['reference']}"}


def test_the_spouse_is_an_heir_of_the_first_rank(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    died(family, call)
    session.commit()
    filed = ask(family.mother, family.ids["father"])
    assert filed.status_code == 201, filed.text
    assert filed.json()["report"]["relation"] == "spouse"


def test_the_deceased_relatives_are_offered(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    died(family, call)
    session.commit()
    listed = family.son.get("/api/lifeevents/inheritance/deceased-relatives")
    assert listed.status_code == 200, listed.text
    assert [(r["name_ko"], r["died_on"]) for r in listed.json()] == [("김철수", DIED_ON)]


def test_a_sibling_is_of_the_third_rank_and_refused(
    family: Family,
    call: Callable[..., Any],
    resident: Callable[..., Browser],
    session: Session,
) -> None:
    grandfather = resident("김노인", "1930-01-01", at=None)
    uncle = resident("김삼촌", "1965-01-01", at=None)
    link(session, family.ids["father"], grandfather.info["person_id"], "father", "1960-03-03")
    link(session, uncle.info["person_id"], grandfather.info["person_id"], "father", "1965-01-01")
    died(family, call)
    session.commit()

    refused = ask(uncle, family.ids["father"])
    body = assert_problem(refused, 403, "heir_rank_refused")
    assert "2nd rank" in body["detail"]
    assert count_rows(session, "lifeevents_case") == 0


def test_a_stranger_is_refused(family: Family, call: Callable[..., Any], session: Session) -> None:
    died(family, call)
    session.commit()
    assert_problem(ask(family.stranger, family.ids["father"]), 403, "heir_rank_refused")
    assert count_rows(session, "lifeevents_case") == 0


def test_a_request_after_one_year_is_refused(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    died(family, call, on="2025-02-01")
    session.commit()
    body = assert_problem(ask(family.son, family.ids["father"]), 422, "inheritance_request_late")
    assert "one year" in body["detail"]
    assert count_rows(session, "lifeevents_case") == 0


def test_the_lookup_is_asked_once(
    family: Family, call: Callable[..., Any], session: Session
) -> None:
    died(family, call)
    session.commit()
    assert ask(family.son, family.ids["father"]).status_code == 201
    assert_problem(ask(family.son, family.ids["father"]), 409, "inheritance_already_requested")
    assert count_rows(session, "lifeevents_case") == 1


def test_a_living_person_has_no_inheritance(family: Family, session: Session) -> None:
    assert_problem(ask(family.son, family.ids["father"]), 409, "person_not_deceased")
    assert count_rows(session, "lifeevents_case") == 0


@pytest.mark.parametrize(
    ("heir", "expected"),
    [
        ("grandchild", (1, "grandchild")),
        ("grandparent", (2, "grandparent")),
        ("nephew", (None, None)),
    ],
)
def test_heir_ranks_follow_the_civil_code(
    session: Session, heir: str, expected: tuple[int | None, str | None]
) -> None:
    # 1 grandparent -> 7 parent -> 2 deceased -> 3 child -> 4 grandchild;
    # 5 is a sibling of 2 (a child of 7), 6 a nephew (a child of 5)
    for child, parent in [(7, 1), (2, 7), (3, 2), (4, 3), (5, 7), (6, 5)]:
        link(session, child, parent, "father", "1950-01-01")
    who = {"grandchild": 4, "grandparent": 1, "nephew": 6}[heir]
    found = heir_rank(
        session, deceased_person_id=2, heir_person_id=who, died_on=dt.date(2026, 2, 20)
    )
    assert found == expected
