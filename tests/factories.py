"""Factories that put registry rows straight into the database, for tests of any package.

They bypass services on purpose: a test of the family register needs persons to exist in
the resident register without depending on how residents are registered.
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from nara.core.identifiers import Rrn, rrn_check_digit, sex_digit
from nara.core.pii import PiiCipher
from nara.residents.models import Person

_serials = itertools.count(1)


def regional_rrn(birth: dt.date, sex: str = "M") -> str:
    """A valid pre-2020 RRN (with check digit) for this birth date and sex; unique per call."""
    serial = next(_serials) % 100_000
    first12 = f"{birth:%y%m%d}{sex_digit(birth, 'M' if sex == 'M' else 'F')}{serial:05d}"
    return first12 + str(rrn_check_digit(first12))


def make_person(
    session: Session,
    cipher: PiiCipher,
    *,
    name_ko: str = "김민준",
    name_en: str = "Kim Minjun",
    birth: dt.date = dt.date(1990, 1, 1),
    sex: str = "M",
    status: str = "alive",
    rrn: str | None = None,
) -> Person:
    rrn = rrn or regional_rrn(birth, sex)
    parsed = Rrn.parse(rrn)
    person = Person(
        rrn_cipher=cipher.encrypt(parsed.digits),
        rrn_index=cipher.blind_index(parsed.digits),
        rrn_scheme=parsed.scheme,
        name_ko=name_ko,
        name_en=name_en,
        sex=sex,
        birth_date=birth,
        nationality="KOR",
        status=status,
        status_on=None,
        registered_on=birth,
    )
    session.add(person)
    session.flush()
    return person
