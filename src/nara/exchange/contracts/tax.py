"""Contracts of the tax office's services: taxpayers' addresses, following a move, and the
taxes a person owes or may have refunded."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nara.exchange.contracts import MAX_IDS, Address, Contract, Id, Model, Record

TaxKind = Literal["national", "local"]
TaxItem = Literal[
    "income_tax",
    "vat",
    "comprehensive_real_estate_tax",
    "inheritance_tax",
    "gift_tax",
    "local_income_tax",
    "property_tax",
    "vehicle_tax",
    "acquisition_tax",
]


# Following a move ----------------------------------------------------------------------------


class TaxpayerAddressRequest(Model):
    """A resident's reported move: who, to which address, on which day; applied once per
    step key."""

    step_key: str | None = None
    person_id: Id
    address: Address
    moved_on: dt.date


class AddressFollowed(Record):
    """The taxpayer whose address now follows the move, and whether it changed."""

    person_id: int
    taxpayer_id: int | None = None
    changed: bool | None = None
    repeated: bool = False


TAXPAYER_ADDRESS: Contract[TaxpayerAddressRequest, AddressFollowed] = Contract(
    "tax/taxpayer-address",
    TaxpayerAddressRequest,
    AddressFollowed,
    summary="Follow a resident's move: the taxpayer's address becomes the new one (a person "
    "tax does not know becomes a taxpayer); applied once per step key.",
)


# Addresses the tax office keeps ---------------------------------------------------------------


class TaxpayerAddressesRequest(Model):
    """Which persons, by id."""

    person_ids: tuple[Id, ...] = Field(max_length=MAX_IDS)


class TaxpayerAddress(Record):
    """The address the tax office holds for a person, and since when."""

    person_id: int
    sigungu_code: str
    road_name: str
    building_main: int
    building_sub: int = 0
    address_detail: str = ""
    postcode: str
    address_since: dt.date


TAXPAYER_ADDRESSES: Contract[TaxpayerAddressesRequest, dict[int, TaxpayerAddress]] = Contract(
    "tax/taxpayer-addresses",
    TaxpayerAddressesRequest,
    dict[int, TaxpayerAddress],
    summary="The address the tax office holds for each person it knows, and since when.",
)


# Taxes owed or refundable ---------------------------------------------------------------------


class BalancesOfPersonRequest(Model):
    """Whose taxes, as they stand on which day (today when left out)."""

    person_id: Id
    on: dt.date | None = None


class OpenBalance(Record):
    """A tax owed or refundable, not settled on the day asked about."""

    item: TaxItem
    tax_kind: TaxKind
    tax_year: int
    amount_owed: int
    amount_refundable: int
    due_on: dt.date | None = None


class Balances(Record):
    """A person's unsettled taxes on a day, with totals in won."""

    person_id: int
    as_of: dt.date
    owed_total: int
    refundable_total: int
    balances: tuple[OpenBalance, ...] = ()


BALANCES_OF_PERSON: Contract[BalancesOfPersonRequest, Balances] = Contract(
    "tax/balances-of-person",
    BalancesOfPersonRequest,
    Balances,
    summary="A person's taxes owed and refundable, not settled on a date, with totals.",
)
