"""Synthetic birth reports for drills and benchmarks: married adults of the nation who head a
household report a newborn, with every Happy Birth benefit applied for.

The parents and the children's names depend only on the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import Clock
from nara.core.db import unit_of_work
from nara.core.pii import PiiCipher
from nara.exchange import Exchange
from nara.family.models import Marriage
from nara.lifeevents.birth import BirthCreate, file_birth
from nara.lifeevents.moving_in import Filer
from nara.residents.models import Household, Person

GIVEN_NAMES = ("하늘", "바다", "서윤", "도윤", "하준", "지우", "서아", "이안", "시우", "하윤")
GIVEN_ROMAN = ("Haneul", "Bada", "Seoyun", "Doyun", "Hajun", "Jiu", "Seoa", "Ian", "Siu", "Hayun")


def pick_parents(session: Session, *, count: int, born_on: dt.date, seed: int) -> list[Person]:
    """Up to `count` living married adults (aged 20 to 45 on `born_on`) heading a household."""
    rows = session.scalars(
        select(Person)
        .join(Household, Household.head_person_id == Person.id)
        .join(Marriage, or_(Marriage.spouse_a_id == Person.id, Marriage.spouse_b_id == Person.id))
        .where(
            Person.status == "alive",
            Person.birth_date <= born_on.replace(year=born_on.year - 20),
            Person.birth_date > born_on.replace(year=born_on.year - 45),
            Household.dissolved_on.is_(None),
            Marriage.ended_on.is_(None),
        )
        .order_by(Person.id)
    ).all()
    draw = random.Random(seed)  # noqa: S311  (a drill's sample, not a secret)
    chosen = draw.sample(list(dict.fromkeys(rows)), min(count, len(set(rows))))
    return sorted(chosen, key=lambda person: person.id)


def birth_report(parent: Person, *, born_on: dt.date, number: int) -> BirthCreate:
    surname_ko, surname_en = parent.name_ko[0], parent.name_en.split(" ")[0]
    given = number % len(GIVEN_NAMES)
    return BirthCreate(
        name_ko=surname_ko + GIVEN_NAMES[given],
        name_en=f"{surname_en} {GIVEN_ROMAN[given]}",
        sex="F" if number % 2 else "M",
        birth_date=born_on,
    )


def file_births(
    session_factory: sessionmaker[Session],
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    parents: Sequence[Person],
    born_on: dt.date,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """File each parent's report as its own request (one transaction each); the case ids."""
    cases: list[int] = []
    for number, parent in enumerate(parents):
        with unit_of_work(session_factory) as session:
            case = file_birth(
                session,
                clock,
                exchange=exchange,
                cipher=cipher,
                filer=Filer(person_id=parent.id, account_id=None, actor="drill"),
                report=birth_report(parent, born_on=born_on, number=number),
            )
            cases.append(case.id)
        if progress is not None:
            progress(1)
    return cases
