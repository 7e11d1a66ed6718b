"""Portal pages of the employment report (고용 신고).

`/life-events/employment` is the form of an employer: the business is chosen among those the
business register says the citizen represents; a hire names the employee (name, birth date
and resident registration number, checked by the resident register) with the first day, job
title and monthly wage; a leave names the employee (name and birth date) with the first day
no longer employed and the reason. The report is checked by `nara.lifeevents.employment` as
the JSON API does; a refusal re-renders the form with the error summary, and a filed report
leads to its case page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Message, NaraError
from nara.core.pii import PiiCipher
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import CallContext, Exchange, ExchangeDep
from nara.exchange.contracts.business import EmployerFacts
from nara.identity.access import Principal, require_citizen
from nara.lifeevents.employment import (
    PURPOSE,
    REPORT_DAY,
    EmploymentReportCreate,
    businesses_represented,
    file_employment,
)
from nara.lifeevents.engine import CLIENT
from nara.lifeevents.moving_in import Filer
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

Citizen = Annotated[Principal, Depends(require_citizen())]

REASONS: tuple[tuple[str, Message], ...] = (
    ("resignation", Message("Resignation", "자진 퇴사")),
    ("dismissal", Message("Dismissal", "해고")),
    ("contract_end", Message("End of the contract", "계약 기간 만료")),
    ("retirement", Message("Retirement", "정년 퇴직")),
    ("business_closure", Message("Closure of the business", "폐업·도산")),
    ("death", Message("Death", "사망")),
    ("other", Message("Other", "기타")),
)
LABELS: dict[str, Message] = {
    "brn": Message("Business", "사업장"),
    "kind": Message("What you report", "신고 종류"),
    "employee_name": Message("Employee's name", "근로자 성명"),
    "employee_birth_date": Message("Employee's birth date", "근로자 생년월일"),
    "employee_rrn": Message("Employee's resident registration number", "근로자 주민등록번호"),
    "started_on": Message("First day of work", "입사일"),
    "job_title": Message("Job title", "직종(직위)"),
    "monthly_wage_won": Message("Monthly wage (won)", "월 임금(원)"),
    "ended_on": Message("First day no longer employed", "상실일(퇴사 다음 날)"),
    "reason": Message("Reason for leaving", "퇴사 사유"),
}
FIELD_IDS = {
    "brn": "employment-business",
    "kind": "employment-kind-hire",
    "employee_name": "employee-name",
    "employee_birth_date": "employee-birth-date",
    "employee_rrn": "employee-rrn",
    "started_on": "started-on",
    "job_title": "job-title",
    "monthly_wage_won": "monthly-wage",
    "ended_on": "ended-on",
    "reason": "leave-reason",
}
KOREAN_PROBLEMS = {
    "brn": "사업장을 선택하세요.",
    "kind": "채용 또는 퇴사를 선택하세요.",
    "employee_name": "근로자 성명을 입력하세요.",
    "employee_birth_date": "생년월일을 YYYY-MM-DD 형식으로 입력하세요.",
    "employee_rrn": "주민등록번호 13자리를 입력하세요.",
    "started_on": "입사일을 YYYY-MM-DD 형식으로 입력하세요.",
    "job_title": "직종(직위)은 60자 이내로 입력하세요.",
    "monthly_wage_won": "월 임금을 원 단위 숫자로 입력하세요.",
    "ended_on": "상실일을 YYYY-MM-DD 형식으로 입력하세요.",
    "reason": "퇴사 사유를 선택하세요.",
}


def _businesses(
    exchange: Exchange, clock: Clock, cipher: PiiCipher, session: Session, citizen: Principal
) -> list[EmployerFacts]:
    """The businesses the citizen represents, from the business register."""
    assert citizen.person_id is not None  # noqa: S101  (a citizen is bound to a person)
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=CLIENT,
        purpose=PURPOSE,
        user_id=citizen.actor,
    )
    return businesses_represented(exchange, ctx, citizen.person_id)


def _page(
    request: Request,
    citizen: Principal,
    *,
    businesses: list[EmployerFacts],
    values: dict[str, Any],
    errors: list[tuple[str, str]],
    problems: dict[str, str],
    clock: Clock,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "portal/lifeevents/employment_form.html",
        {
            "businesses": businesses,
            "values": values,
            "errors": errors,
            "problems": problems,
            "reasons": REASONS,
            "report_day": REPORT_DAY,
            "today": today(clock).isoformat(),
        },
        status_code=status_code,
        principal=citizen,
    )


@router.get("/life-events/employment", response_class=HTMLResponse)
def employment_form(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> HTMLResponse:
    """The employment report's form, with the businesses the citizen represents."""
    businesses = _businesses(exchange, clock, cipher, session, citizen)
    first = next((b.brn for b in businesses if b.status != "closed"), "")
    return _page(
        request,
        citizen,
        businesses=businesses,
        values={"brn": first, "kind": "hire", "started_on": today(clock).isoformat()},
        errors=[],
        problems={},
        clock=clock,
    )


