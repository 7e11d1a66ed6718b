"""How each birth-bundle benefit is decided for a child, by rule (no database, no exchange).

A decision is granted, refused or deferred, with a stable reason code and its reason in
English and Korean, the monthly amount or lump sum, and the dates; a granted monthly benefit
carries its periods (one per amount).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nara.welfare import rules

KIND_NAMES: dict[str, tuple[str, str]] = {
    "parent_allowance": ("parent allowance", "부모급여"),
    "child_allowance": ("child allowance", "아동수당"),
    "childcare_allowance": ("home childcare allowance", "가정양육수당"),
    "first_meeting_voucher": ("first-meeting voucher", "첫만남이용권"),
    "basic_pension": ("basic pension", "기초연금"),
}


@dataclass(frozen=True)
class Decision:
    kind: str
    decision: str
    reason_code: str
    reason_en: str
    reason_ko: str
    monthly_amount: int | None = None
    lump_sum: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    periods: tuple[rules.Period, ...] = ()

    def answer(self) -> dict[str, Any]:
        """The decision as the parent is shown it (JSON)."""
        return {
            "kind": self.kind,
            "decision": self.decision,
            "reason_code": self.reason_code,
            "reason_en": self.reason_en,
            "reason_ko": self.reason_ko,
            "monthly_amount": self.monthly_amount,
            "lump_sum": self.lump_sum,
            "starts_on": None if self.starts_on is None else self.starts_on.isoformat(),
            "ends_on": None if self.ends_on is None else self.ends_on.isoformat(),
            "periods": [
                {
                    "monthly_amount": p.monthly_amount,
                    "starts_on": p.starts_on.isoformat(),
                    "ends_on": p.ends_on.isoformat(),
                }
                for p in self.periods
            ],
        }


def refused(kind: str, code: str, en: str, ko: str) -> Decision:
    return Decision(kind, "refused", code, en, ko)


def already_granted(kind: str) -> Decision:
    en, ko = KIND_NAMES[kind]
    return refused(
        kind,
        "already_granted",
        f"The child already receives the {en}.",
        f"이 아동은 이미 {ko}을(를) 받고 있습니다.",
    )


def _beyond_age(kind: str, ends_on: dt.date) -> Decision:
    en, ko = KIND_NAMES[kind]
    return refused(
        kind,
        "beyond_age",
        f"The {en} is paid until {ends_on}; the child is past that age.",
        f"{ko}은(는) {ends_on} 전까지 지급됩니다. 아동이 지급 연령을 지났습니다.",
    )


def _no_rule(kind: str) -> Decision:
    en, ko = KIND_NAMES[kind]
    return refused(
        kind,
        "no_rule_in_force",
        f"No amount of the {en} is in force for this period.",
        f"이 기간에 적용되는 {ko} 금액 기준이 없습니다.",
    )


def monthly(kind: str, birth: dt.date, submitted_on: dt.date) -> Decision:
    """A child's monthly allowance: paid from the birth when applied for within 60 days of it,
    else from the month of the application, until the end of the age band."""
    starts_on = rules.paid_from(birth, submitted_on)
    first_day, ends_on = rules.entitlement(kind, birth)
    if starts_on >= ends_on:
        return _beyond_age(kind, ends_on)
    en, ko = KIND_NAMES[kind]
    if kind == "childcare_allowance" and starts_on < first_day:
        amount = rules.parameter("childcare_allowance.monthly", first_day)
        return Decision(
            kind,
            "deferred",
            "starts_at_24_months",
            f"The {en} starts when the child is 24 months old, on {first_day}; the parent "
            "allowance covers the months before.",
            f"{ko}은(는) 아동이 24개월이 되는 {first_day}부터 지급됩니다. 그 전까지는 "
            "부모급여가 지급됩니다.",
            monthly_amount=amount,
            starts_on=first_day,
            ends_on=ends_on,
        )
    periods = tuple(rules.schedule(kind, birth, starts_on))
    if not periods:
        return _no_rule(kind)
    first = periods[0]
    return Decision(
        kind,
        "granted",
        "eligible",
        f"The {en} is granted from {first.starts_on} until {periods[-1].ends_on}: "
        f"KRW {first.monthly_amount:,} a month to start with.",
        f"{ko}을(를) {first.starts_on}부터 {periods[-1].ends_on} 전까지 지급합니다: "
        f"처음 월 {first.monthly_amount:,}원.",
        monthly_amount=first.monthly_amount,
        starts_on=first.starts_on,
        ends_on=periods[-1].ends_on,
        periods=periods,
    )


def voucher(birth: dt.date, submitted_on: dt.date, order: int) -> Decision:
    """The first-meeting voucher: a lump sum by birth order, applied for within a year."""
    kind = "first_meeting_voucher"
    deadline = rules.voucher_deadline(birth)
    if submitted_on >= deadline:
        return refused(
            kind,
            "application_late",
            f"The first-meeting voucher is applied for within a year of the birth, before "
            f"{deadline}.",
            f"첫만남이용권은 출생일로부터 1년 이내({deadline} 전)에 신청해야 합니다.",
        )
    amount = rules.voucher_amount(birth, order)
    if amount is None:
        return refused(
            kind,
            "born_before_scheme",
            "The first-meeting voucher is for children born on or after 1 January 2022.",
            "첫만남이용권은 2022년 1월 1일 이후 출생아에게 지급됩니다.",
        )
    ordinal_en = "first child" if order <= 1 else f"child number {order}"
    ordinal_ko = "첫째" if order <= 1 else f"{order}째"
    return Decision(
        kind,
        "granted",
        "eligible",
        f"A voucher of KRW {amount:,} is granted for the mother's {ordinal_en}.",
        f"{ordinal_ko} 아동으로 {amount:,}원의 이용권을 지급합니다.",
        lump_sum=amount,
        starts_on=submitted_on,
    )
