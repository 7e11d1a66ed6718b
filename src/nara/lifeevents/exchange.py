"""What one-stop life events read and write through the exchange, and the events they announce.

Cases are carried by the single window's subsystem (`gov24`); the services below are granted
to it when the platform installs.
"""

from __future__ import annotations

from typing import Final

from nara.lifeevents import birth, consistency, death, employment, inheritance, moving_in

USES: Final[tuple[str, ...]] = tuple(
    dict.fromkeys(
        [
            *moving_in.USES,
            *birth.USES,
            *death.USES,
            *inheritance.USES,
            *employment.USES,
            *consistency.USES,
        ]
    )
)
"""Services of the agencies that cases read and write."""

EVENTS: Final[dict[str, str]] = {
    "lifeevent.filed": "A citizen filed a one-stop report; its steps are listed.",
    "lifeevent.confirmed": "The household head confirmed a report; its steps start.",
    "lifeevent.cancelled": "A report was cancelled before anything changed (declined).",
    "lifeevent.done": "Every step of a case finished.",
    "lifeevent.failed": "A case was refused before any register changed.",
    "lifeevent.step_flagged": "A step could not complete and waits for an official.",
    "lifeevent.step_retried": "An official sent a flagged step again.",
    "lifeevent.step_resolved": "An official settled a flagged step by hand.",
}
"""Event types this package publishes through the outbox."""

__all__ = ["EVENTS", "USES"]
