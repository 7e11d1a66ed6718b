"""The business register's part in the employment report (고용 신고).

The single window files an employer's report of a hire or a leave as a case. Before filing it
reads here what the report needs — the businesses the filer represents, their status and the
employments open at each — and the case then sends the hire or leave itself as a step, which
`apply_once` applies once however often it arrives. The hire and the leave are the register's
own (`service.hire`, `service.end_employment`), so their events (`employment.started`,
`employment.ended`) tell the tax office and the insurance office.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.business import repository, service
from nara.business.models import Registration
from nara.business.schemas import EmploymentCreate, LeaveCreate
from nara.core.clock import Clock
from nara.core.errors import Forbidden, Invalid, Message, NotFound, invalid
from nara.core.idempotency import apply_once, check_step_key
from nara.exchange import CallContext, Service
from nara.exchange.contracts.business import (
    EMPLOYER_FACTS,
    EMPLOYMENT_REPORT,
    EmployerFacts,
    EmployerFactsRequest,
    EmploymentReportRequest,
    EndReason,
    ReportedEmployment,
    ReportKind,
)
from nara.exchange.directory import ResidentDirectory
from nara.exchange.purposes import Purpose

LEGAL_REFERENCE: Final = "고용보험법 제15조 (피보험자격에 관한 신고 등)"


# What filing needs --------------------------------------------------------------------------


def employer_facts(session: Session, *, person_id: int) -> list[EmployerFacts]:
    """The businesses a person represents, each with its status and its open employments."""
    rows = repository.registrations_of_representative(session, person_id)
    open_by_business: dict[int, list[dict[str, Any]]] = {row.id: [] for row in rows}
    if rows:
        for employment in repository.open_employments_of_businesses(session, open_by_business):
            open_by_business[employment.business_id].append(
                {
                    "employment_id": employment.id,
                    "person_id": employment.person_id,
                    "job_title": employment.job_title,
                    "started_on": employment.started_on,
                }
            )
    return [
        EmployerFacts.model_validate(
            {
                "business_id": row.id,
                "brn": row.brn,
                "name": row.name,
                "status": row.status,
                "closed_on": row.closed_on,
                "representative_person_id": row.representative_person_id,
                "employees": open_by_business[row.id],
            }
        )
        for row in rows
    ]


# The report applied once --------------------------------------------------------------------


def not_representative(brn: str) -> Forbidden:
    return Forbidden(
        "not_representative",
        Message(
            f"Only the representative of the business {brn} may report its employments.",
            f"사업자 {brn}의 고용은 대표자만 신고할 수 있습니다.",
        ),
        {"field": "brn"},
    )


def _missing(field_name: str) -> Invalid:
    return invalid(
        "report_field_missing",
        f"The report lacks {field_name}.",
        f"신고에 {field_name} 항목이 없습니다.",
        field_name=field_name,
    )


def _hire_of(
    person_id: int | None,
    started_on: dt.date | None,
    monthly_wage_won: int | None,
    job_title: str | None,
) -> EmploymentCreate:
    try:
        return EmploymentCreate.model_validate(
            {
                "person_id": person_id,
                "started_on": started_on,
                "monthly_wage_won": monthly_wage_won,
                "job_title": job_title,
            }
        )
    except ValidationError as error:
        raise _missing(str(error.errors()[0]["loc"][-1])) from None


def _leave_of(ended_on: dt.date | None, reason: str | None) -> LeaveCreate:
    try:
        return LeaveCreate.model_validate({"ended_on": ended_on, "end_reason": reason})
    except ValidationError as error:
        field_name = str(error.errors()[0]["loc"][-1])
        raise _missing("reason" if field_name == "end_reason" else field_name) from None


def _employment_to_end(
    session: Session, business: Registration, employment_id: int | None, person_id: int | None
) -> int:
    """The employment a leave ends: by id, or the person's open one at the business."""
    if employment_id is not None:
        found = repository.employment(session, employment_id)
        if found is not None and found.business_id == business.id:
            return found.id
    elif person_id is not None:
        found_id = repository.open_employment_id(session, business.id, person_id)
        if found_id is not None:
            return int(found_id)
    else:
        raise _missing("employment_id")
    raise NotFound(
        "employment_unknown",
        Message(
            f"The business {business.brn} has no such open employment.",
            f"사업자 {business.brn}에 해당하는 고용 기록이 없습니다.",
        ),
    )


