"""Persons as the business register sees them: read from the resident register via the exchange.

Also the small rules about persons and dates that every write of the register applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.exchange import CallContext, Exchange


@dataclass(frozen=True)
class PersonSummary:
    """What the business register needs to know of a resident."""

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
    """The resident register as the business register sees it: summaries through the exchange."""

    def __init__(self, exchange: Exchange, ctx: CallContext) -> None:
        self._exchange = exchange
        self._ctx = ctx

    def summaries(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        found = self._exchange.call("residents/person-summaries", self._ctx, person_ids=ids)
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


def age_on(birth: dt.date, on: dt.date) -> int:
    """Full years of age on a date (Korean civil age)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def not_in_future(clock: Clock, on: dt.date, field_name: str) -> None:
    if on > today(clock):
        raise invalid(
            "date_in_future",
            f"The register records what has happened; {on} is after today.",
            f"등록부는 이미 일어난 사실만 기록합니다. {on}은(는) 오늘 이후입니다.",
            field_name=field_name,
        )


def check_alive(person: PersonSummary) -> None:
    if person.status != "alive":
        raise Conflict(
            "person_not_alive",
            Message(
                f"Person {person.person_id} is recorded as {person.status}.",
                f"{person.person_id}번 사람은 '{person.status}' 상태로 등록되어 있습니다.",
            ),
            {"person_id": person.person_id},
        )
