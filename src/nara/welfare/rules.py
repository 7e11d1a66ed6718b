"""The dated parameters of the welfare benefits, and the arithmetic of ages in months.

Each parameter is in force from its effective date until the next row of the same name;
a later year adds a row rather than changing one. Amounts are integer won. Sources are the
statutes and the Ministry of Health and Welfare's programme guides of the year named.

Periods follow the registers' convention: a benefit that `ends_on` a day is no longer paid
from that day (the child's 24-month day ends the parent allowance, and the childcare
allowance starts that same day).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

BenefitKind = Literal[
    "parent_allowance",
    "child_allowance",
    "childcare_allowance",
    "first_meeting_voucher",
    "basic_pension",
]

BIRTH_BUNDLE: Final[tuple[str, ...]] = (
    "parent_allowance",
    "child_allowance",
    "childcare_allowance",
    "first_meeting_voucher",
)
"""The benefits the birth report (행복출산) applies for together."""

OFFICIAL_GRANTS: Final[tuple[str, ...]] = ("basic_pension",)
"""Benefits an official grants outside the birth bundle."""

BENEFIT_KINDS: Final[tuple[str, ...]] = (*BIRTH_BUNDLE, *OFFICIAL_GRANTS)

MONTHLY_KINDS: Final[frozenset[str]] = frozenset(
    {"parent_allowance", "child_allowance", "childcare_allowance", "basic_pension"}
)

RETROACTIVE_DAYS: Final = 60
"""An allowance applied for within 60 days of the birth (the birth day counted) is paid from
the birth; later, from the month of the application (아동수당·부모급여 사업안내, 2024)."""

VOUCHER_WINDOW_MONTHS: Final = 12
"""The first-meeting voucher is applied for within a year of the birth (첫만남이용권 사업안내,
2022 onwards)."""

BASIC_PENSION_AGE: Final = 65
"""기초연금법 제3조: persons aged 65 or older."""


@dataclass(frozen=True)
class Parameter:
    """One value of a rule in force from a date."""

    name: str
    effective_from: dt.date
    value: int
    source: str


PARAMETERS: Final[tuple[Parameter, ...]] = (
    # 부모급여 (parent allowance), 아동수당법 제4조제5항; 2024 guide: KRW 1,000,000 / 500,000.
    Parameter(
        "parent_allowance.under_12_months",
        dt.date(2024, 1, 1),
        1_000_000,
        "아동수당법 제4조제5항; 보건복지부 2024 부모급여 지원 사업안내",
    ),
    Parameter(
        "parent_allowance.under_24_months",
        dt.date(2024, 1, 1),
        500_000,
        "아동수당법 제4조제5항; 보건복지부 2024 부모급여 지원 사업안내",
    ),
    # 아동수당 (child allowance): KRW 100,000 a month under 8 years (96 months) since 2022-04-01.
    Parameter(
        "child_allowance.monthly",
        dt.date(2022, 4, 1),
        100_000,
        "아동수당법 제4조 (2021. 12. 개정, 2022. 4. 1. 시행: 8세 미만)",
    ),
    Parameter(
        "child_allowance.until_months",
        dt.date(2022, 4, 1),
        96,
        "아동수당법 제4조 (2021. 12. 개정, 2022. 4. 1. 시행: 8세 미만)",
    ),
    # 가정양육수당 (home childcare allowance) from 24 to under 86 months, 2024 guide.
    Parameter(
        "childcare_allowance.monthly",
        dt.date(2024, 1, 1),
        100_000,
        "영유아보육법 제34조의2; 보건복지부 2024 보육사업안내 (24~86개월 10만원)",
    ),
    Parameter(
        "childcare_allowance.from_months",
        dt.date(2024, 1, 1),
        24,
        "영유아보육법 제34조의2; 2024년부터 0~23개월은 부모급여로 지원",
    ),
    Parameter(
        "childcare_allowance.until_months",
        dt.date(2024, 1, 1),
        86,
        "영유아보육법 제34조의2; 보건복지부 2024 보육사업안내",
    ),
    # 첫만남이용권 (first-meeting voucher), by the child's birth date.
    Parameter(
        "first_meeting_voucher.first_child",
        dt.date(2022, 1, 1),
        2_000_000,
        "보건복지부 첫만남이용권 사업안내 (2022. 1. 1. 이후 출생아)",
    ),
    Parameter(
        "first_meeting_voucher.later_child",
        dt.date(2022, 1, 1),
        2_000_000,
        "보건복지부 첫만남이용권 사업안내 (2022. 1. 1. 이후 출생아)",
    ),
    Parameter(
        "first_meeting_voucher.later_child",
        dt.date(2024, 1, 1),
        3_000_000,
        "보건복지부 2024 첫만남이용권 사업안내 (둘째 이상 300만원)",
    ),
    # 기초연금 (basic pension): the standard pension amount, the most a single person receives.
    Parameter(
        "basic_pension.standard_amount",
        dt.date(2024, 1, 1),
        334_810,
        "기초연금법 제5조; 보건복지부 고시 2024년 기준연금액",
    ),
    Parameter(
        "basic_pension.standard_amount",
        dt.date(2025, 1, 1),
        342_510,
        "기초연금법 제5조; 보건복지부 고시 2025년 기준연금액",
    ),
)


def parameter(name: str, on: dt.date) -> int | None:
    """The value of `name` in force on `on`, or None before its first effective date."""
    found = [p for p in PARAMETERS if p.name == name and p.effective_from <= on]
    if not found:
        return None
    return max(found, key=lambda p: p.effective_from).value


def changes_of(names: tuple[str, ...]) -> list[dt.date]:
    """The dates on which any of these parameters takes a new value, in order."""
    return sorted({p.effective_from for p in PARAMETERS if p.name in names})


def months_after(birth: dt.date, months: int) -> dt.date:
    """The day a child born on `birth` is `months` months old (the last day of a shorter month
    when it has no such day)."""
    year, month = divmod(birth.month - 1 + months, 12)
    year += birth.year
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(birth.day, last))


def paid_from(birth: dt.date, submitted_on: dt.date) -> dt.date:
    """The first day an allowance applied for on `submitted_on` is paid for."""
    if submitted_on < birth + dt.timedelta(days=RETROACTIVE_DAYS):
        return birth
    return max(birth, submitted_on.replace(day=1))


@dataclass(frozen=True)
class Period:
    """A stretch of a monthly benefit at one amount: paid from `starts_on`, not from `ends_on`."""

    monthly_amount: int
    starts_on: dt.date
    ends_on: dt.date


def _bands(kind: str, birth: dt.date) -> list[tuple[str, int, int]]:
    """(amount parameter, from month, until month) of a child's monthly benefit."""
    if kind == "parent_allowance":
        return [
            ("parent_allowance.under_12_months", 0, 12),
            ("parent_allowance.under_24_months", 12, 24),
        ]
    if kind == "child_allowance":
        until = parameter("child_allowance.until_months", birth) or 96
        return [("child_allowance.monthly", 0, until)]
    if kind == "childcare_allowance":
        start = parameter("childcare_allowance.from_months", birth) or 24
        until = parameter("childcare_allowance.until_months", birth) or 86
        return [("childcare_allowance.monthly", start, until)]
    raise ValueError(f"{kind} is not a child's monthly benefit")


