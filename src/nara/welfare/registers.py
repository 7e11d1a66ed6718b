"""The registers welfare reads through the exchange: persons (residents) and family relations.

Routes build it from the request's `Exchange`; a service handler builds it from its call
context, calling onward as the welfare agency in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from nara.exchange.contracts import family
from nara.exchange.directory import PersonSummary, ResidentDirectory
from nara.exchange.services import PLATFORM_CALLER, CallContext, Exchange

AGENCY = "welfare"
PERSONS_PURPOSE = "benefit-decision"
FAMILY_RELATIONS = family.RELATIONS.service
FAMILY_PURPOSE = "family-register"


class Registers:
    """Residents and family as the welfare agency reads them, in one call context."""

    def __init__(self, exchange: Exchange, ctx: CallContext) -> None:
        self._exchange = exchange
        self._ctx = replace(ctx, client=AGENCY)

    @classmethod
    def onward(cls, ctx: CallContext) -> Registers:
        """The registers read from inside a welfare service handler, as `CallContext.onward`
        calls: as the welfare agency, in the same transaction, user and case."""
        if ctx.exchange is None:
            raise RuntimeError("this call context has no exchange to call onward through")
        return cls(ctx.exchange, replace(ctx, caller=PLATFORM_CALLER))

    def _residents(self) -> ResidentDirectory:
        return ResidentDirectory(self._exchange, replace(self._ctx, purpose=PERSONS_PURPOSE))

    def persons(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        """Summaries of the registered persons among these ids; unknown ids are absent."""
        return self._residents().summaries(person_ids)

    def require(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        """Summaries of all these persons; 404 `person_unknown` if any is not registered."""
        return self._residents().require(person_ids)

    def relations(self, person_id: int, on: dt.date) -> family.Relations:
        """The person's parents and children in the family register on a date."""
        ctx = replace(self._ctx, purpose=FAMILY_PURPOSE)
        request = family.PersonOnDayRequest(person_id=person_id, on=on)
        return self._exchange.call(family.RELATIONS, ctx, request)
