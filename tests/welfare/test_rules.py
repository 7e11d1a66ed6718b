"""The dated rules: amounts by age band and by date, the 60-day retroactive start, the
voucher by birth order and date, the basic pension's standard amount."""

from __future__ import annotations

import datetime as dt

import pytest

from nara.welfare import rules
from nara.welfare.decisions import monthly, voucher
from nara.welfare.rules import Period

D = dt.date


def test_a_child_is_n_months_old_on_the_same_day_or_the_last_day_of_a_shorter_month() -> None:
    assert rules.months_after(D(2026, 2, 10), 24) == D(2028, 2, 10)
    assert rules.months_after(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert rules.months_after(D(2027, 12, 31), 2) == D(2028, 2, 29)


def test_an_allowance_applied_for_within_60_days_of_the_birth_is_paid_from_the_birth() -> None:
    birth = D(2026, 1, 10)
    assert rules.paid_from(birth, D(2026, 3, 10)) == birth  # the 59th day after the birth
    assert rules.paid_from(birth, D(2026, 3, 11)) == D(2026, 3, 1)  # from the month applied


def test_the_parent_allowance_is_1_000_000_until_12_months_then_500_000_until_24() -> None:
    assert rules.schedule("parent_allowance", D(2026, 2, 10), D(2026, 2, 10)) == [
        Period(1_000_000, D(2026, 2, 10), D(2027, 2, 10)),
        Period(500_000, D(2027, 2, 10), D(2028, 2, 10)),
    ]


def test_a_period_splits_where_a_parameter_takes_effect_and_is_not_paid_before_any() -> None:
    # The 2024 amounts are the first this register holds: 2023 months are left out.
    assert rules.schedule("parent_allowance", D(2023, 6, 15), D(2023, 6, 15)) == [
        Period(1_000_000, D(2024, 1, 1), D(2024, 6, 15)),
        Period(500_000, D(2024, 6, 15), D(2025, 6, 15)),
    ]


def test_the_child_allowance_is_100_000_until_the_child_is_8() -> None:
    assert rules.schedule("child_allowance", D(2026, 2, 10), D(2026, 2, 10)) == [
        Period(100_000, D(2026, 2, 10), D(2034, 2, 10))
    ]


def test_the_home_childcare_allowance_for_a_newborn_is_deferred_to_24_months() -> None:
    decision = monthly("childcare_allowance", D(2026, 2, 10), D(2026, 3, 2))
    assert decision.decision == "deferred"
    assert decision.reason_code == "starts_at_24_months"
    assert (decision.starts_on, decision.ends_on) == (D(2028, 2, 10), D(2033, 4, 10))
    assert decision.monthly_amount == 100_000


def test_the_home_childcare_allowance_is_paid_from_24_to_86_months() -> None:
    decision = monthly("childcare_allowance", D(2022, 1, 5), D(2026, 3, 2))
    assert decision.decision == "granted"
    assert decision.periods == (Period(100_000, D(2026, 3, 1), D(2029, 3, 5)),)


@pytest.mark.parametrize(
    ("kind", "birth"),
    [
        ("parent_allowance", D(2024, 2, 1)),
        ("child_allowance", D(2018, 2, 1)),
        ("childcare_allowance", D(2018, 12, 1)),
    ],
)
def test_a_child_past_the_age_band_is_refused(kind: str, birth: dt.date) -> None:
    decision = monthly(kind, birth, D(2026, 3, 2))
    assert (decision.decision, decision.reason_code) == ("refused", "beyond_age")


@pytest.mark.parametrize(
    ("birth", "order", "amount"),
    [
        (D(2024, 5, 1), 1, 2_000_000),
        (D(2024, 5, 1), 2, 3_000_000),
        (D(2024, 5, 1), 3, 3_000_000),
        (D(2023, 5, 1), 2, 2_000_000),
        (D(2021, 12, 31), 1, None),
    ],
)
def test_the_first_meeting_voucher_by_birth_order_and_birth_date(
    birth: dt.date, order: int, amount: int | None
) -> None:
    assert rules.voucher_amount(birth, order) == amount


def test_the_voucher_is_applied_for_within_a_year_of_the_birth() -> None:
    assert voucher(D(2025, 3, 2), D(2026, 3, 1), 1).decision == "granted"
    late = voucher(D(2025, 3, 2), D(2026, 3, 2), 1)
    assert (late.decision, late.reason_code) == ("refused", "application_late")
    early = voucher(D(2021, 6, 1), D(2021, 6, 2), 1)
    assert (early.decision, early.reason_code) == ("refused", "born_before_scheme")


def test_the_basic_pension_standard_amount_changes_each_january() -> None:
    assert rules.basic_pension_ceiling(D(2023, 12, 31)) is None
    assert rules.basic_pension_ceiling(D(2024, 7, 1)) == 334_810
    assert rules.basic_pension_ceiling(D(2025, 1, 1)) == 342_510


def test_every_parameter_names_its_source() -> None:
    assert all(p.source.strip() for p in rules.PARAMETERS)
