"""Resident lookup by RRN, in process: blind index → row → decrypt.

Two paths: the residents repository's `person_by_rrn_index` in an ORM session (what a
service does), and a Core query returning the row (what a read-only API could do).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sqlalchemy import Engine, bindparam, func, select
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from nara.residents.models import Person
from nara.residents.repository import person_by_rrn_index

WARM_UP = 500


def sample_rrns(engine: Engine, cipher: PiiCipher, count: int, seed: int = 1) -> list[str]:
    with Session(engine) as session:
        top = session.execute(select(func.max(Person.id))).scalar_one()
        ids = random.Random(seed).sample(range(1, top + 1), min(count, top))
        tokens = session.execute(select(Person.rrn_cipher).where(Person.id.in_(ids))).scalars()
        numbers = [cipher.decrypt(t) for t in tokens]
    random.Random(seed).shuffle(numbers)
    return numbers


def _timed(rrns: list[str], lookup: Callable[[str], str]) -> list[float]:
    for rrn in rrns[:WARM_UP]:  # statement caches, prepared statements, pages
        lookup(rrn)
    latencies = []
    for rrn in rrns:
        start = time.perf_counter()
        number = lookup(rrn)
        latencies.append(time.perf_counter() - start)
        assert number == rrn
    return latencies


def orm_latencies(engine: Engine, cipher: PiiCipher, rrns: list[str]) -> list[float]:
    with Session(engine) as session:

        def lookup(rrn: str) -> str:
            person = person_by_rrn_index(session, cipher.blind_index(rrn))
            assert person is not None
            session.expunge(person)
            return cipher.decrypt(person.rrn_cipher)

        return _timed(rrns, lookup)


def core_latencies(engine: Engine, cipher: PiiCipher, rrns: list[str]) -> list[float]:
    table = Person.__table__
    query = select(table).where(table.c.rrn_index == bindparam("index"))
    with engine.connect() as connection:

        def lookup(rrn: str) -> str:
            row = connection.execute(query, {"index": cipher.blind_index(rrn)}).one()
            return cipher.decrypt(row.rrn_cipher)

        return _timed(rrns, lookup)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]
