"""What the simulated financial data source offers through the exchange (SIMULATED data)."""

from __future__ import annotations

from nara.core.clock import today
from nara.exchange import CallContext, Service
from nara.exchange.contracts.finance import (
    ACCOUNTS_OF_PERSON,
    Accounts,
    AccountsOfPersonRequest,
)
from nara.exchange.preconditions import INHERITANCE_USES, deceased_for_an_heir
from nara.exchange.purposes import Purpose
from nara.finance import service
from nara.finance.schemas import AccountsRead


def accounts_of_person(ctx: CallContext, request: AccountsOfPersonRequest) -> Accounts:
    """A person's (simulated) accounts open on a day (today by default), with totals."""
    holdings = service.accounts_of_person(
        session=ctx.session,
        clock=ctx.clock,
        actor=f"{ctx.client}:{ctx.user_id}",
        person_id=request.person_id,
        on=request.on or today(ctx.clock),
    )
    return AccountsRead.of(holdings)


SERVICES: list[Service] = [
    Service.typed(
        ACCOUNTS_OF_PERSON,
        accounts_of_person,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="inheritance-lookup",
                fields=frozenset(Accounts.model_fields),
                lawful_basis="public_task",
                legal_reference="금융실명거래 및 비밀보장에 관한 법률 제4조 (금융거래의 비밀보장)",
                en="Safe Inheritance (안심상속) shows an heir the deceased's deposits, loans and "
                "insurance at financial institutions.",
                ko="안심상속 원스톱 서비스가 상속인에게 피상속인의 예금·대출·보험 내역을 "
                "알려 줍니다.",
                preconditions=(deceased_for_an_heir(lambda request: request.person_id),),
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {
    "finance.accounts_simulated": "SIMULATED: synthetic accounts were generated for a person "
    "the first time they were asked for.",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = INHERITANCE_USES
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
