"""JSON API of Safe Inheritance (안심상속) under /api/lifeevents."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, status
from pydantic import BaseModel

from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.lifeevents.inheritance import InheritanceCreate, deceased_relatives, file_inheritance
from nara.lifeevents.inheritance import call_context as inheritance_ctx
from nara.lifeevents.routes import Citizen, case_read, filer_of
from nara.lifeevents.schemas import CaseRead

router = APIRouter(prefix="/api/lifeevents", tags=["life events"])


class DeceasedRelativeRead(BaseModel):
    """A relative whose death the family register records, whom a lookup may be asked for."""

    person_id: int
    name_ko: str
    birth_date: dt.date
    died_on: dt.date


@router.post("/inheritance", status_code=status.HTTP_201_CREATED, response_model=CaseRead)
def request_inheritance_lookup(
    *,
    request: InheritanceCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> CaseRead:
    """Ask once for the deceased's assets: checked now, each agency read by a step."""
    case = file_inheritance(
        session, clock, exchange=exchange, cipher=cipher, filer=filer_of(citizen), request=request
    )
    return case_read(session, case)


@router.get("/inheritance/deceased-relatives", response_model=list[DeceasedRelativeRead])
def deceased(
    *,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> list[DeceasedRelativeRead]:
    """The citizen's relatives whose death is recorded: whom he may ask a lookup for."""
    filer = filer_of(citizen)
    ctx = inheritance_ctx(session, clock, cipher, filer)
    return [
        DeceasedRelativeRead(
            person_id=person.person_id,
            name_ko=person.name_ko,
            birth_date=person.birth_date,
            died_on=died_on,
        )
        for person, died_on in deceased_relatives(exchange, ctx, filer.person_id)
    ]
