"""Synthetic moving-in reports for drills and benchmarks: adults of the nation who move to a
new flat in their own district, taking their vehicles along.

Movers are chosen among living adults who can file alone: members who are not heads, and
heads of one-person households (a head whose members stay would have to name a new head).
The choice and the new addresses depend only on the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from nara.core.address import RoadAddress
from nara.core.clock import Clock
from nara.core.db import unit_of_work
from nara.core.pii import PiiCipher
from nara.exchange import Exchange
from nara.lifeevents.moving_in import Filer, file_moving_in
from nara.lifeevents.schemas import MovingInCreate
from nara.residents.models import Address, HouseholdMember, Person, Residence
from nara.vehicles.models import Vehicle

NEW_ROAD = "새보금자리로"


@dataclass(frozen=True)
class Mover:
    person_id: int
    address: RoadAddress
    plates: tuple[str, ...]


def pick_movers(session: Session, *, count: int, moved_on: dt.date, seed: int) -> list[Mover]:
    """Up to `count` persons who can file a moving-in report for `moved_on`, by seed."""
    adult_born_by = moved_on.replace(year=moved_on.year - 19)
    household_size = (
        select(HouseholdMember.household_id, func.count().label("size"))
        .where(HouseholdMember.left_on.is_(None))
        .group_by(HouseholdMember.household_id)
        .subquery()
    )
    rows = session.execute(
        select(Person.id, Address)
        .join(Residence, and_(Residence.person_id == Person.id, Residence.moved_out.is_(None)))
        .join(Address, Address.id == Residence.address_id)
        .join(
            HouseholdMember,
            and_(HouseholdMember.person_id == Person.id, HouseholdMember.left_on.is_(None)),
        )
        .join(household_size, household_size.c.household_id == HouseholdMember.household_id)
        .where(
            Person.status == "alive",
            Person.birth_date <= adult_born_by,
            Residence.moved_in < moved_on,
            or_(HouseholdMember.relation != "head", household_size.c.size == 1),
        )
        .order_by(Person.id)
    ).all()
    draw = random.Random(seed)  # noqa: S311  (a drill's sample, not a secret)
    chosen = draw.sample(rows, min(count, len(rows)))
    chosen.sort(key=lambda row: row[0])
    plates = _plates(session, [person_id for person_id, _ in chosen])
    return [
        Mover(
            person_id=person_id,
            address=RoadAddress.of(address),
            plates=tuple(
                plate for plate, sido in plates.get(person_id, []) if sido == address.sido_code
            ),
        )
        for person_id, address in chosen
    ]


def _plates(session: Session, person_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(person_ids), 5000):
        page = person_ids[start : start + 5000]
        for owner_id, plate, sido in session.execute(
            select(Vehicle.owner_id, Vehicle.plate, Vehicle.sido_code).where(
                Vehicle.owner_kind == "person",
                Vehicle.owner_id.in_(page),
                Vehicle.status == "registered",
            )
        ):
            found.setdefault(owner_id, []).append((plate, sido))
    return found


def moving_in_report(mover: Mover, *, moved_on: dt.date, number: int) -> MovingInCreate:
    """The report of a mover to a new flat on `NEW_ROAD` in his district."""
    address = mover.address.model_copy(
        update={
            "road_name": NEW_ROAD,
            "building_main": 1 + number % 9000,
            "building_sub": 0,
            "address_detail": f"{100 + number % 900}호",
        }
    )
    return MovingInCreate(
        moved_on=moved_on,
        address=address,
        vehicles=list(mover.plates),
        postal_forwarding=number % 3 == 0,
    )


def file_reports(
    session_factory: sessionmaker[Session],
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    movers: Sequence[Mover],
    moved_on: dt.date,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """File each mover's report as its own request (one transaction each); the case ids."""
    cases: list[int] = []
    for number, mover in enumerate(movers):
        with unit_of_work(session_factory) as session:
            case = file_moving_in(
                session,
                clock,
                exchange=exchange,
                cipher=cipher,
                filer=Filer(person_id=mover.person_id, account_id=None, actor="drill"),
                report=moving_in_report(mover, moved_on=moved_on, number=number),
            )
            cases.append(case.id)
        if progress is not None:
            progress(1)
    return cases
