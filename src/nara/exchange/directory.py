"""Typed clients of the services every register reads: persons from the resident register.

The resident register offers `residents/person-summaries`; agencies that keep persons by id
(family, business, land, vehicles) read them through this client rather than by import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nara.core.errors import Conflict, Message, NotFound
from nara.exchange.services import CallContext, Exchange

PERSON_SUMMARIES = "residents/person-summaries"


@dataclass(frozen=True)
class PersonSummary:
    """What other registers may know of a resident: no RRN, no address."""

    person_id: int
    name_ko: str
    name_en: str
    birth_date: dt.date
    sex: str
    status: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> PersonSummary:
        return cls(
            person_id=int(data["person_id"]),
            name_ko=str(data["name_ko"]),
            name_en=str(data["name_en"]),
            birth_date=dt.date.fromisoformat(str(data["birth_date"])),
            sex=str(data["sex"]),
            status=str(data["status"]),
        )


class ResidentDirectory:
    """The resident register as another agency reads it, in that agency's call context."""

    def __init__(self, exchange: Exchange, ctx: CallContext) -> None:
        self._exchange = exchange
        self._ctx = ctx

    def summaries(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        """Summaries of the registered persons among these ids; unknown ids are absent."""
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        found = self._exchange.call_json(PERSON_SUMMARIES, self._ctx, person_ids=ids)
        return {int(pid): PersonSummary.of(data) for pid, data in found.items()}

    def require(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        """Summaries of all these persons; 404 `person_unknown` if any is not registered."""
        ids = sorted(set(person_ids))
        found = self.summaries(ids)
        missing = [pid for pid in ids if pid not in found]
        if missing:
            raise person_unknown(missing)
        return found


def person_unknown(person_ids: list[int]) -> NotFound:
    listed = ", ".join(str(pid) for pid in person_ids)
    return NotFound(
        "person_unknown",
        Message(
            f"No person with id {listed} is in the resident register.",
            f"주민등록부에 id {listed}인 사람이 없습니다.",
        ),
        {"person_ids": person_ids},
    )


def check_alive(person: PersonSummary) -> None:
    """409 `person_not_alive` for a deceased or emigrated person."""
    if person.status != "alive":
        raise Conflict(
            "person_not_alive",
            Message(
                f"Person {person.person_id} is recorded as {person.status}.",
                f"{person.person_id}번 사람은 '{person.status}' 상태로 등록되어 있습니다.",
            ),
            {"person_id": person.person_id},
        )
