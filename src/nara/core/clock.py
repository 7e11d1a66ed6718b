"""An injectable clock, so that deadlines and history can be tested by moving time."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

SEOUL = dt.timezone(dt.timedelta(hours=9), "KST")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that stands still until told to move (tests, reproducible bulk builds)."""

    def __init__(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware instant")
        self._instant = instant.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._instant

    def advance(self, delta: dt.timedelta) -> None:
        self._instant += delta

    def set(self, instant: dt.datetime) -> None:
        self._instant = instant.astimezone(dt.UTC)


def today(clock: Clock) -> dt.date:
    """The civil date in Korea at the clock's instant (registers use local dates)."""
    return clock.now().astimezone(SEOUL).date()
