"""Dated parameters of the passport office: who gets which validity, and the fees.

Fees (여권 발급 수수료, KRW) are the 2024 public figures for a passport of general use
(일반여권, 복수여권), the international exchange contribution included, in force from
`effective_from`; a new schedule is added as new rows, and the schedule in force on the
day of the application applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from nara.core.errors import Message, NotFound

ADULT_AGE: Final = 18
"""From this age a passport is valid 10 years; under it, 5 years (여권법 시행령 제6조)."""
ADULT_VALIDITY_YEARS: Final = 10
MINOR_VALIDITY_YEARS: Final = 5
YOUNG_CHILD_AGE: Final = 8
"""Under this age the lower fee of a 5-year passport applies."""
PAGES: Final = (26, 58)


@dataclass(frozen=True)
class Fee:
    """One row of the fee schedule: a validity, an age band and a page count, in won."""

    effective_from: dt.date
    validity_years: int
    min_age: int
    max_age: int | None
    """Inclusive upper age of the band, or None for no upper bound."""
    pages: int
    won: int

    def applies(self, *, on: dt.date, validity_years: int, age: int, pages: int) -> bool:
        return (
            self.effective_from <= on
            and self.validity_years == validity_years
            and self.pages == pages
            and self.min_age <= age
            and (self.max_age is None or age <= self.max_age)
        )


_2024: Final = dt.date(2024, 1, 1)

FEES: Final[tuple[Fee, ...]] = (
    Fee(_2024, 10, ADULT_AGE, None, 58, 53_000),
    Fee(_2024, 10, ADULT_AGE, None, 26, 50_000),
    Fee(_2024, 5, YOUNG_CHILD_AGE, ADULT_AGE - 1, 58, 45_000),
    Fee(_2024, 5, YOUNG_CHILD_AGE, ADULT_AGE - 1, 26, 42_000),
    Fee(_2024, 5, 0, YOUNG_CHILD_AGE - 1, 58, 33_000),
    Fee(_2024, 5, 0, YOUNG_CHILD_AGE - 1, 26, 30_000),
)


def validity_for(age: int) -> int:
    """The validity in years of a passport issued to a person of this age."""
    return ADULT_VALIDITY_YEARS if age >= ADULT_AGE else MINOR_VALIDITY_YEARS


def fee_for(*, on: dt.date, validity_years: int, age: int, pages: int) -> int:
    """The fee in won in force on `on` (the latest schedule that applies)."""
    found = [
        fee
        for fee in FEES
        if fee.applies(on=on, validity_years=validity_years, age=age, pages=pages)
    ]
    if not found:
        raise NotFound(
            "fee_unknown",
            Message(
                f"No fee is set for a {validity_years}-year, {pages}-page passport on {on}.",
                f"{on}에 유효기간 {validity_years}년, {pages}면 여권의 수수료가 "
                "정해져 있지 않습니다.",
            ),
        )
    return max(found, key=lambda fee: fee.effective_from).won


def expiry(issued_on: dt.date, validity_years: int) -> dt.date:
    """The last day of validity: the day before the same date `validity_years` later, or
    the last day of February when that date does not exist (민법 제160조)."""
    year = issued_on.year + validity_years
    try:
        return issued_on.replace(year=year) - dt.timedelta(days=1)
    except ValueError:  # 29 February, in a year that has none
        return dt.date(year, 2, 28)
