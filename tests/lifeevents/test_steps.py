"""How a case's steps behave when an agency is down or refuses: retries with back-off, a flag
for the agency's officials, their retry or resolution; and the vehicles that follow a move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import FixedClock
from nara.lifeevents.engine import CaseRunner, StepPlan, open_case
from nara.lifeevents.models import Step
from nara.residents.moves import move
from nara.residents.schemas import MoveCreate
from nara.vehicles.models import Vehicle
from tests.applications.conftest import Browser
from tests.lifeevents.conftest import HAEUNDAE, SEOCHO
from tests.support import assert_problem, count_rows

MOVED_ON = "2026-02-25"


def file(mover: Browser, **fields: Any) -> dict[str, Any]:
    response = mover.post(
        "/api/lifeevents/moving-in", json={"moved_on": MOVED_ON, "address": SEOCHO, **fields}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def step(session: Session, case_id: int, name: str) -> Step:
    found = session.scalars(select(Step).where(Step.case_id == case_id, Step.name == name)).one()
    session.refresh(found)
    return found


def test_listed_vehicles_follow_a_move_within_the_province(
    resident: Callable[..., Browser],
    car: Callable[..., dict[str, Any]],
    runner: CaseRunner,
    session: Session,
) -> None:
    mover = resident("김민준", "1990-01-01")
    car(mover.info["person_id"], "12가3456")
    case = file(mover, vehicles=["12가3456"])
    runner.run_due()

    assert mover.get(f"/api/lifeevents/cases/{case['id']}").json()["state"] == "done"
    vehicle = session.scalars(select(Vehicle).where(Vehicle.plate == "12가3456")).one()
    session.refresh(vehicle)
    assert (vehicle.sigungu_code, vehicle.road_name) == ("11650", "서초대로")


def test_a_move_to_another_province_leaves_the_vehicle_and_says_what_to_do(
    resident: Callable[..., Browser],
    car: Callable[..., dict[str, Any]],
    runner: CaseRunner,
) -> None:
    mover = resident("김민준", "1990-01-01")
    car(mover.info["person_id"], "12가3456")
    case = file(mover, address=HAEUNDAE, vehicles=["12가3456"])

    assert [s["name"] for s in case["steps"]] == ["residents", "tax"]
    [advice] = case["outcome"]["vehicle_advice"]
    assert advice["code"] == "vehicle_province_crossing"
    assert "change of registration" in advice["en"]
    runner.run_due()
    assert mover.get(f"/api/lifeevents/cases/{case['id']}").json()["state"] == "done"


def test_someone_elses_vehicle_is_refused_at_filing(
    resident: Callable[..., Browser], car: Callable[..., dict[str, Any]], session: Session
) -> None:
    owner = resident("이서연", "1985-05-05", sex="F")
    car(owner.info["person_id"], "34나5678")
    mover = resident("김민준", "1990-01-01")
    refused = mover.post(
        "/api/lifeevents/moving-in",
        json={"moved_on": MOVED_ON, "address": SEOCHO, "vehicles": ["34나5678"]},
    )
    assert_problem(refused, 403, "vehicle_not_owned")
    assert count_rows(session, "lifeevents_case") == 0


def test_an_agency_that_is_down_is_retried_with_back_off_until_it_answers(
    resident: Callable[..., Browser], runner: CaseRunner, session: Session, clock: FixedClock
) -> None:
    mover = resident("김민준", "1990-01-01")
    case = file(mover)
    everyone = runner.exchange.local_agencies
    runner.exchange.local_agencies = frozenset({"residents", "vehicles"})  # tax unreachable
    try:
        runner.run_due()
        tax = step(session, case["id"], "tax")
        assert (tax.state, tax.attempts, tax.error_code) == ("due", 1, "provider_unreachable")
        assert tax.next_attempt_at is not None
        first_delay = tax.next_attempt_at - clock.now()
        assert dt.timedelta(seconds=1) <= first_delay <= dt.timedelta(seconds=2)

        clock.advance(dt.timedelta(seconds=3))
        runner.run_due()
        tax = step(session, case["id"], "tax")
        assert tax.attempts == 2
        assert tax.next_attempt_at is not None
        assert tax.next_attempt_at - clock.now() > first_delay  # backing off
        assert mover.get(f"/api/lifeevents/cases/{case['id']}").json()["state"] == "running"
    finally:
        runner.exchange.local_agencies = everyone
    clock.advance(dt.timedelta(seconds=10))
    runner.run_due()
    assert step(session, case["id"], "tax").state == "done"
    assert mover.get(f"/api/lifeevents/cases/{case['id']}").json()["state"] == "done"


def test_a_refused_step_after_the_move_is_flagged_for_the_agencys_officials(
    *,
    resident: Callable[..., Browser],
    car: Callable[..., dict[str, Any]],
    runner: CaseRunner,
    session: Session,
    client: TestClient,
    auth: Callable[..., dict[str, str]],
    official_of: Callable[..., Browser],
) -> None:
    mover = resident("김민준", "1990-01-01")
    vehicle = car(mover.info["person_id"], "12가3456")
    case = file(mover, vehicles=["12가3456"])
    scrapped = client.post(
        f"/api/vehicles/{vehicle['id']}/deregistration",
        json={"reason": "scrapped"},
        headers=auth("vehicles:read", "vehicles:write"),
    )
    assert scrapped.status_code == 200, scrapped.text
    runner.run_due()

    flagged = mover.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert flagged["state"] == "attention"
    steps = {s["name"]: s for s in flagged["steps"]}
    assert steps["residents"]["state"] == "done"  # the move stands
    assert steps["tax"]["state"] == "done"
    assert (steps["vehicles"]["state"], steps["vehicles"]["error_code"]) == (
        "attention",
        "vehicle_deregistered",
    )

    clerk = official_of("vehicles", "vehicles.kim")
    queue = clerk.get("/api/lifeevents/attention").json()
    assert [c["id"] for c in queue] == [case["id"]]
    stranger = official_of("tax", "tax.lee")
    assert stranger.get("/api/lifeevents/attention").json() == []
    assert_problem(
        stranger.post(
            f"/api/lifeevents/cases/{case['id']}/steps/vehicles/resolution",
            json={"note": "폐차 확인"},
        ),
        403,
        "permission_missing",
    )

    retried = clerk.post(f"/api/lifeevents/cases/{case['id']}/steps/vehicles/retry")
    assert retried.status_code == 200, retried.text
    runner.run_due()
    assert step(session, case["id"], "vehicles").state == "attention"  # still scrapped

    resolved = clerk.post(
        f"/api/lifeevents/cases/{case['id']}/steps/vehicles/resolution",
        json={"note": "차량이 폐차되어 주소 변경이 필요 없음"},
    )
    assert resolved.status_code == 200, resolved.text
    final = resolved.json()
    assert final["state"] == "done"
    assert {s["name"]: s["state"] for s in final["steps"]}["vehicles"] == "resolved"
    assert count_rows(session, "identity_audit") >= 2


def test_a_refusal_before_anything_changed_fails_the_case_with_the_agencys_message(
    resident: Callable[..., Browser], runner: CaseRunner, session: Session
) -> None:
    mover = resident("김민준", "1990-01-01")
    case = file(mover)
    # The mover registers a later move at the desk before the case runs: his report is stale.
    move(
        session=session,
        clock=runner.clock,
        actor="desk",
        person_id=mover.info["person_id"],
        move_in=MoveCreate(
            address=RoadAddress.model_validate(HAEUNDAE),
            moved_on=dt.date(2026, 2, 27),
            new_household=True,
        ),
    )
    session.commit()
    runner.run_due()

    failed = mover.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert failed["state"] == "failed"
    steps = {s["name"]: s for s in failed["steps"]}
    assert steps["residents"]["state"] == "failed"
    assert steps["residents"]["error_en"]
    assert steps["tax"]["state"] == "cancelled"
    assert steps["residents"]["error_code"] == "date_before_current_residence"


@pytest.mark.parametrize(
    ("service", "params", "code"),
    [
        ("tax/taxpayer-address", {"moved_on": "the day after"}, "params_invalid"),
        ("tax/taxpayer-address", {"moved_on": MOVED_ON, "unknown": 1}, "params_invalid"),
        ("tax/address-of-taxpayer", {"moved_on": MOVED_ON}, "service_unknown"),
    ],
)
def test_a_step_that_does_not_fit_its_contract_is_refused_not_crashed(
    *,
    resident: Callable[..., Browser],
    runner: CaseRunner,
    session: Session,
    service: str,
    params: dict[str, Any],
    code: str,
) -> None:
    mover = resident("김민준", "1990-01-01")
    person_id = mover.info["person_id"]
    case = open_case(
        session,
        runner.clock,
        kind="moving-in",
        applicant_person_id=person_id,
        applicant_account_id=None,
        report={},
        steps=[
            StepPlan(
                name="tax",
                stage=0,
                service=service,
                purpose="address-follows-move",
                params={"person_id": person_id, "address": SEOCHO, **params},
            )
        ],
        actor="test",
    )
    session.commit()
    runner.run_due()

    refused = step(session, case.id, "tax")
    assert (refused.state, refused.attempts, refused.error_code) == ("failed", 1, code)
    assert refused.error_en
    assert refused.answer is None
    session.refresh(case)
    assert case.state == "failed"
