"""Contracts of the financial data source's services (SIMULATED data, for Safe Inheritance)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nara.exchange.contracts import Contract, Id, Model, Record

InstitutionKind = Literal["bank", "insurer", "securities"]
AccountKind = Literal["deposit", "loan", "insurance", "securities"]


class AccountsOfPersonRequest(Model):
    """Whose accounts, open on which day (today when left out)."""

    person_id: Id
    on: dt.date | None = None


class Account(Record):
    """One simulated account; a loan's balance is owed, any other kind's is held."""

    account_id: int
    institution: str
    institution_kind: InstitutionKind
    kind: AccountKind
    product: str
    balance_won: int
    opened_on: dt.date
    closed_on: dt.date | None = None


class Accounts(Record):
    """A person's simulated accounts open on a day, with totals in won."""

    simulated: bool = Field(
        default=True, description="Always true: synthetic data, not a real institution's."
    )
    person_id: int
    as_of: dt.date
    accounts: tuple[Account, ...] = ()
    deposits_total: int = 0
    loans_total: int = 0
    insurance_total: int = 0
    securities_total: int = 0


ACCOUNTS_OF_PERSON: Contract[AccountsOfPersonRequest, Accounts] = Contract(
    "finance/accounts-of-person",
    AccountsOfPersonRequest,
    Accounts,
    summary="SIMULATED: a person's deposits, loans, insurance and securities accounts open on "
    "a date, with totals (synthetic data, generated from the person id).",
)
