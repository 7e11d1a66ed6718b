"""Typed clients of the services every register reads: persons from the resident register.

The resident register offers `residents/person-summaries`; agencies that keep persons by id
(family, business, land, vehicles) read them through this client rather than by import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from nara.core.errors import Conflict, Message, NotFound
from nara.exchange.contracts import Contract, residents
from nara.exchange.contracts.residents import PersonSummariesRequest, Sex
from nara.exchange.services import PLATFORM_CALLER, CallContext, Exchange


class PersonSummary(residents.PersonSummary):
    """A resident as the registers' purposes see him (every purpose of the service but
    `identity-confirmation`): the birth date and sex are always given."""

    birth_date: dt.date
    sex: Sex


PERSON_SUMMARIES: Contract[PersonSummariesRequest, dict[int, PersonSummary]] = Contract(
    residents.PERSON_SUMMARIES.service,
    PersonSummariesRequest,
    dict[int, PersonSummary],
    summary=residents.PERSON_SUMMARIES.summary,
)
"""`residents/person-summaries` read for a purpose whose view keeps the birth date and sex:
an answer without them does not fit (502 `answer_invalid`)."""

REGISTER_IDS = range(1, 2**63)
"""The ids a register row can have (those `Id` admits); any other names no one."""


class ResidentDirectory:
    """The resident register as another agency reads it, in that agency's call context."""

    def __init__(self, exchange: Exchange, ctx: CallContext) -> None:
        self._exchange = exchange
        self._ctx = ctx

    @classmethod
    def onward(cls, ctx: CallContext, *, client: str, purpose: str) -> ResidentDirectory:
        """The register read from inside a provider's handler, as `CallContext.onward` calls:
        as `client` for `purpose`, in the same transaction, user and case."""
        if ctx.exchange is None:
            raise RuntimeError("this call context has no exchange to call onward through")
        onward = replace(ctx, client=client, purpose=purpose, caller=PLATFORM_CALLER)
        return cls(ctx.exchange, onward)

    def summaries(self, person_ids: Iterable[int]) -> dict[int, PersonSummary]:
        """Summaries of the registered persons among these ids; unknown ids are absent."""
        ids = tuple(sorted({pid for pid in person_ids if pid in REGISTER_IDS}))
        if not ids:
            return {}
        return self._exchange.call(
            PERSON_SUMMARIES, self._ctx, PersonSummariesRequest(person_ids=ids)
        )

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


def check_alive(person: residents.PersonSummary) -> None:
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
