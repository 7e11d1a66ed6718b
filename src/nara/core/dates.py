"""Civil dates as registers use them: ages, and the rule that a register records the past."""

from __future__ import annotations

import datetime as dt

from nara.core.clock import Clock, today
from nara.core.errors import invalid


def age_on(birth: dt.date, on: dt.date) -> int:
    """Full years of age on a date (the civil age used by Korean law since 2023)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def not_in_future(clock: Clock, on: dt.date, field_name: str) -> None:
    """422 `date_in_future` for a date after today (in Korea) on the given clock."""
    if on > today(clock):
        raise invalid(
            "date_in_future",
            f"The register records what has happened; {on} is after today.",
            f"등록부는 이미 일어난 사실만 기록합니다. {on}은(는) 오늘 이후입니다.",
            field_name=field_name,
        )
