"""The moving-in report (전입신고): filed once, every agency concerned updated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.lifeevents.engine import CaseRunner
from nara.lifeevents.models import Case, Step
from nara.residents import repository
from nara.residents.models import Address
from tests.applications.conftest import Browser
from tests.lifeevents.conftest import HAEUNDAE, SEOCHO
from tests.support import assert_problem, count_rows

MOVED_ON = "2026-02-25"  # the clock reads 2026-03-02


def report(**fields: Any) -> dict[str, Any]:
    return {"moved_on": MOVED_ON, "address": SEOCHO, **fields}


def address_of(session: Session, person_id: int) -> dict[str, Any]:
    residence = repository.current_residence(session, person_id)
    assert residence is not None
    row = session.get_one(Address, residence.address_id)
    return {"sigungu_code": row.sigungu_code, "road_name": row.road_name}


def test_a_move_into_a_new_household_updates_residents_and_tax(
    resident: Callable[..., Browser], runner: CaseRunner, session: Session
) -> None:
    mover = resident("김민준", "1990-01-01")
    filed = mover.post("/api/lifeevents/moving-in", json=report())
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["state"] == "running"
    assert [(s["name"], s["state"]) for s in case["steps"]] == [
        ("residents", "due"),
        ("tax", "waiting"),
    ]

    runner.run_due()

    done = mover.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done", done
    assert {s["name"]: s["state"] for s in done["steps"]} == {"residents": "done", "tax": "done"}
    assert address_of(session, mover.info["person_id"]) == {
        "sigungu_code": "11650",
        "road_name": "서초대로",
    }


def test_a_late_report_is_refused_with_the_deadline_and_nothing_is_filed(
    resident: Callable[..., Browser], session: Session
) -> None:
    mover = resident("김민준", "1990-01-01")
    before = count_rows(session, "lifeevents_case")
    refused = mover.post("/api/lifeevents/moving-in", json=report(moved_on="2026-02-01"))
    body = assert_problem(refused, 422, "moving_in_late")
    assert "14 days" in body["detail"]
    assert count_rows(session, "lifeevents_case") == before


def test_a_minor_cannot_file(resident: Callable[..., Browser], session: Session) -> None:
    minor = resident("김하늘", "2010-05-05")
    refused = minor.post("/api/lifeevents/moving-in", json=report())
    assert_problem(refused, 403, "minor_cannot_file")
    assert count_rows(session, "lifeevents_case") == 0


def test_joining_a_household_waits_for_its_head(
    resident: Callable[..., Browser], runner: CaseRunner, session: Session
) -> None:
    head = resident("이서연", "1985-05-05", at=SEOCHO, sex="F")
    mover = resident("김민준", "1990-01-01")
    filed = mover.post(
        "/api/lifeevents/moving-in",
        json=report(join_household=True, head_name="이서연", relation="spouse"),
    )
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["state"] == "awaiting_confirmation"

    runner.run_due()
    assert address_of(session, mover.info["person_id"])["sigungu_code"] == "11680"

    waiting = head.get("/api/lifeevents/confirmations").json()
    assert [c["id"] for c in waiting] == [case["id"]]
    confirmed = head.post(f"/api/lifeevents/cases/{case['id']}/confirmation")
    assert confirmed.status_code == 200, confirmed.text
    runner.run_due()

    assert mover.get(f"/api/lifeevents/cases/{case['id']}").json()["state"] == "done"
    membership = repository.current_membership(session, mover.info["person_id"])
    assert membership is not None
    assert membership.household_id == head.info["household_id"]
    assert membership.relation == "spouse"


def test_a_declining_head_cancels_the_report_and_nothing_changes(
    resident: Callable[..., Browser], runner: CaseRunner, session: Session
) -> None:
    resident("이서연", "1985-05-05", at=SEOCHO, sex="F")
    head = resident("박서준", "1980-03-03", at=SEOCHO)
    mover = resident("김민준", "1990-01-01")
    case = mover.post(
        "/api/lifeevents/moving-in",
        json=report(join_household=True, head_name="박서준", relation="sibling"),
    ).json()
    declined = head.post(
        f"/api/lifeevents/cases/{case['id']}/decline", json={"reason": "모르는 사람입니다"}
    )
    assert declined.status_code == 200, declined.text
    runner.run_due()

    final = mover.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert final["state"] == "cancelled"
    assert {s["state"] for s in final["steps"]} == {"cancelled"}
    assert address_of(session, mover.info["person_id"])["sigungu_code"] == "11680"


def test_only_the_named_head_confirms(resident: Callable[..., Browser], session: Session) -> None:
    resident("이서연", "1985-05-05", at=SEOCHO, sex="F")
    mover = resident("김민준", "1990-01-01")
    stranger = resident("최유진", "1970-07-07", at=HAEUNDAE)
    case = mover.post(
        "/api/lifeevents/moving-in",
        json=report(join_household=True, head_name="이서연", relation="spouse"),
    ).json()
    assert_problem(
        stranger.post(f"/api/lifeevents/cases/{case['id']}/confirmation"), 404, "case_unknown"
    )
    assert_problem(
        mover.post(f"/api/lifeevents/cases/{case['id']}/confirmation"), 403, "not_confirmer"
    )


def test_an_unknown_household_head_is_a_form_error(resident: Callable[..., Browser]) -> None:
    mover = resident("김민준", "1990-01-01")
    refused = mover.post(
        "/api/lifeevents/moving-in",
        json=report(join_household=True, head_name="홍길동", relation="spouse"),
    )
    body = assert_problem(refused, 422, "household_not_found")
    assert body["field"] == "head_name"


def test_a_step_key_applies_the_move_once(
    resident: Callable[..., Browser], runner: CaseRunner, session: Session
) -> None:
    mover = resident("김민준", "1990-01-01")
    case = mover.post("/api/lifeevents/moving-in", json=report()).json()
    runner.run_due()
    moves = count_rows(session, "residents_residence")

    # As if the agency's answer had been lost after it committed: the step is sent again.
    step = session.scalars(
        select(Step).where(Step.case_id == case["id"], Step.name == "residents")
    ).one()
    step.state, step.next_attempt_at = "due", step.finished_at
    session.get_one(Case, case["id"]).state = "running"
    session.commit()
    runner.run_due()

    assert count_rows(session, "residents_residence") == moves
    session.refresh(step)
    assert step.state == "done"
    assert step.answer is not None and step.answer["repeated"] is True
