"""`nara check`: do the registers agree with each other?

Each agency keeps its own copy of what it needs of a person — the tax office the taxpayer's
address, the vehicle register each vehicle's base address — and one-stop cases keep them in
step. The check walks the resident register page by page through the exchange (purpose
`register-consistency`) and reports every disagreement:

- `tax_address`: the tax office's address of a taxpayer is not where he lives;
- `vehicle_address`: a person's vehicle registered in his own province is based elsewhere
  than where he lives (a move to another province is left out: it needs a change of
  registration the citizen files himself);

and, from the cases themselves, `case_attention` (steps waiting for an official) and
`case_unfinished` (a case marked done with a step not finished).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import Clock
from nara.core.db import unit_of_work
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts.residents import (
    CURRENT_ADDRESSES,
    LIVING_PERSONS,
    CurrentAddressesRequest,
    LivingPersonsRequest,
)
from nara.exchange.contracts.tax import TAXPAYER_ADDRESSES, TaxpayerAddressesRequest
from nara.exchange.contracts.vehicles import (
    BASE_ADDRESSES_OF_OWNERS,
    BaseAddressesOfOwnersRequest,
)
from nara.lifeevents import repository
from nara.lifeevents.engine import CLIENT

PURPOSE: Final = "register-consistency"
PAGE: Final = 500
USES: Final = (
    LIVING_PERSONS.service,
    CURRENT_ADDRESSES.service,
    TAXPAYER_ADDRESSES.service,
    BASE_ADDRESSES_OF_OWNERS.service,
)
SAMPLES: Final = 20


@dataclass
class Disagreements:
    """What the check found: counts by kind, and the first few of each kind."""

    persons_checked: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, kind: str, detail: dict[str, Any]) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        found = self.samples.setdefault(kind, [])
        if len(found) < SAMPLES:
            found.append(detail)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class RoadAddressParts(Protocol):
    """A road-name address in its parts, as each register answers it."""

    @property
    def sigungu_code(self) -> str: ...
    @property
    def road_name(self) -> str: ...
    @property
    def building_main(self) -> int: ...
    @property
    def building_sub(self) -> int: ...
    @property
    def address_detail(self) -> str: ...
    @property
    def postcode(self) -> str: ...


def _address(record: RoadAddressParts) -> tuple[str, str, int, int, str, str]:
    return (
        record.sigungu_code,
        record.road_name,
        record.building_main,
        record.building_sub,
        record.address_detail,
        record.postcode,
    )


def _pages(exchange: Exchange, ctx: CallContext) -> Iterator[tuple[int, ...]]:
    after = 0
    while True:
        asked = LivingPersonsRequest(after_id=after, limit=PAGE)
        ids = exchange.call(LIVING_PERSONS, ctx, asked).person_ids
        if not ids:
            return
        yield ids
        after = ids[-1]


def check_registers(
    session_factory: sessionmaker[Session],
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    progress: Callable[[int], None] | None = None,
) -> Disagreements:
    """Walk every living person and compare the registers; read-only."""
    found = Disagreements()
    with unit_of_work(session_factory) as session:
        ctx = CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client=CLIENT,
            purpose=PURPOSE,
            user_id="operator:check",
        )
        for ids in _pages(exchange, ctx):
            _compare(exchange, ctx, ids, found)
            found.persons_checked += len(ids)
            if progress is not None:
                progress(len(ids))
        _cases(session, found)
    return found


def _compare(
    exchange: Exchange, ctx: CallContext, ids: tuple[int, ...], found: Disagreements
) -> None:
    lives = exchange.call(CURRENT_ADDRESSES, ctx, CurrentAddressesRequest(person_ids=ids))
    taxed = exchange.call(TAXPAYER_ADDRESSES, ctx, TaxpayerAddressesRequest(person_ids=ids))
    owned = exchange.call(
        BASE_ADDRESSES_OF_OWNERS, ctx, BaseAddressesOfOwnersRequest(person_ids=ids)
    )
    for person_id in ids:
        home = lives.get(person_id)
        if home is None:
            continue
        tax = taxed.get(person_id)
        if tax is not None and _address(tax) != _address(home):
            found.add(
                "tax_address",
                {"person_id": person_id, "resident": home.label_ko, "tax": _address(tax)},
            )
        vehicles = owned[person_id].vehicles if person_id in owned else ()
        for vehicle in vehicles:
            same_province = vehicle.sido_code == home.sido_code
            if same_province and _address(vehicle) != _address(home):
                found.add(
                    "vehicle_address",
                    {
                        "person_id": person_id,
                        "plate": vehicle.plate,
                        "resident": home.label_ko,
                        "vehicle": _address(vehicle),
                    },
                )


def _cases(session: Session, found: Disagreements) -> None:
    for case_id in repository.cases_with_attention_steps(session):
        found.add("case_attention", {"case_id": case_id})
    for case_id, steps in repository.done_cases_with_open_steps(session):
        found.add("case_unfinished", {"case_id": case_id, "steps": steps})
