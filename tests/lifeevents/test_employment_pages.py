"""The employment report's page: the businesses the citizen represents, the error summary,
and a filed report leading to its case page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from nara.lifeevents.engine import CaseRunner
from tests.applications.conftest import Browser
from tests.lifeevents.test_employment import (
    STARTED_ON,
    Employee,
    business,
    employ,
    employee,
    employer,
    needs_identity_check,
)
from tests.support import count_rows

__all__ = ["business", "employ", "employee", "employer"]  # fixtures


def hire_form(firm: dict[str, Any], person: Employee, **fields: str) -> dict[str, str]:
    return {
        "brn": firm["brn"],
        "kind": "hire",
        "employee_name": person.name,
        "employee_birth_date": person.born,
        "employee_rrn": f"{person.rrn[:6]}-{person.rrn[6:]}",
        "started_on": STARTED_ON,
        "job_title": "회계 담당",
        "monthly_wage_won": "3,200,000",
        **fields,
    }


def test_the_form_lists_the_businesses_the_citizen_represents(
    employer: Browser, business: Callable[..., dict[str, Any]]
) -> None:
    firm = business(employer.info["person_id"], name="한빛상사")
    page = employer.get("/life-events/employment")
    assert page.status_code == 200
    assert "한빛상사" in page.text
    assert f'value="{firm["brn"]}"' in page.text


def test_a_citizen_who_represents_no_business_is_told_so(employer: Browser) -> None:
    page = employer.get("/life-events/employment")
    assert page.status_code == 200
    assert 'id="no-business"' in page.text
    assert 'id="employment-form"' not in page.text


@needs_identity_check
def test_filing_a_hire_from_the_form_opens_the_case_page(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    runner: CaseRunner,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    filed = employer.post(
        "/life-events/employment", data=hire_form(firm, person), follow_redirects=False
    )
    assert filed.status_code == 303, filed.text
    runner.run_due()
    page = employer.get(filed.headers["location"])
    assert page.status_code == 200
    assert 'data-state="done"' in page.text
    assert person.rrn not in page.text


def test_filing_a_leave_from_the_form_opens_the_case_page(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    employ: Callable[[dict[str, Any], Employee], int],
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    employ(firm, person)
    filed = employer.post(
        "/life-events/employment",
        data={
            "brn": firm["brn"],
            "kind": "leave",
            "employee_name": person.name,
            "employee_birth_date": person.born,
            "ended_on": "2026-03-01",
            "reason": "contract_end",
        },
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    assert filed.headers["location"].startswith("/life-events/cases/")


def test_a_late_hire_shows_the_error_summary_and_files_nothing(
    employer: Browser,
    business: Callable[..., dict[str, Any]],
    employee: Callable[..., Employee],
    session: Session,
) -> None:
    firm = business(employer.info["person_id"])
    person = employee()
    refused = employer.post(
        "/life-events/employment", data=hire_form(firm, person, started_on="2026-01-10")
    )
    assert refused.status_code == 422
    assert "data-error-summary" in refused.text
    assert 'href="#started-on"' in refused.text
    assert "고용센터" in refused.text
    assert person.rrn[6:] not in refused.text  # the number is not echoed back
    assert count_rows(session, "lifeevents_case") == 0


def test_a_bad_wage_is_a_form_error_not_a_crash(
    employer: Browser, business: Callable[..., dict[str, Any]], employee: Callable[..., Employee]
) -> None:
    firm = business(employer.info["person_id"])
    refused = employer.post(
        "/life-events/employment",
        data=hire_form(firm, employee(), monthly_wage_won="삼백만"),
    )
    assert refused.status_code == 422
    assert 'href="#monthly-wage"' in refused.text
