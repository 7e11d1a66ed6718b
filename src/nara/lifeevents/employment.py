"""The employment report (고용 신고): an employer reports a hire or a leave, once.

Filing checks what can be checked at once, so that the employer reads a clear message
instead of a failed case:

- the filer represents the business (the business register says so), which is open — a
  suspended business (휴업) takes on nobody, though it may still report someone leaving;
- a hire names a living registered resident aged 15 or more by name, birth date and
  resident registration number (as the insurance acquisition form asks; the number is
  checked by the resident register and kept nowhere), who is not employed there already;
- a leave names, by name and birth date, exactly one person employed at the business now;
- the day is not after today and the report is on time: the acquisition or loss of insured
  status is reported by the 15th of the month after the month it happened (고용보험법 시행령
  제7조); a late report is made at the employment centre, where a fine may apply.

The case has one step: the business register records the hire or leave
(`business/employment-report`). Its events (`employment.started`, `employment.ended`) tell
the tax office and the insurance office through their subscriptions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import age_on
from nara.core.errors import Conflict, Forbidden, Invalid, Message, invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts.business import (
    EMPLOYER_FACTS,
    EMPLOYMENT_REPORT,
    EmployerFacts,
    EmployerFactsRequest,
    OpenEmployment,
)
from nara.exchange.contracts.residents import (
    IDENTITY_CHECK,
    PERSON_SUMMARIES,
    IdentityCheckRequest,
)
from nara.lifeevents.engine import CLIENT, StepPlan, open_case
from nara.lifeevents.models import Case
from nara.lifeevents.moving_in import Filer
from nara.lifeevents.reads import persons

KIND: Final = "employment"
PURPOSE: Final = "employment-report"
"""The purpose of every read and write of this report (고용보험법 제15조)."""
WORKING_AGE: Final = 15
"""Youngest age at which a person may be employed (근로기준법 제64조)."""
REPORT_DAY: Final = 15
"""Reported by the 15th of the month after the hire or leave (고용보험법 시행령 제7조)."""
USES: Final[tuple[str, ...]] = (
    EMPLOYER_FACTS.service,
    EMPLOYMENT_REPORT.service,
    IDENTITY_CHECK.service,
    PERSON_SUMMARIES.service,
)
"""Services of the agencies this kind of case reads and writes (granted to gov24)."""

LeaveReason = Literal[
    "resignation", "dismissal", "contract_end", "retirement", "business_closure", "death", "other"
]


class EmploymentReportCreate(BaseModel):
    """An employer's report of a hire or a leave (persons by name and birth date)."""

    model_config = ConfigDict(extra="forbid")

    brn: str = Field(min_length=10, max_length=12, description="The business (BRN).")
    kind: Literal["hire", "leave"]
    employee_name: str = Field(min_length=1, max_length=40, description="Hangul name.")
    employee_birth_date: dt.date
    employee_rrn: str | None = Field(
        default=None,
        max_length=14,
        description="A hire: the employee's resident registration number, checked with the "
        "name and birth date by the resident register and never stored.",
    )
    started_on: dt.date | None = Field(default=None, description="A hire: the first day.")
    job_title: str | None = Field(default=None, max_length=60)
    monthly_wage_won: int | None = Field(default=None, ge=0, le=10**12)
    ended_on: dt.date | None = Field(
        default=None, description="A leave: the first day no longer employed."
    )
    reason: LeaveReason | None = None


def file_employment(
    session: Session,
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    filer: Filer,
    report: EmploymentReportCreate,
) -> Case:
    """Check an employment report and open its case (nothing is written when a check fails)."""
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=CLIENT,
        purpose=PURPOSE,
        user_id=filer.actor,
    )
    business = represented_business(exchange, ctx, filer.person_id, report.brn)
    if report.kind == "hire":
        plan, summary = _hire(exchange, ctx, business, report)
    else:
        plan, summary = _leave(exchange, ctx, business, report)
    params = {"brn": business.brn, "representative_person_id": filer.person_id, **plan}
    return open_case(
        session,
        clock,
        kind=KIND,
        applicant_person_id=filer.person_id,
        applicant_account_id=filer.account_id,
        report={
            "kind": report.kind,
            "brn": business.brn,
            "business_id": business.business_id,
            "business_name": business.name,
            **summary,
        },
        steps=[
            StepPlan(
                name="business",
                stage=0,
                service=EMPLOYMENT_REPORT.service,
                purpose=PURPOSE,
                params=params,
            )
        ],
        actor=filer.actor,
    )