def _report_of(form: dict[str, str]) -> dict[str, Any]:
    """The JSON of a report from the form's fields (validated by `EmploymentReportCreate`)."""
    hiring = form["kind"] == "hire"
    wage = form["monthly_wage_won"].replace(",", "").strip()
    return {
        "brn": form["brn"],
        "kind": form["kind"],
        "employee_name": form["employee_name"].strip(),
        "employee_birth_date": form["employee_birth_date"] or None,
        "employee_rrn": (form["employee_rrn"].replace("-", "").strip() or None) if hiring else None,
        "started_on": (form["started_on"] or None) if hiring else None,
        "job_title": (form["job_title"].strip() or None) if hiring else None,
        "monthly_wage_won": (wage or None) if hiring else None,
        "ended_on": None if hiring else (form["ended_on"] or None),
        "reason": None if hiring else (form["reason"] or None),
    }


def _validation_problems(request: Request, error: ValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    english = language(request) == "en"
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "kind"
        if name not in FIELD_IDS:
            name = "kind"
        problems.setdefault(name, item["msg"] if english else KOREAN_PROBLEMS[name])
    return problems


@router.post("/life-events/employment", response_class=HTMLResponse)
def file_employment_page(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    brn: Annotated[str, Form(max_length=14)] = "",
    kind: Annotated[str, Form(max_length=10)] = "hire",
    employee_name: Annotated[str, Form(max_length=60)] = "",
    employee_birth_date: Annotated[str, Form(max_length=20)] = "",
    employee_rrn: Annotated[str, Form(max_length=20)] = "",
    started_on: Annotated[str, Form(max_length=20)] = "",
    job_title: Annotated[str, Form(max_length=100)] = "",
    monthly_wage_won: Annotated[str, Form(max_length=20)] = "",
    ended_on: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    """File the report; a refusal shows the form again with its errors."""
    form = {
        "brn": brn,
        "kind": kind,
        "employee_name": employee_name,
        "employee_birth_date": employee_birth_date,
        "employee_rrn": employee_rrn,
        "started_on": started_on,
        "job_title": job_title,
        "monthly_wage_won": monthly_wage_won,
        "ended_on": ended_on,
        "reason": reason,
    }
    problems: dict[str, str] = {}
    try:
        report = EmploymentReportCreate.model_validate(_report_of(form))
    except ValidationError as invalid:
        problems = _validation_problems(request, invalid)
    else:
        assert citizen.person_id is not None  # noqa: S101
        try:
            case = file_employment(
                session,
                clock,
                exchange=exchange,
                cipher=cipher,
                filer=Filer(citizen.person_id, citizen.account_id, citizen.actor),
                report=report,
            )
        except NaraError as refused:
            name = str(refused.extra.get("field", "")) or "brn"
            problems[name if name in FIELD_IDS else "brn"] = message_of(request, refused)
        else:
            return RedirectResponse(f"/life-events/cases/{case.id}", status_code=303)
    lang = language(request)
    errors = [
        (FIELD_IDS[name], f"{LABELS[name].in_language(lang)}: {text}")
        for name, text in problems.items()
    ]
    return _page(
        request,
        citizen,
        businesses=_businesses(exchange, clock, cipher, session, citizen),
        values={**form, "employee_rrn": ""},
        errors=errors,
        problems=problems,
        clock=clock,
        status_code=422,
    )
