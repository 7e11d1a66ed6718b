"""What one-stop reports read of the registers, as the views of their purposes show it.

An answer record gives a default to every field that some purpose's view drops (a person's
birth date is not shown for `identity-confirmation`). The reports read for purposes whose
views do show these fields: the models here say so, and the exchange checks it on each
answer (one that leaves such a field out does not fit, `answer_invalid`, the provider's
fault).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Final

from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import Contract
from nara.exchange.contracts.residents import (
    DEATH_FACTS,
    PERSON_SUMMARIES,
    DeathFacts,
    PersonRequest,
    PersonSummariesRequest,
    PersonSummary,
    Sex,
)
from nara.exchange.contracts.vehicles import VEHICLES_OF_OWNER, OwnedVehicle, VehiclesOfOwnerRequest

LIFE_EVENT_REPORT: Final = "life-event-report"
"""The purpose of what a report reads of the filer, his family and his vehicles."""
DEATH_REPORT: Final = "death-report"
"""The purpose of a death report's reads and writes."""


class ReportedPerson(PersonSummary):
    """A resident as the `life-event-report` view shows him: with his birth date and sex."""

    birth_date: dt.date
    sex: Sex


class DeathToReport(DeathFacts):
    """A person as the `death-report` view shows him: with his birth date."""

    birth_date: dt.date


class VehicleOfMover(OwnedVehicle):
    """A vehicle as the `life-event-report` view shows it: with the province it is in."""

    sido_code: str


PERSONS: Contract[PersonSummariesRequest, dict[int, ReportedPerson]] = Contract(
    PERSON_SUMMARIES.service, PersonSummariesRequest, dict[int, ReportedPerson]
)
DEATHS: Contract[PersonRequest, DeathToReport | None] = Contract(
    DEATH_FACTS.service, PersonRequest, DeathToReport | None
)
VEHICLES: Contract[VehiclesOfOwnerRequest, list[VehicleOfMover]] = Contract(
    VEHICLES_OF_OWNER.service, VehiclesOfOwnerRequest, list[VehicleOfMover]
)


def persons(
    exchange: Exchange, ctx: CallContext, person_ids: Iterable[int]
) -> dict[int, ReportedPerson]:
    """The registered persons among these ids, by id; unknown ids are absent."""
    ids = tuple(sorted(set(person_ids)))
    if not ids:
        return {}
    asked = replace(ctx, purpose=LIFE_EVENT_REPORT)
    return exchange.call(PERSONS, asked, PersonSummariesRequest(person_ids=ids))


def death_to_report(exchange: Exchange, ctx: CallContext, person_id: int) -> DeathToReport | None:
    """The status, birth date and household of a person whose death is reported; None for
    a person not registered."""
    asked = replace(ctx, purpose=DEATH_REPORT)
    return exchange.call(DEATHS, asked, PersonRequest(person_id=person_id))


def vehicles_of(exchange: Exchange, ctx: CallContext, person_id: int) -> list[VehicleOfMover]:
    """The vehicles a person holds now, with their provinces."""
    asked = replace(ctx, purpose=LIFE_EVENT_REPORT)
    request = VehiclesOfOwnerRequest(owner_kind="person", owner_id=person_id)
    return exchange.call(VEHICLES, asked, request)
