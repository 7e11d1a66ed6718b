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
from typing import Any, Final

from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import Clock
from nara.core.db import unit_of_work
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.lifeevents import repository
from nara.lifeevents.engine import CLIENT

PURPOSE: Final = "register-consistency"
PAGE: Final = 500
ADDRESS_KEYS: Final = (
    "sigungu_code", "road_name", "building_main", "building_sub", "address_detail", "postcode",
)  # fmt: skip
USES: Final = (
    "residents/living-persons",
    "residents/current-addresses",
    "tax/taxpayer-addresses",
    "vehicles/base-addresses-of-owners",
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


def _address(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record.get(key) for key in ADDRESS_KEYS)


def _pages(call: Callable[..., Any]) -> Iterator[list[int]]:
    after = 0
    while True:
        ids = [
            int(i)
            for i in call("residents/living-persons", after_id=after, limit=PAGE)["person_ids"]
        ]
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

        def call(service: str, **params: Any) -> Any:
            return exchange.call_json(service, ctx, **params)

        for ids in _pages(call):
            _compare(call, ids, found)
            found.persons_checked += len(ids)
            if progress is not None:
                progress(len(ids))
        _cases(session, found)
    return found


def _compare(call: Callable[..., Any], ids: list[int], found: Disagreements) -> None:
    lives = {int(k): v for k, v in call("residents/current-addresses", person_ids=ids).items()}
    taxed = {int(k): v for k, v in call("tax/taxpayer-addresses", person_ids=ids).items()}
    owned = {
        int(k): v["vehicles"]
        for k, v in call("vehicles/base-addresses-of-owners", person_ids=ids).items()
    }
    for person_id in ids:
        home = lives.get(person_id)
        if home is None:
            continue
        tax = taxed.get(person_id)
        if tax is not None and _address(tax) != _address(home):
            found.add(
                "tax_address",
                {"person_id": person_id, "resident": home.get("label_ko"), "tax": _address(tax)},
            )
        for vehicle in owned.get(person_id, []):
            same_province = vehicle["sido_code"] == home["sido_code"]
            if same_province and _address(vehicle) != _address(home):
                found.add(
                    "vehicle_address",
                    {
                        "person_id": person_id,
                        "plate": vehicle["plate"],
                        "resident": home.get("label_ko"),
                        "vehicle": _address(vehicle),
                    },
                )


def _cases(session: Session, found: Disagreements) -> None:
    for case_id in repository.cases_with_attention_steps(session):
        found.add("case_attention", {"case_id": case_id})
    for case_id, steps in repository.done_cases_with_open_steps(session):
        found.add("case_unfinished", {"case_id": case_id, "steps": steps})
