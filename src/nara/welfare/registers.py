"""The registers welfare reads through the exchange: persons (residents) and family relations.

Routes build it from the request's `Exchange`; a service handler builds it from its call
context, calling onward as the welfare agency in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from nara.exchange.directory import PersonSummary, ResidentDirectory
from nara.exchange.services import CallContext, Exchange

AGENCY = "welfare"
PERSONS_PURPOSE = "benefit-decision"
FAMILY_RELATIONS = "family/relations"
FAMILY_PURPOSE = "family-register"


@dataclass(frozen=True)
class Link:
    """A parent or a child of a person in the family register."""

    person_id: int
    role: str
    kind: str
    since: dt.date

    @classmethod
    def of(cls, data: dict[str, Any]) -> Link:
        return cls(
            person_id=int(data["person_id"]),
            role=str(data["role"]),
            kind=str(data["kind"]),
            since=dt.date.fromisoformat(str(data["since"])),
        )


@dataclass(frozen=True)
class Relations:
    """A person's parents and children in force on a date."""

    parents: tuple[Link, ...]
    children: tuple[Link, ...]


class Registers:
    """Residents and family as the welfare agency reads them, in one call context."""

    def __init__(self, exchange: Exchange, ctx: CallContext) -> None:
        self._exchange = exchange
        self._ctx = replace(ctx, client=AGENCY)

    @classmethod
    def onward(cls, ctx: CallContext) -> Registers:
        """The registers read from inside a welfare service handler (its caller's case)."""
        if ctx.exchange is None:
            raise RuntimeError("the call context has no exchange to call onward through")
        return cls(ctx.exchange, ctx)

    def _residents(self) -> ResidentDirectory:
        return ResidentDirectory(self._exchange, replace(self._ctx, purpose=PERSONS_PURPOSE))

    def persons(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        """Summaries of the registered persons among these ids; unknown ids are absent."""
        return self._residents().summaries(person_ids)

    def require(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        """Summaries of all these persons; 404 `person_unknown` if any is not registered."""
        return self._residents().require(person_ids)

    def relations(self, person_id: int, on: dt.date) -> Relations:
        """The person's parents and children in the family register on a date."""
        ctx = replace(self._ctx, purpose=FAMILY_PURPOSE)
        found = self._exchange.call_json(
            FAMILY_RELATIONS, ctx, person_id=person_id, on=on.isoformat()
        )
        return Relations(
            parents=tuple(Link.of(item) for item in found.get("parents", [])),
            children=tuple(Link.of(item) for item in found.get("children", [])),
        )