def finish(session: Session, clock: Clock, case: Case) -> None:
    """Nothing more than the notice: tax and insurance learn of it from the register's events."""


def businesses_represented(
    exchange: Exchange, ctx: CallContext, person_id: int
) -> list[EmployerFacts]:
    """The businesses the person represents, with status and open employments."""
    return exchange.call(EMPLOYER_FACTS, ctx, EmployerFactsRequest(person_id=person_id))


def represented_business(
    exchange: Exchange, ctx: CallContext, person_id: int, brn: str
) -> EmployerFacts:
    """The business of this BRN if the person represents it; refused otherwise."""
    digits = "".join(ch for ch in brn if ch.isdigit())
    for business in businesses_represented(exchange, ctx, person_id):
        if business.brn == digits:
            return business
    raise Forbidden(
        "not_representative",
        Message(
            f"You are not the representative of a business registered under {brn}: only a "
            "business's representative reports its hires and leaves.",
            f"{brn}(으)로 등록된 사업자의 대표자가 아닙니다. 고용 신고는 사업자의 대표자만 할 "
            "수 있습니다.",
        ),
        {"field": "brn"},
    )


def due_date(happened_on: dt.date) -> dt.date:
    """The last day to report what happened on a day: the 15th of the following month."""
    year, month = (
        (happened_on.year + 1, 1)
        if happened_on.month == 12
        else (
            happened_on.year,
            happened_on.month + 1,
        )
    )
    return dt.date(year, month, REPORT_DAY)


def _check_day(clock: Clock, day: dt.date, happened_on: dt.date, field_name: str) -> None:
    now = today(clock)
    if day > now:
        raise invalid(
            "date_in_future",
            f"{day} is after today; report a hire or a leave once it has happened.",
            f"{day}은(는) 오늘 이후입니다. 채용·퇴사가 있은 뒤에 신고하세요.",
            field_name=field_name,
        )
    due = due_date(happened_on)
    if now > due:
        raise invalid(
            "employment_report_late",
            f"A hire or a leave is reported by the {REPORT_DAY}th of the following month "
            f"(Employment Insurance Act Enforcement Decree art. 7); this one was due on {due}. "
            "Report it at your employment centre (고용센터), where a fine for late reporting "
            "may apply.",
            f"고용보험 피보험자격 취득·상실은 그 사유가 발생한 달의 다음 달 {REPORT_DAY}일까지 "
            f"신고해야 합니다(고용보험법 시행령 제7조). 이 신고의 기한은 {due}이었습니다. "
            "관할 고용센터에 신고하세요(과태료가 부과될 수 있습니다).",
            field_name=field_name,
        )


def _missing(field_name: str, en: str, ko: str) -> Invalid:
    return invalid(f"{field_name}_required", en, ko, field_name=field_name)


def _open_business(business: EmployerFacts, *, hiring: bool) -> None:
    if business.status == "closed":
        raise Conflict(
            "business_closed",
            Message(
                f"The business {business.name} closed on {business.closed_on}; it reports "
                "no employment any more.",
                f"사업자 {business.name}은(는) {business.closed_on}에 폐업하여 더 이상 "
                "고용 신고를 할 수 없습니다.",
            ),
            {"field": "brn"},
        )
    if hiring and business.status != "active":
        raise Conflict(
            "business_not_active",
            Message(
                f"The business {business.name} is suspended (휴업): it cannot take on staff "
                "until it resumes.",
                f"사업자 {business.name}은(는) 휴업 중이어서 재개하기 전에는 채용할 수 없습니다.",
            ),
            {"field": "brn"},
        )


def _employee_unknown(en: str, ko: str) -> Invalid:
    return invalid("employee_unknown", en, ko, field_name="employee_name")


