"""JSON API of the business agency under /api/business."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from nara.business import repository, service
from nara.business.schemas import (
    BusinessCreate,
    BusinessRead,
    ClosureCreate,
    EmploymentCreate,
    EmploymentPage,
    EmploymentRead,
    LeaveCreate,
    ResumptionCreate,
    SuspensionCreate,
    WageCreate,
    WageRead,
)
from nara.core.access import Caller, require
from nara.core.clock import today
from nara.core.pagination import PageParams, page_params
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import CallContext, ExchangeDep
from nara.exchange.directory import ResidentDirectory

router = APIRouter(prefix="/api/business", tags=["business"])

Reader = Annotated[Caller, Depends(require("business:read"))]
Writer = Annotated[Caller, Depends(require("business:write"))]
OnDate = Annotated[
    dt.date | None, Query(description="The day employments are read for; today by default.")
]
Everything = Annotated[bool, Query(alias="all", description="Every employment, ended or not.")]


def residents_for(purpose: str) -> Callable[..., ResidentDirectory]:
    """A dependency giving the resident register, read in the request's transaction."""

    def dependency(
        session: DbSession, clock: ClockDep, cipher: CipherDep, exchange: ExchangeDep
    ) -> ResidentDirectory:
        ctx = CallContext(
            session=session, clock=clock, cipher=cipher, client="business", purpose=purpose
        )
        return ResidentDirectory(exchange, ctx)

    return dependency


@router.post("/businesses", status_code=status.HTTP_201_CREATED, response_model=BusinessRead)
def register_business(
    *,
    business_in: BusinessCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
) -> BusinessRead:
    """Register a business (사업자등록) under its BRN."""
    row = service.register_business(
        session=session,
        clock=clock,
        residents=residents,
        actor=caller.actor,
        business_in=business_in,
    )
    return BusinessRead.of(row)


@router.get("/businesses/brn/{brn}", response_model=BusinessRead)
def business_by_brn(*, brn: str, caller: Reader, session: DbSession) -> BusinessRead:
    """A business by its registration number (hyphens optional)."""
    return BusinessRead.of(service.get_business_by_brn(session, brn))


@router.get("/businesses/{business_id}", response_model=BusinessRead)
def get_business(*, business_id: int, caller: Reader, session: DbSession) -> BusinessRead:
    return BusinessRead.of(service.get_business(session, business_id))


@router.post("/businesses/{business_id}/suspend", response_model=BusinessRead)
def suspend_business(
    *,
    business_id: int,
    suspension_in: SuspensionCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> BusinessRead:
    """Suspend a business (휴업)."""
    row = service.suspend_business(
        session=session,
        clock=clock,
        actor=caller.actor,
        business_id=business_id,
        suspension_in=suspension_in,
    )
    return BusinessRead.of(row)


@router.post("/businesses/{business_id}/resume", response_model=BusinessRead)
def resume_business(
    *,
    business_id: int,
    resumption_in: ResumptionCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> BusinessRead:
    """Resume a suspended business."""
    row = service.resume_business(
        session=session,
        clock=clock,
        actor=caller.actor,
        business_id=business_id,
        resumption_in=resumption_in,
    )
    return BusinessRead.of(row)


@router.post("/businesses/{business_id}/close", response_model=BusinessRead)
def close_business(
    *,
    business_id: int,
    closure_in: ClosureCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> BusinessRead:
    """Close a business for good (폐업); its employments must have ended."""
    row = service.close_business(
        session=session,
        clock=clock,
        actor=caller.actor,
        business_id=business_id,
        closure_in=closure_in,
    )
    return BusinessRead.of(row)


@router.post(
    "/businesses/{business_id}/employments",
    status_code=status.HTTP_201_CREATED,
    response_model=EmploymentRead,
)
def hire(
    *,
    business_id: int,
    employment_in: EmploymentCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
) -> EmploymentRead:
    """Start an employment (고용) at an active business."""
    row, business = service.hire(
        session=session,
        clock=clock,
        residents=residents,
        actor=caller.actor,
        business_id=business_id,
        employment_in=employment_in,
    )
    return EmploymentRead.of(row, business)


@router.get("/businesses/{business_id}/employees", response_model=EmploymentPage)
def employees(
    *,
    business_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    paging: Annotated[PageParams, Depends(page_params)],
    on: OnDate = None,
    everything: Everything = False,
) -> EmploymentPage:
    """The business's employees on a date (today by default), or all with `all=true`; paged."""
    business = service.get_business(session, business_id)
    rows, total = repository.employees(
        session,
        business.id,
        on=None if everything else on or today(clock),
        offset=paging.offset,
        limit=paging.size,
    )
    return EmploymentPage(
        items=[EmploymentRead.of(row, business) for row in rows],
        page=paging.page,
        size=paging.size,
        total=total,
    )


@router.get("/persons/{person_id}/businesses", response_model=list[BusinessRead])
def businesses_of_representative(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
) -> list[BusinessRead]:
    """The businesses a person represents, open or closed; 404 for an unknown person."""
    residents.require([person_id])
    rows = repository.registrations_of_representative(session, person_id)
    return [BusinessRead.of(row) for row in rows]


@router.get("/persons/{person_id}/employments", response_model=list[EmploymentRead])
def employments_of_person(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
    on: OnDate = None,
    everything: Everything = False,
) -> list[EmploymentRead]:
    """A person's employments on a date (today by default), or all with `all=true`.

    404 `person_unknown` for a person the resident register does not know.
    """
    residents.require([person_id])
    rows = repository.employments_of_person(
        session, person_id, on=None if everything else on or today(clock)
    )
    return [EmploymentRead.of(row, business) for row, business in rows]


@router.get("/employments/{employment_id}", response_model=EmploymentRead)
def get_employment(*, employment_id: int, caller: Reader, session: DbSession) -> EmploymentRead:
    return EmploymentRead.of(*service.get_employment(session, employment_id))


@router.get("/employments/{employment_id}/wages", response_model=list[WageRead])
def wage_history(*, employment_id: int, caller: Reader, session: DbSession) -> list[WageRead]:
    """Every wage of the employment, oldest first."""
    row, _business = service.get_employment(session, employment_id)
    return [WageRead.model_validate(wage) for wage in repository.wages(session, row.id)]


@router.post(
    "/employments/{employment_id}/wages",
    status_code=status.HTTP_201_CREATED,
    response_model=WageRead,
)
def change_wage(
    *,
    employment_id: int,
    wage_in: WageCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> WageRead:
    """A new monthly wage from a date; it becomes the employment's current wage."""
    wage = service.change_wage(
        session=session,
        clock=clock,
        actor=caller.actor,
        employment_id=employment_id,
        wage_in=wage_in,
    )
    return WageRead.model_validate(wage)


@router.post("/employments/{employment_id}/leave", response_model=EmploymentRead)
def end_employment(
    *,
    employment_id: int,
    leave_in: LeaveCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> EmploymentRead:
    """End an employment (퇴사) from a date, with its reason."""
    row, business = service.end_employment(
        session=session,
        clock=clock,
        actor=caller.actor,
        employment_id=employment_id,
        leave_in=leave_in,
    )
    return EmploymentRead.of(row, business)
