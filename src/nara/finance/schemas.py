"""What the simulated financial data source answers (SIMULATED: synthetic data only)."""

from __future__ import annotations

from nara.exchange.contracts.finance import Accounts
from nara.finance.service import Holdings


class AccountsRead(Accounts):
    """A person's simulated accounts open on a day, with totals in won (the exchange's
    contract `nara.exchange.contracts.finance.Accounts`, which the API answers too)."""

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