def _hire(
    exchange: Exchange, ctx: CallContext, business: EmployerFacts, report: EmploymentReportCreate
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The step's parameters and the case's summary of a hire, once checked."""
    _open_business(business, hiring=True)
    if report.started_on is None:
        raise _missing("started_on", "Give the first day of work.", "입사일을 입력하세요.")
    if not report.job_title:
        raise _missing("job_title", "Give the job title.", "직종(직위)을 입력하세요.")
    if report.monthly_wage_won is None:
        raise _missing(
            "monthly_wage_won", "Give the monthly wage in won.", "월 임금(원)을 입력하세요."
        )
    if not report.employee_rrn:
        raise _missing(
            "employee_rrn",
            "Give the employee's resident registration number.",
            "근로자의 주민등록번호를 입력하세요.",
        )
    _check_day(ctx.clock, report.started_on, report.started_on, "started_on")
    if age_on(report.employee_birth_date, report.started_on) < WORKING_AGE:
        raise invalid(
            "under_working_age",
            f"A person under {WORKING_AGE} cannot be employed (Labor Standards Act art. 64).",
            f"만 {WORKING_AGE}세 미만인 사람은 고용할 수 없습니다(근로기준법 제64조).",
            field_name="employee_birth_date",
        )
    asked = IdentityCheckRequest(
        rrn=report.employee_rrn,
        name_ko=report.employee_name.strip(),
        birth_date=report.employee_birth_date,
    )
    found = exchange.call(IDENTITY_CHECK, ctx, asked)
    if found is None or found.status != "alive":
        raise _employee_unknown(
            "No living registered resident has this name, birth date and resident registration "
            "number. Check them against the employee's identity card.",
            "이 성명·생년월일·주민등록번호를 가진 생존한 주민등록자가 없습니다. 근로자의 "
            "신분증과 대조해 확인하세요.",
        )
    person_id = found.person_id
    if any(e.person_id == person_id for e in business.employees):
        raise Conflict(
            "already_employed",
            Message(
                f"{report.employee_name} is employed at {business.name} already.",
                f"{report.employee_name}은(는) 이미 {business.name}에 재직 중입니다.",
            ),
            {"field": "employee_name"},
        )
    params = {
        "kind": "hire",
        "person_id": person_id,
        "started_on": report.started_on.isoformat(),
        "job_title": report.job_title,
        "monthly_wage_won": report.monthly_wage_won,
    }
    summary = {
        "employee_person_id": person_id,
        "employee_name": report.employee_name.strip(),
        "started_on": report.started_on.isoformat(),
        "job_title": report.job_title,
        "monthly_wage_won": report.monthly_wage_won,
    }
    return params, summary


def _leave(
    exchange: Exchange, ctx: CallContext, business: EmployerFacts, report: EmploymentReportCreate
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The step's parameters and the case's summary of a leave, once checked."""
    _open_business(business, hiring=False)
    if report.ended_on is None:
        raise _missing(
            "ended_on",
            "Give the first day the employee no longer works there.",
            "퇴사 다음 날(상실일)을 입력하세요.",
        )
    if report.reason is None:
        raise _missing("reason", "Choose why the employment ended.", "퇴사 사유를 선택하세요.")
    last_day = report.ended_on - dt.timedelta(days=1)
    _check_day(ctx.clock, report.ended_on, last_day, "ended_on")
    employment = _employment_of(exchange, ctx, business, report)
    if report.ended_on < employment.started_on:
        raise invalid(
            "end_before_start",
            f"This employment began on {employment.started_on}; it cannot end before.",
            f"이 고용은 {employment.started_on}에 시작되어 그 전에 끝날 수 없습니다.",
            field_name="ended_on",
        )
    params = {
        "kind": "leave",
        "employment_id": employment.employment_id,
        "person_id": employment.person_id,
        "ended_on": report.ended_on.isoformat(),
        "reason": report.reason,
    }
    summary = {
        "employee_person_id": employment.person_id,
        "employee_name": report.employee_name.strip(),
        "employment_id": employment.employment_id,
        "ended_on": report.ended_on.isoformat(),
        "reason": report.reason,
    }
    return params, summary


def _employment_of(
    exchange: Exchange, ctx: CallContext, business: EmployerFacts, report: EmploymentReportCreate
) -> OpenEmployment:
    """The open employment at the business of the person named in the report."""
    employees = business.employees
    people = persons(exchange, ctx, (e.person_id for e in employees))
    name, born = report.employee_name.strip(), report.employee_birth_date
    named = {
        pid
        for pid, person in people.items()
        if person.name_ko == name and person.birth_date == born
    }
    matches = [e for e in employees if e.person_id in named]
    if not matches:
        raise Conflict(
            "employment_not_open",
            Message(
                f"Nobody named {name} born on {born} works at {business.name} now: the "
                "employment has ended already, or was never reported.",
                f"{business.name}에 재직 중인 {born}생 {name}이(가) 없습니다. 이미 퇴사 "
                "처리되었거나 채용 신고가 되지 않았습니다.",
            ),
            {"field": "employee_name"},
        )
    if len(matches) > 1:
        raise _employee_unknown(
            f"More than one employment at {business.name} is of a person named {name} born "
            f"on {born}; report this leave at your employment centre (고용센터).",
            f"{business.name}에 {born}생 {name}의 고용이 둘 이상 있습니다. 관할 "
            "고용센터에 신고하세요.",
        )
    return matches[0]
