"""The tax office: every adult resident is a taxpayer at his address; some owe or are owed.

Every resident aged 19 or more on the as-of day is a taxpayer at his current address, since
the day he moved in there; the office registered him on his 19th birthday or on his
registration as a resident, whichever is later. About 12% of taxpayers have one unsettled
balance owed (an arrear of a tax year 2021–2024, due in the following year) and about 8% one
refundable (income taxes withheld in excess). Amounts are log-uniform between KRW 10,000 and
5,000,000 (refunds up to 2,000,000), in whole tens of won as notices round them.
"""

from __future__ import annotations

import numpy as np

from nara.nation._common import (
    AS_OF_DAY,
    NULL_DAY,
    Counters,
    IntArray,
    Table,
    Tables,
    add_years,
    norm,
    obj,
    uniform_days,
    ymd,
)
from nara.nation.homes import Homes
from nara.nation.people import Persons

ADULT_AGE = 19
OWED_SHARE = 0.12
REFUNDABLE_SHARE = 0.08
FIRST_TAX_YEAR, LAST_TAX_YEAR = 2021, 2024

# fmt: off
_OWED = (  # item, national or local, weight
    ("income_tax", "national", 3), ("vat", "national", 2),
    ("comprehensive_real_estate_tax", "national", 0.4), ("local_income_tax", "local", 2),
    ("property_tax", "local", 2.5), ("vehicle_tax", "local", 1.5),
)
_REFUNDABLE = (("income_tax", "national", 3), ("local_income_tax", "local", 1))
# fmt: on
_OWED_ITEMS, _OWED_KINDS = obj([i for i, _, _ in _OWED]), obj([c for _, c, _ in _OWED])
_OWED_WEIGHTS = norm([w for _, _, w in _OWED])
_REFUND_ITEMS = obj([i for i, _, _ in _REFUNDABLE])
_REFUND_KINDS = obj([c for _, c, _ in _REFUNDABLE])
_REFUND_WEIGHTS = norm([w for _, _, w in _REFUNDABLE])


def _log_uniform_won(rng: np.random.Generator, low: float, high: float, n: int) -> IntArray:
    amount = np.exp(rng.uniform(np.log(low), np.log(high), n))
    return (amount // 10 * 10).astype(np.int64)


def _new_year_day(year: IntArray) -> IntArray:
    return (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def generate_tax(
    rng: np.random.Generator,
    counters: Counters,
    people: Persons,
    homes: Homes,
    *,
    persons: Table,
    residences: Table,
) -> Tables:
    """`tax_taxpayer` and `tax_balance` rows of one block."""
    adult_from = add_years(people.birth_day, ADULT_AGE)
    t = np.flatnonzero(adult_from <= AS_OF_DAY)
    # The current residence (not moved out) of each person of the block, by position.
    current = residences.columns["moved_out"] == NULL_DAY
    moved_in = np.full(len(people.id), NULL_DAY, dtype=np.int64)
    moved_in[residences.columns["person_id"][current] - people.id[0]] = residences.columns[
        "moved_in"
    ][current]
    registered = np.maximum(adult_from[t], persons.columns["registered_on"][t])
    household = people.household[t]
    taxpayers = Table(
        "tax_taxpayer",
        {
            "id": counters.take("tax_taxpayer", len(t)),
            "person_id": people.id[t],
            **{k: v[household] for k, v in homes.address.items()},
            "address_since": moved_in[t],
            "registered_on": registered,
        },
    )
    return {
        "tax_taxpayer": taxpayers,
        "tax_balance": _balances(rng, counters, people.id[t], registered),
    }


def _balances(
    rng: np.random.Generator, counters: Counters, person_id: IntArray, registered: IntArray
) -> Table:
    u = rng.random(len(person_id))
    b = np.flatnonzero(u < OWED_SHARE + REFUNDABLE_SHARE)
    k = len(b)
    owes = u[b] < OWED_SHARE
    owed_item = rng.choice(len(_OWED), size=k, p=_OWED_WEIGHTS)
    refund_item = rng.choice(len(_REFUNDABLE), size=k, p=_REFUND_WEIGHTS)
    item = np.where(owes, _OWED_ITEMS[owed_item], _REFUND_ITEMS[refund_item])
    kind = np.where(owes, _OWED_KINDS[owed_item], _REFUND_KINDS[refund_item])
    year = rng.integers(FIRST_TAX_YEAR, LAST_TAX_YEAR + 1, k)
    year = np.minimum(np.maximum(year, ymd(registered[b])[0]), LAST_TAX_YEAR + 1)
    following = _new_year_day(year + 1)
    due = uniform_days(rng, following + 59, following + 364)
    owed = _log_uniform_won(rng, 10_000, 5_000_000, k)
    refundable = _log_uniform_won(rng, 10_000, 2_000_000, k)
    zero = np.zeros(k, dtype=np.int64)
    return Table(
        "tax_balance",
        {
            "id": counters.take("tax_balance", k),
            "person_id": person_id[b],
            "tax_kind": kind.astype(object),
            "item": item.astype(object),
            "tax_year": year.astype(np.int64),
            "amount_owed": np.where(owes, owed, zero),
            "amount_refundable": np.where(owes, zero, refundable),
            "due_on": np.where(owes, np.minimum(due, AS_OF_DAY - 1), NULL_DAY),
            "settled_on": np.full(k, NULL_DAY, dtype=np.int64),
        },
    )
