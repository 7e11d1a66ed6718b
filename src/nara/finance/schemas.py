"""What the simulated financial data source answers (SIMULATED: synthetic data only)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from nara.finance.service import Holdings

InstitutionKind = Literal["bank", "insurer", "securities"]
AccountKind = Literal["deposit", "loan", "insurance", "securities"]


class AccountRead(BaseModel):
    """One simulated account; a loan's balance is owed, any other kind's is held."""

    account_id: int
    institution: str
    institution_kind: InstitutionKind
    kind: AccountKind
    product: str
    balance_won: int
    opened_on: dt.date
    closed_on: dt.date | None


class AccountsRead(BaseModel):
    """A person's simulated accounts open on a day, with totals in won."""

    simulated: bool = Field(
        default=True, description="Always true: synthetic data, not a real institution's."
    )
    person_id: int
    as_of: dt.date
    accounts: list[AccountRead]
    deposits_total: int
    loans_total: int
    insurance_total: int
    securities_total: int

    @classmethod
    def of(cls, holdings: Holdings) -> AccountsRead:
        return cls.model_validate(
            {
                "person_id": holdings.person_id,
                "as_of": holdings.as_of,
                "accounts": [
                    {
                        "account_id": account.id,
                        "institution": institution.name,
                        "institution_kind": institution.kind,
                        "kind": account.kind,
                        "product": account.product,
                        "balance_won": account.balance_won,
                        "opened_on": account.opened_on,
                        "closed_on": account.closed_on,
                    }
                    for account, institution in holdings.accounts
                ],
                "deposits_total": holdings.total("deposit"),
                "loans_total": holdings.total("loan"),
                "insurance_total": holdings.total("insurance"),
                "securities_total": holdings.total("securities"),
            }
        )
