"""Factories that put registry rows straight into the database, for tests of any package.

They bypass services on purpose: a test of the family register needs persons to exist in
the resident register without depending on how residents are registered, and a test of the
land register needs businesses on the business register without registering them.
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from nara.business.models import Registration
from nara.core.identifiers import Brn, Rrn, brn_check_digit, rrn_check_digit, sex_digit
from nara.core.pii import PiiCipher
from nara.residents.models import Person

_serials = itertools.count(1)
_brn_serials = itertools.count(1)


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


def business_brn(kind: str = "individual") -> str:
    """A valid BRN (10 digits, with check digit) for this kind of business; unique per call.

    Middle digits 81 mark a corporation's head office, 01 an individual business.
    """
    middle = "81" if kind == "corporation" else "01"
    first9 = f"617{middle}{next(_brn_serials) % 10_000:04d}"
    return first9 + str(brn_check_digit(first9))


def make_business(
    session: Session,
    *,
    name: str = "나라상사",
    brn: str | None = None,
    kind: str = "individual",
    status: str = "active",
    opened_on: dt.date = dt.date(2015, 1, 1),
    closed_on: dt.date | None = None,
    industry_code: str = "47190",
    representative: Person | None = None,
) -> Registration:
    """A business on the business register, at 테헤란로 152 in Gangnam-gu.

    `representative` is a person made with `make_person`; without one the representative
    is recorded by a placeholder id and name (tests that need the person pass one). A closed
    business without `closed_on` closed on 31 December 2025.
    """
    if closed_on is None and status == "closed":
        closed_on = dt.date(2025, 12, 31)
    business = Registration(
        brn=Brn.parse(brn).digits if brn else business_brn(kind),
        name=name,
        kind=kind,
        representative_person_id=representative.id if representative else 0,
        representative_name=representative.name_ko if representative else "홍길동",
        industry_code=industry_code,
        opened_on=opened_on,
        closed_on=closed_on,
        status=status,
        employer_since=None,
        sido_code="11",
        sigungu_code="11680",
        road_name="테헤란로",
        building_main=152,
        building_sub=0,
        address_detail="",
        postcode="06236",
    )
    session.add(business)
    session.flush()
    return business


def deceased_with_heir(
    session: Session,
    cipher: PiiCipher,
    *,
    died_on: dt.date = dt.date(2026, 2, 1),
    deceased: int | None = None,
) -> tuple[int, int]:
    """A person recorded deceased (`deceased`, or a new one) and his son, an heir of the 1st
    rank in the family register: what a Safe Inheritance lookup needs to hold."""
    from nara.family.models import Parentage
    from nara.residents.models import Person

    if deceased is None:
        deceased = make_person(session, cipher, birth=dt.date(1950, 5, 5)).id
    person = session.get_one(Person, deceased)
    person.status, person.status_on = "deceased", died_on
    son = make_person(
        session, cipher, name_ko="김지훈", name_en="Kim Jihun", birth=dt.date(1980, 3, 3)
    )
    session.add(
        Parentage(
            child_id=son.id,
            parent_id=deceased,
            parent_role="father" if person.sex == "M" else "mother",
            kind="birth",
            established_on=son.birth_date,
            ended_on=None,
            end_cause=None,
        )
    )
    session.flush()
    return deceased, son.id
