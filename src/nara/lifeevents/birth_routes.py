"""JSON API of the birth report under /api/lifeevents."""

from __future__ import annotations

from fastapi import APIRouter, status

from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.lifeevents.birth import BirthCreate, file_birth
from nara.lifeevents.routes import Citizen, case_read, filer_of
from nara.lifeevents.schemas import CaseRead

router = APIRouter(prefix="/api/lifeevents", tags=["life events"])


@router.post("/birth", status_code=status.HTTP_201_CREATED, response_model=CaseRead)
def file_birth_report(
    *,
    report: BirthCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> CaseRead:
    """File a birth report with the Happy Birth applications: checked now, then the child is
    registered, recorded with its parents and the benefits decided, step by step."""
    case = file_birth(
        session, clock, exchange=exchange, cipher=cipher, filer=filer_of(citizen), report=report
    )
    return case_read(session, case)
