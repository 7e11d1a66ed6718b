"""JSON API of the simulated financial data source under /api/finance (SIMULATED data)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from nara.core.access import Caller, require
from nara.core.clock import today
from nara.core.web import ClockDep, DbSession
from nara.finance import service
from nara.finance.schemas import AccountsRead

router = APIRouter(prefix="/api/finance", tags=["finance"])

Reader = Annotated[Caller, Depends(require("finance:read"))]
OnDate = Annotated[
    dt.date | None, Query(description="The day accounts are read for; today by default.")
]


@router.get("/persons/{person_id}/accounts", response_model=AccountsRead)
def accounts_of_person(
    *, person_id: int, caller: Reader, session: DbSession, clock: ClockDep, on: OnDate = None
) -> AccountsRead:
    """The simulated accounts stored for a person, open on a day (none are generated here)."""
    holdings = service.stored_accounts(session=session, person_id=person_id, on=on or today(clock))
    return AccountsRead.of(holdings)
