"""JSON API of the death report under /api/lifeevents."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, status
from pydantic import BaseModel

from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.lifeevents.death import DeathCreate, file_death, living_relatives
from nara.lifeevents.death import call_context as death_ctx
from nara.lifeevents.routes import Citizen, case_read, filer_of
from nara.lifeevents.schemas import CaseRead

router = APIRouter(prefix="/api/lifeevents", tags=["life events"])


class RelativeRead(BaseModel):
    """A relative of the filer, as the death report's form offers him (no RRN)."""

    person_id: int
    name_ko: str
    birth_date: dt.date
    relation: str


@router.post("/death", status_code=status.HTTP_201_CREATED, response_model=CaseRead)
def file_death_report(
    *,
    report: DeathCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> CaseRead:
    """File a death report: checked now, carried to every register concerned by steps."""
    case = file_death(
        session, clock, exchange=exchange, cipher=cipher, filer=filer_of(citizen), report=report
    )
    return case_read(session, case)


@router.get("/death/relatives", response_model=list[RelativeRead])
def relatives(
    *,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> list[RelativeRead]:
    """The filer's living spouse, children, parents, brothers and sisters: whom he may report."""
    filer = filer_of(citizen)
    ctx = death_ctx(session, clock, cipher, filer)
    return [
        RelativeRead(
            person_id=person.person_id,
            name_ko=person.name_ko,
            birth_date=person.birth_date,
            relation=relation,
        )
        for person, relation in living_relatives(exchange, ctx, filer.person_id)
    ]
