"""JSON API of the employment report under /api/lifeevents."""

from __future__ import annotations

from fastapi import APIRouter, status

from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.lifeevents.employment import EmploymentReportCreate, file_employment
from nara.lifeevents.routes import Citizen, case_read, filer_of
from nara.lifeevents.schemas import CaseRead

router = APIRouter(prefix="/api/lifeevents", tags=["life events"])


@router.post("/employment", status_code=status.HTTP_201_CREATED, response_model=CaseRead)
def file_employment_report(
    *,
    report: EmploymentReportCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> CaseRead:
    """An employer reports a hire or a leave: checked now, recorded by the business register,
    which tells the tax and insurance offices."""
    case = file_employment(
        session, clock, exchange=exchange, cipher=cipher, filer=filer_of(citizen), report=report
    )
    return case_read(session, case)