def entitlement(kind: str, birth: dt.date) -> tuple[dt.date, dt.date]:
    """The first day and the end (first day no longer) of a child's monthly benefit by age."""
    bands = _bands(kind, birth)
    return months_after(birth, bands[0][1]), months_after(birth, bands[-1][2])


def schedule(kind: str, birth: dt.date, starts_on: dt.date) -> list[Period]:
    """The periods of a child's monthly benefit paid from `starts_on`, split where the child's
    age band changes and where a parameter takes a new value; none where no value is in force."""
    periods: list[Period] = []
    for name, from_months, until_months in _bands(kind, birth):
        start = max(starts_on, months_after(birth, from_months))
        end = months_after(birth, until_months)
        cuts = [d for d in changes_of((name,)) if start < d < end]
        for begin, stop in zip([start, *cuts], [*cuts, end], strict=True):
            amount = parameter(name, begin)
            if amount is not None and begin < stop:
                periods.append(Period(amount, begin, stop))
    return periods


def voucher_amount(birth: dt.date, order: int) -> int | None:
    """The first-meeting voucher of a child born on `birth`, the `order`-th child of its mother;
    None for a child born before the voucher existed."""
    name = (
        "first_meeting_voucher.first_child" if order <= 1 else "first_meeting_voucher.later_child"
    )
    return parameter(name, birth)


def voucher_deadline(birth: dt.date) -> dt.date:
    """The first day on which the voucher can no longer be applied for."""
    return months_after(birth, VOUCHER_WINDOW_MONTHS)


def basic_pension_ceiling(on: dt.date) -> int | None:
    """The standard basic pension amount in force on `on` (the most a person receives)."""
    return parameter("basic_pension.standard_amount", on)