def apply_employment_report(
    session: Session,
    clock: Clock,
    *,
    residents: ResidentDirectory,
    step_key: str,
    brn: str,
    kind: ReportKind,
    actor: str,
    representative_person_id: int | None = None,
    person_id: int | None = None,
    employment_id: int | None = None,
    started_on: dt.date | None = None,
    monthly_wage_won: int | None = None,
    job_title: str | None = None,
    ended_on: dt.date | None = None,
    reason: EndReason | None = None,
) -> dict[str, Any]:
    """Record a hire or a leave reported for a business, once per step key."""

    def apply() -> dict[str, Any]:
        business = service.get_business_by_brn(session, brn)
        if (
            representative_person_id is not None
            and business.representative_person_id != representative_person_id
        ):
            raise not_representative(business.brn)
        if kind == "hire":
            employment, _ = service.hire(
                session=session,
                clock=clock,
                residents=residents,
                actor=actor,
                business_id=business.id,
                employment_in=_hire_of(person_id, started_on, monthly_wage_won, job_title),
            )
        else:
            leave = _leave_of(ended_on, reason)
            employment, _ = service.end_employment(
                session=session,
                clock=clock,
                actor=actor,
                employment_id=_employment_to_end(session, business, employment_id, person_id),
                leave_in=leave,
            )
        return {
            "employment_id": employment.id,
            "business_id": business.id,
            "person_id": employment.person_id,
            "kind": kind,
        }

    return apply_once(
        session, clock, scope=EMPLOYMENT_REPORT.service, step_key=step_key, apply=apply
    )


# The exchange services ----------------------------------------------------------------------


def _residents_of(ctx: CallContext) -> ResidentDirectory:
    """The resident register, read onward by the business register itself."""
    return ResidentDirectory.onward(ctx, client="business", purpose="register-check")


def employer_facts_service(ctx: CallContext, request: EmployerFactsRequest) -> list[EmployerFacts]:
    """The businesses a person represents, with status and open employments (by person id)."""
    return employer_facts(ctx.session, person_id=request.person_id)


def employment_report(ctx: CallContext, request: EmploymentReportRequest) -> ReportedEmployment:
    """Apply an employment report's hire or leave once per step key."""
    answer = apply_employment_report(
        ctx.session,
        ctx.clock,
        residents=_residents_of(ctx),
        step_key=check_step_key(request.step_key),
        brn=request.brn,
        kind=request.kind,
        actor=f"{ctx.client}:{ctx.user_id}",
        representative_person_id=request.representative_person_id,
        person_id=request.person_id,
        employment_id=request.employment_id,
        started_on=request.started_on,
        monthly_wage_won=request.monthly_wage_won,
        job_title=request.job_title,
        ended_on=request.ended_on,
        reason=request.reason,
    )
    return ReportedEmployment.model_validate(answer)


def _employees_read(answer: list[EmployerFacts]) -> list[int]:
    """The persons an employer's facts reveal: the employees of each business."""
    return [employee.person_id for business in answer for employee in business.employees]


SERVICES: list[Service] = [
    Service.typed(
        EMPLOYER_FACTS,
        employer_facts_service,
        subjects=lambda request: [request.person_id],
        answer_subjects=_employees_read,
        purposes=(
            Purpose(
                code="employment-report",
                fields=frozenset(
                    {
                        "business_id",
                        "brn",
                        "name",
                        "status",
                        "closed_on",
                        "representative_person_id",
                        "employees",
                    }
                ),
                lawful_basis="public_task",
                legal_reference=LEGAL_REFERENCE,
                en="The single window checks an employer's report of a hire or a leave against "
                "the business register: who represents the business, whether it is open, and "
                "who works there.",
                ko="정부24가 고용 신고를 접수하기 전에 대표자, 사업 상태, 재직자를 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        EMPLOYMENT_REPORT,
        employment_report,
        subjects=lambda request: [] if request.person_id is None else [request.person_id],
        answer_subjects=lambda answer: [answer.person_id],
        purposes=(
            Purpose(
                code="employment-report",
                fields=frozenset({"employment_id", "business_id", "person_id", "kind", "repeated"}),
                lawful_basis="public_task",
                legal_reference=LEGAL_REFERENCE,
                en="An employer's report of a hire or a leave filed online is entered in the "
                "business register, which tells the tax and insurance offices.",
                ko="온라인으로 접수된 고용 신고(채용·퇴사)를 사업자 고용 기록에 반영하고 "
                "세무서와 보험 기관에 알립니다.",
            ),
        ),
    ),
]
"""Services of this part, offered through the agency's `exchange.SERVICES`."""
