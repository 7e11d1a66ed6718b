"""The employment report (고용 신고): an employer reports a hire or a leave once; the business
register records it and its events tell the tax office and the insurance office."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.app import Platform, install_subscriptions
from nara.core.clock import FixedClock
from nara.core.errors import NaraError
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.exchange.pubsub import build_worker, declared_consumers
from nara.lifeevents.employment import due_date
from nara.lifeevents.engine import CaseRunner
from nara.residents import exchange as residents_exchange
from nara.tax.models import EmploymentNotice
from nara.welfare.models import InsuranceRecord
from tests.applications.conftest import Browser
from tests.business.conftest import brn
from tests.factories import make_person, regional_rrn
from tests.support import assert_problem, call_json, count_rows

IDENTITY_CHECK = next(
    service for service in residents_exchange.SERVICES if service.id == "residents/identity-check"
)
needs_identity_check = pytest.mark.skipif(
    IDENTITY_CHECK.purpose("employment-report") is None,
    reason="residents/identity-check does not declare the purpose employment-report yet",
)
"""A hire names its employee by name, birth date and RRN, checked by the resident register
for the purpose of the employment report."""

STARTED_ON = "2026-02-20"  # the clock reads 2026-03-02: due by 2026-03-15
WRITTEN = ("lifeevents_case", "lifeevents_step", "business_employment", "business_change")


@dataclass(frozen=True)
class Employee:
    person_id: int
    name: str
    born: str
    rrn: str


@pytest.fixture
def employer(resident: Callable[..., Browser]) -> Browser:
    """A signed-in citizen, 박대표, who will represent a business."""
    return resident("박대표", "1975-05-05")


@pytest.fixture
def business(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> Callable[..., dict[str, Any]]:
    """`business(representative_id)` → a registered business (its JSON) led by that person."""
    serials = iter(range(10_000, 99_999))
    headers = auth("business:read", "business:write")

    def make(representative_id: int, **overrides: Any) -> dict[str, Any]:
        body = {
            "brn": brn(f"2204{next(serials)}"),
            "name": "나라상사",
            "kind": "individual",
            "representative_person_id": representative_id,
            "industry_code": "47190",
            "opened_on": "2015-01-01",
            "address": {
                "sigungu_code": "11680",
                "road_name": "테헤란로",
                "building_main": 152,
                "address_detail": "3층",
                "postcode": "06236",
            },
        } | overrides
        response = client.post("/api/business/businesses", json=body, headers=headers)
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        return made

    return make


@pytest.fixture
def employee(session: Session, cipher: PiiCipher) -> Callable[..., Employee]:
    """`employee("이지은", "1998-07-01")` → a registered resident with a known RRN."""

    def make(name: str = "이지은", born: str = "1998-07-01", **fields: Any) -> Employee:
        birth = dt.date.fromisoformat(born)
        rrn = regional_rrn(birth, "F")
        person = make_person(session, cipher, name_ko=name, birth=birth, sex="F", rrn=rrn, **fields)
        session.commit()
        return Employee(person.id, name, born, rrn)

    return make


@pytest.fixture
def employ(
    client: TestClient, auth: Callable[..., dict[str, str]]
) -> Callable[[dict[str, Any], Employee], int]:
    """`employ(firm, person)` → the id of an employment the register recorded on 2026-02-20."""
    headers = auth("business:read", "business:write")

    def make(firm: dict[str, Any], person: Employee) -> int:
        response = client.post(
            f"/api/business/businesses/{firm['id']}/employments",
            json={
                "person_id": person.person_id,
                "job_title": "회계 담당",
                "started_on": STARTED_ON,
                "monthly_wage_won": 3_200_000,
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    return make


def hire(firm: dict[str, Any], person: Employee, **fields: Any) -> dict[str, Any]:
    return {
        "brn": firm["brn"],
        "kind": "hire",
        "employee_name": person.name,
        "employee_birth_date": person.born,
        "employee_rrn": person.rrn,
        "started_on": STARTED_ON,
        "job_title": "회계 담당",
        "monthly_wage_won": 3_200_000,
        **fields,
    }


def leave(firm: dict[str, Any], person: Employee, **fields: Any) -> dict[str, Any]:
    return {
        "brn": firm["brn"],
        "kind": "leave",
        "employee_name": person.name,
        "employee_birth_date": person.born,
        "ended_on": "2026-03-01",
        "reason": "resignation",
        **fields,
    }


@pytest.fixture
def deliver(platform: Platform, runner: CaseRunner) -> Callable[[], None]:
    """Run what `nara worker` runs: the cases' steps, then fan-out and delivery of events to
    the tax and insurance offices' consumers, subscribed as at install."""
    install_subscriptions(platform)
    modules = [importlib.import_module(f"nara.{agency}.exchange") for agency in ("tax", "welfare")]
    worker = build_worker(
        platform.settings,
        session_factory=platform.session_factory,
        clock=platform.clock,
        consumers=declared_consumers(modules),
        jobs=[runner.run_due],
    )

    def run() -> None:
        worker.run_until_idle()

    return run


