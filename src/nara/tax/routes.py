"""JSON API of the tax agency under /api/tax."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from nara.core.access import Caller, require
from nara.core.clock import today
from nara.core.web import ClockDep, DbSession
from nara.tax import service
from nara.tax.schemas import (
    BalanceCreate,
    BalanceRead,
    BalanceSheetRead,
    EmploymentNoticeRead,
    SettlementCreate,
    TaxpayerRead,
)

router = APIRouter(prefix="/api/tax", tags=["tax"])

Reader = Annotated[Caller, Depends(require("tax:read"))]
Writer = Annotated[Caller, Depends(require("tax:write"))]
OnDate = Annotated[
    dt.date | None, Query(description="The day balances are read for; today by default.")
]


@router.get("/taxpayers/{person_id}", response_model=TaxpayerRead)
def get_taxpayer(*, person_id: int, caller: Reader, session: DbSession) -> TaxpayerRead:
    """The taxpayer who is this resident: his address for tax notices, and since when."""
    return TaxpayerRead.of(service.get_taxpayer(session, person_id))


@router.get("/taxpayers/{person_id}/balances", response_model=BalanceSheetRead)
def balances(
    *, person_id: int, caller: Reader, session: DbSession, clock: ClockDep, on: OnDate = None
) -> BalanceSheetRead:
    """The taxpayer's balances not settled on a day (today by default), with the totals."""
    taxpayer = service.get_taxpayer(session, person_id)
    sheet = service.balances_of_person(session, taxpayer.person_id, on=on or today(clock))
    return BalanceSheetRead(
        person_id=sheet.person_id,
        as_of=sheet.as_of,
        owed_total=sheet.owed_total,
        refundable_total=sheet.refundable_total,
        balances=[BalanceRead.of(row) for row in sheet.balances],
    )


@router.post(
    "/taxpayers/{person_id}/balances",
    status_code=status.HTTP_201_CREATED,
    response_model=BalanceRead,
)
def record_balance(
    *,
    person_id: int,
    balance_in: BalanceCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> BalanceRead:
    """Record a tax owed or refundable of one item and year."""
    row = service.record_balance(
        session=session, clock=clock, actor=caller.actor, person_id=person_id, balance_in=balance_in
    )
    return BalanceRead.of(row)


@router.post("/balances/{balance_id}/settlement", response_model=BalanceRead)
def settle_balance(
    *,
    balance_id: int,
    settlement_in: SettlementCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> BalanceRead:
    """Mark a balance paid or refunded on a day."""
    row = service.settle_balance(
        session=session,
        clock=clock,
        actor=caller.actor,
        balance_id=balance_id,
        settlement_in=settlement_in,
    )
    return BalanceRead.of(row)


@router.get("/taxpayers/{person_id}/employment-notices", response_model=list[EmploymentNoticeRead])
def employment_notices(
    *, person_id: int, caller: Reader, session: DbSession
) -> list[EmploymentNoticeRead]:
    """The hires and leavings the business register announced for the person, oldest first."""
    rows = service.employment_notices(session, person_id)
    return [EmploymentNoticeRead.model_validate(row) for row in rows]
