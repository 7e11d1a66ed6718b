"""The registers the single window fills forms from, through the exchange (as `gov24`).

A reader asks one service about the applicant and gives what it says as form text, by the
name of the answer's field; a catalogue `Prefill` names the service and maps form fields to
those names. A field the purpose's view leaves out is not given, and fills nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from nara.exchange import CallContext, Exchange
from nara.exchange.contracts.residents import PERSON_SUMMARIES, PersonSummariesRequest

FactsReader = Callable[[Exchange, CallContext, int, dt.date], dict[str, str]]
"""`read(exchange, ctx, person_id, on)` → what a register says of the person on that day."""


def person_facts(
    exchange: Exchange, ctx: CallContext, person_id: int, on: dt.date
) -> dict[str, str]:
    """The resident register's summary of the person (name, birth date, sex, status)."""
    request = PersonSummariesRequest(person_ids=(person_id,))
    person = exchange.call(PERSON_SUMMARIES, ctx, request).get(person_id)
    if person is None:
        return {}
    facts = {
        "person_id": str(person.person_id),
        "name_ko": person.name_ko,
        "name_en": person.name_en,
        "status": person.status,
    }
    if person.birth_date is not None:
        facts["birth_date"] = person.birth_date.isoformat()
    if person.sex is not None:
        facts["sex"] = person.sex
    return facts


READERS: dict[str, FactsReader] = {PERSON_SUMMARIES.service: person_facts}
"""The services forms can be filled from, by service id."""
