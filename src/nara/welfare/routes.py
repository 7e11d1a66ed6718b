"""JSON API of the welfare agency under /api/welfare."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from nara.core.access import Caller, require
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import CallContext, ExchangeDep
from nara.welfare import repository, service
from nara.welfare.registers import AGENCY, PERSONS_PURPOSE, Registers
from nara.welfare.schemas import ApplicationRead, BenefitCreate, BenefitRead, StopCreate

router = APIRouter(prefix="/api/welfare", tags=["welfare"])

Reader = Annotated[Caller, Depends(require("welfare:read"))]
Writer = Annotated[Caller, Depends(require("welfare:write"))]


def registers(
    session: DbSession, clock: ClockDep, cipher: CipherDep, exchange: ExchangeDep
) -> Registers:
    """The resident and family registers, read through the exchange in the request's
    transaction."""
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client=AGENCY, purpose=PERSONS_PURPOSE
    )
    return Registers(exchange, ctx)


RegistersDep = Annotated[Registers, Depends(registers)]


@router.get("/persons/{person_id}/benefits", response_model=list[BenefitRead])
def benefits_of_person(
    *, person_id: int, caller: Reader, session: DbSession, registers: RegistersDep
) -> list[BenefitRead]:
    """Every benefit a person receives or is paid for, oldest first; 404 for an unknown
    person."""
    registers.require([person_id])
    rows = repository.benefits_of_person(session, person_id)
    return [BenefitRead.model_validate(row) for row in rows]


@router.get("/persons/{person_id}/applications", response_model=list[ApplicationRead])
def applications_of_person(
    *, person_id: int, caller: Reader, session: DbSession, registers: RegistersDep
) -> list[ApplicationRead]:
    """The applications a person made, or made for the person as a child, with decisions."""
    registers.require([person_id])
    rows = repository.applications_of_person(session, person_id)
    return [ApplicationRead.model_validate(row) for row in rows]


@router.post("/benefits", status_code=status.HTTP_201_CREATED, response_model=BenefitRead)
def grant_benefit(
    *,
    benefit_in: BenefitCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    registers: RegistersDep,
) -> BenefitRead:
    """An official grants a benefit outside the birth bundle (the basic pension, 기초연금)."""
    row = service.grant_benefit(
        session=session,
        clock=clock,
        registers=registers,
        actor=caller.actor,
        benefit_in=benefit_in,
    )
    return BenefitRead.model_validate(row)


@router.post("/benefits/{benefit_id}/stop", response_model=BenefitRead)
def stop_benefit(
    *, benefit_id: int, stop_in: StopCreate, caller: Writer, session: DbSession, clock: ClockDep
) -> BenefitRead:
    """An official stops an active benefit from a day; the reason is required."""
    row = service.stop_benefit(
        session=session, clock=clock, actor=caller.actor, benefit_id=benefit_id, stop_in=stop_in
    )
    return BenefitRead.model_validate(row)
