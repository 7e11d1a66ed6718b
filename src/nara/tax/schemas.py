"""What the tax office's API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nara.core.address import RoadAddress
from nara.exchange.contracts.tax import TaxItem, TaxKind
from nara.tax.models import Balance, Taxpayer

Won = int
MAX_WON = 10**13
"""Ten trillion won: larger than any single assessment."""


class TaxpayerRead(BaseModel):
    id: int
    person_id: int
    address: RoadAddress
    address_since: dt.date = Field(description="The day the person moved to this address.")
    registered_on: dt.date = Field(description="The day the tax office first knew the person.")

    @classmethod
    def of(cls, row: Taxpayer) -> TaxpayerRead:
        return cls(
            id=row.id,
            person_id=row.person_id,
            address=RoadAddress.of(row),
            address_since=row.address_since,
            registered_on=row.registered_on,
        )


class BalanceCreate(BaseModel):
    """A tax of one item and year owed (고지·체납) or refundable (환급); one side only."""

    tax_kind: TaxKind
    item: TaxItem
    tax_year: int = Field(ge=1948, le=2999, examples=[2025])
    amount_owed: Won = Field(default=0, ge=0, le=MAX_WON, examples=[1_250_000])
    amount_refundable: Won = Field(default=0, ge=0, le=MAX_WON)
    due_on: dt.date | None = Field(default=None, description="Payment deadline of an amount owed.")


class SettlementCreate(BaseModel):
    """A balance paid or refunded (납부·환급 완료) on a day."""

    settled_on: dt.date


class BalanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    tax_kind: TaxKind
    item: TaxItem
    tax_year: int
    amount_owed: Won
    amount_refundable: Won
    due_on: dt.date | None
    settled_on: dt.date | None

    @classmethod
    def of(cls, row: Balance) -> BalanceRead:
        return cls.model_validate(row)


class BalanceSheetRead(BaseModel):
    """A person's balances not settled on a day, with the totals owed and refundable."""

    person_id: int
    as_of: dt.date
    owed_total: Won
    refundable_total: Won
    balances: list[BalanceRead]


class EmploymentNoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int = Field(description="The business register's event the notice came from.")
    employment_id: int
    business_id: int
    person_id: int
    kind: Literal["hired", "left"]
    on: dt.date
    received_at: dt.datetime