def counts(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in WRITTEN}


def notices(session: Session, person_id: int) -> list[tuple[str, str]]:
    tax = session.scalars(
        select(EmploymentNotice).where(EmploymentNotice.person_id == person_id)
    ).all()
    welfare = session.scalars(
        select(InsuranceRecord).where(InsuranceRecord.person_id == person_id)
    ).all()
    return sorted(
        [("tax", f"{row.kind} {row.on}") for row in tax]
        + [("welfare", f"{row.kind} {row.occurred_on}") for row in welfare]
    )


# The deadline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("happened", "due"),
    [("2026-02-20", "2026-03-15"), ("2026-12-31", "2027-01-15"), ("2026-03-01", "2026-04-15")],
)
def test_a_hire_or_leave_is_due_by_the_15th_of_the_next_month(happened: str, due: str) -> None:
    assert due_date(dt.date.fromisoformat(happened)) == dt.date.fromisoformat(due)


# Happy paths ---------------------------------------------------------------------------------


@needs_identity_check
def test_a_hire_is_recorded_and_tax_and_welfare_are_told(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    deliver: Callable[[], None],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    filed = employer.post("/api/lifeevents/employment", json=hire(firm, person))
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["kind"] == "employment"
    assert [(s["name"], s["state"]) for s in case["steps"]] == [("business", "due")]
    assert "employee_rrn" not in case["report"]
    assert person.rrn not in filed.text

    deliver()

    done = employer.get(f"/api/lifeevents/cases/{case['id']}").json()
    assert done["state"] == "done", done
    answer = done["steps"][0]["answer"]
    assert answer["kind"] == "hire"
    assert answer["person_id"] == person.person_id
    assert answer["business_id"] == firm["id"]
    assert notices(session, person.person_id) == [
        ("tax", "hired 2026-02-20"),
        ("welfare", "acquired 2026-02-20"),
    ]


def test_a_leave_ends_the_employment_and_tax_and_welfare_are_told(
    *,
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    employ: Callable[[dict[str, Any], Employee], int],
    deliver: Callable[[], None],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    employment_id = employ(firm, person)
    deliver()

    filed = employer.post("/api/lifeevents/employment", json=leave(firm, person))
    assert filed.status_code == 201, filed.text
    assert filed.json()["report"]["employment_id"] == employment_id
    deliver()

    done = employer.get(f"/api/lifeevents/cases/{filed.json()['id']}").json()
    assert done["state"] == "done", done
    assert done["steps"][0]["answer"]["employment_id"] == employment_id
    assert done["steps"][0]["answer"]["kind"] == "leave"
    assert notices(session, person.person_id) == [
        ("tax", "hired 2026-02-20"),
        ("tax", "left 2026-03-01"),
        ("welfare", "acquired 2026-02-20"),
        ("welfare", "lost 2026-03-01"),
    ]


def test_a_leave_is_matched_by_name_and_birth_date_among_the_employees(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    employ: Callable[[dict[str, Any], Employee], int],
) -> None:
    firm = business(employer.info["person_id"])
    employ(firm, employee("이지은", "1998-07-01"))
    namesake = employee("이지은", "1999-09-09")
    kept = employ(firm, namesake)
    filed = employer.post("/api/lifeevents/employment", json=leave(firm, namesake))
    assert filed.status_code == 201, filed.text
    assert filed.json()["report"]["employment_id"] == kept


# Refusals: nothing written ----------------------------------------------------------------


def test_only_the_representative_may_report(
    employer: Browser,
    resident: Callable[..., Browser],
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    stranger = resident("최민수", "1980-08-08")
    before = counts(session)
    refused = stranger.post("/api/lifeevents/employment", json=hire(firm, employee()))
    body = assert_problem(refused, 403, "not_representative")
    assert "representative" in body["detail"]
    assert counts(session) == before


@pytest.mark.parametrize(
    ("action", "change", "code"),
    [
        ("close", {"closed_on": "2026-01-31", "reason": "폐업"}, "business_closed"),
        ("suspend", {"suspended_on": "2026-01-31", "reason": "경기 침체"}, "business_not_active"),
    ],
    ids=["closed", "suspended"],
)
def test_a_business_not_in_operation_reports_nothing(
    *,
    action: str,
    change: dict[str, str],
    code: str,
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    client: TestClient,
    auth: Callable[..., dict[str, str]],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    changed = client.post(
        f"/api/business/businesses/{firm['id']}/{action}",
        json=change,
        headers=auth("business:read", "business:write"),
    )
    assert changed.status_code == 200, changed.text
    before = counts(session)
    refused = employer.post("/api/lifeevents/employment", json=hire(firm, employee()))
    assert_problem(refused, 409, code)
    assert counts(session) == before


@needs_identity_check
@pytest.mark.parametrize(
    "wrong",
    [
        {"employee_name": "이지원"},
        {"employee_birth_date": "1998-07-02"},
        {"employee_rrn": "9001011234568"},
    ],
)
def test_an_employee_the_register_does_not_know_is_refused(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
    wrong: dict[str, str],
) -> None:
    firm = business(employer.info["person_id"])
    before = counts(session)
    refused = employer.post("/api/lifeevents/employment", json=hire(firm, employee(), **wrong))
    body = assert_problem(refused, 422, "employee_unknown")
    assert body["field"] == "employee_name"
    assert counts(session) == before


@needs_identity_check
def test_a_deceased_person_cannot_be_hired(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    before = counts(session)
    refused = employer.post(
        "/api/lifeevents/employment", json=hire(firm, employee(status="deceased"))
    )
    assert_problem(refused, 422, "employee_unknown")
    assert counts(session) == before


def test_a_late_hire_is_refused_with_the_deadline_and_the_employment_centre(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    before = counts(session)
    refused = employer.post(
        "/api/lifeevents/employment", json=hire(firm, employee(), started_on="2026-01-10")
    )
    body = assert_problem(refused, 422, "employment_report_late")
    assert "2026-02-15" in body["detail"]
    assert "employment centre" in body["detail"]
    assert body["field"] == "started_on"
    assert counts(session) == before


def test_a_child_under_15_cannot_be_hired(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    refused = employer.post(
        "/api/lifeevents/employment", json=hire(firm, employee("김하늘", "2012-05-05"))
    )
    body = assert_problem(refused, 422, "under_working_age")
    assert body["field"] == "employee_birth_date"
    assert count_rows(session, "lifeevents_case") == 0


def test_a_hire_in_the_future_is_refused(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    refused = employer.post(
        "/api/lifeevents/employment", json=hire(firm, employee(), started_on="2026-03-03")
    )
    assert_problem(refused, 422, "date_in_future")
    assert count_rows(session, "lifeevents_case") == 0


@needs_identity_check
def test_a_person_already_employed_there_is_not_hired_twice(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    employ: Callable[[dict[str, Any], Employee], int],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    employ(firm, person)
    before = counts(session)
    refused = employer.post("/api/lifeevents/employment", json=hire(firm, person))
    assert_problem(refused, 409, "already_employed")
    assert counts(session) == before


def test_the_leave_of_an_ended_employment_is_refused(
    *,
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    employ: Callable[[dict[str, Any], Employee], int],
    deliver: Callable[[], None],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    employ(firm, person)
    assert employer.post("/api/lifeevents/employment", json=leave(firm, person)).status_code == 201
    deliver()
    before = counts(session)
    refused = employer.post("/api/lifeevents/employment", json=leave(firm, person))
    body = assert_problem(refused, 409, "employment_not_open")
    assert "ended" in body["detail"]
    assert counts(session) == before


def test_the_leave_of_someone_never_hired_is_refused(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    refused = employer.post("/api/lifeevents/employment", json=leave(firm, employee()))
    assert_problem(refused, 409, "employment_not_open")
    assert count_rows(session, "lifeevents_case") == 0


def test_a_late_leave_is_refused(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    refused = employer.post(
        "/api/lifeevents/employment", json=leave(firm, employee(), ended_on="2026-02-01")
    )
    body = assert_problem(refused, 422, "employment_report_late")
    assert "2026-02-15" in body["detail"]  # the last day worked was in January
    assert count_rows(session, "lifeevents_case") == 0


def test_a_hire_needs_its_facts(
    employer: Browser, business: Callable[..., dict[str, Any]], employee: Callable[..., Employee]
) -> None:
    firm = business(employer.info["person_id"])
    refused = employer.post(
        "/api/lifeevents/employment", json=hire(firm, employee(), monthly_wage_won=None)
    )
    body = assert_problem(refused, 422, "monthly_wage_won_required")
    assert body["field"] == "monthly_wage_won"


def test_a_leave_before_the_start_is_refused(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    employ: Callable[[dict[str, Any], Employee], int],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    employ(firm, person)
    refused = employer.post(
        "/api/lifeevents/employment", json=leave(firm, person, ended_on="2026-02-10")
    )
    assert_problem(refused, 422, "end_before_start")
    assert count_rows(session, "lifeevents_case") == 0


# The business register's write service -----------------------------------------------------


@pytest.fixture
def gov24(app: Any, session: Session, clock: FixedClock, cipher: PiiCipher) -> Callable[..., Any]:
    """`gov24(**params)` → the answer of `business/employment-report`, called as a case does."""
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client="gov24",
        purpose="employment-report",
        user_id="case:test",
    )

    def call(**params: Any) -> Any:
        return call_json(app.state.exchange, "business/employment-report", ctx, **params)

    return call


def test_the_write_service_applies_a_step_key_once(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    gov24: Callable[..., Any],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    params = {
        "step_key": "employment:1:business",
        "brn": firm["brn"],
        "kind": "hire",
        "representative_person_id": employer.info["person_id"],
        "person_id": person.person_id,
        "started_on": STARTED_ON,
        "job_title": "회계 담당",
        "monthly_wage_won": 3_200_000,
    }
    first = gov24(**params)
    before = counts(session)
    again = gov24(**params)

    assert first == {
        "employment_id": first["employment_id"],
        "business_id": firm["id"],
        "person_id": person.person_id,
        "kind": "hire",
        "repeated": False,
    }
    assert again == {**first, "repeated": True}
    assert counts(session) == before  # no second employment, no second change


def test_the_write_service_refuses_anyone_but_the_representative(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    gov24: Callable[..., Any],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    before = counts(session)
    with pytest.raises(NaraError) as refused:
        gov24(
            step_key="employment:2:business",
            brn=firm["brn"],
            kind="hire",
            representative_person_id=employer.info["person_id"] + 1000,
            person_id=employee().person_id,
            started_on=STARTED_ON,
            job_title="회계 담당",
            monthly_wage_won=3_200_000,
        )
    assert refused.value.code == "not_representative"
    assert counts(session) == before
    assert count_rows(session, "core_applied_step") == 0


def test_the_write_service_refuses_to_end_an_ended_employment(
    *,
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    employ: Callable[[dict[str, Any], Employee], int],
    gov24: Callable[..., Any],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    employment_id = employ(firm, employee())
    leave_params = {
        "brn": firm["brn"],
        "kind": "leave",
        "employment_id": employment_id,
        "ended_on": "2026-03-01",
        "reason": "contract_end",
    }
    assert gov24(step_key="employment:3:business", **leave_params)["kind"] == "leave"
    before = counts(session)
    with pytest.raises(NaraError) as refused:
        gov24(step_key="employment:4:business", **leave_params)
    assert refused.value.code == "employment_ended"
    assert counts(session) == before
