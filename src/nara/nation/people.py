"""Households and the persons in them: composition, ages, sexes, names, nationality, RRNs.

A block's persons are drawn household by household. Sizes follow Korea's 2024 household
census (one person 36%, two 29%, three 19%, four 13%, five 3%); a household is a single
person, a couple, a couple or a lone parent with children, and sometimes a parent of the
head. Ages are drawn per household type (young and old singles, empty nests, parents
22–40 years older than their children), which gives an old population with few births, as
in Korea now. About 3% of households are foreign residents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from nara.core.pii import PiiCipher
from nara.nation import names
from nara.nation._common import (
    AS_OF_DAY,
    NULL_DAY,
    YEAR_DAYS,
    BoolArray,
    Counters,
    FloatArray,
    IntArray,
    ObjArray,
    Table,
    day_of,
    ymd,
)
from nara.nation.rrn import protect, rrn_numbers, sex_digits, spread_birthdays

_SIZES = np.array([0.36, 0.29, 0.19, 0.13, 0.03])
FOREIGN_HOUSEHOLD_SHARE = 0.03
ROLE_HEAD, ROLE_SPOUSE, ROLE_CHILD, ROLE_PARENT = 0, 1, 2, 3
RRN_SINCE_DAY = day_of(dt.date(1968, 11, 21))
"""Resident registration numbers were introduced in November 1968."""


@dataclass
class Households:
    """Per household of a block: composition and the head's age."""

    size: IntArray
    start: IntArray  # index of the head among the block's persons
    spouse: BoolArray
    children: IntArray
    elder: BoolArray  # a parent of the head lives with the household
    head_male: BoolArray
    foreign: BoolArray
    nationality: ObjArray

    def __len__(self) -> int:
        return len(self.size)


@dataclass
class Persons:
    """Per person of a block (index = position in the block)."""

    id: IntArray
    household: IntArray  # index into the block's households
    role: IntArray
    male: BoolArray
    birth_day: IntArray
    foreign: BoolArray
    nationality: ObjArray
    name_ko: ObjArray
    name_en: ObjArray

    def age_on(self, day: int | IntArray) -> FloatArray:
        return (day - self.birth_day) / YEAR_DAYS


def household_sizes(rng: np.random.Generator, persons: int) -> IntArray:
    """Household sizes adding up to exactly `persons` (the last one cut to fit)."""
    sizes = rng.choice(5, size=persons // 2 + 64, p=_SIZES) + 1
    while sizes.sum() < persons:
        sizes = np.concatenate([sizes, rng.choice(5, size=persons // 4 + 64, p=_SIZES) + 1])
    total = np.cumsum(sizes)
    count = int(np.searchsorted(total, persons)) + 1
    sizes = sizes[:count].astype(np.int64)
    sizes[-1] -= int(total[count - 1]) - persons
    return sizes


def compose(rng: np.random.Generator, persons: int) -> Households:
    size = household_sizes(rng, persons)
    h = len(size)
    u = rng.random(h)
    spouse = ((size == 2) & (u < 0.65)) | ((size == 3) & (u < 0.85)) | (size >= 4)
    elder = ((size == 4) & (u >= 0.93)) | ((size == 5) & (u >= 0.6))
    children = size - 1 - spouse - elder
    head_male = np.where(
        spouse,
        rng.random(h) < 0.8,
        np.where(children > 0, rng.random(h) < 0.25, rng.random(h) < 0.5),
    )
    foreign = rng.random(h) < FOREIGN_HOUSEHOLD_SHARE
    nationality = np.where(
        foreign,
        names.FOREIGN_NATIONALITIES[
            rng.choice(len(names.FOREIGN_NATIONALITIES), size=h, p=names.FOREIGN_WEIGHTS)
        ],
        "KOR",
    ).astype(object)
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    return Households(size, start, spouse, children, elder, head_male, foreign, nationality)


def _head_ages(rng: np.random.Generator, hh: Households) -> FloatArray:
    h = len(hh)
    u = rng.random(h)
    single = rng.choice(3, size=h, p=[0.33, 0.25, 0.42])
    single_age = np.choose(single, [20 + 20 * u, 40 + 25 * u, 65 + 25 * u])
    nest = np.where(rng.random(h) < 0.25, 26 + 14 * u, 58 + 30 * u)
    parents = 33 + 36 * rng.beta(2.6, 2.2, h)
    with_elder = 40 + 20 * u
    return np.where(
        hh.elder,
        with_elder,
        np.where(hh.children > 0, parents, np.where(hh.spouse, nest, single_age)),
    )


def draw_persons(
    rng: np.random.Generator, counters: Counters, persons: int
) -> tuple[Households, Persons]:
    hh = compose(rng, persons)
    household = np.repeat(np.arange(len(hh), dtype=np.int64), hh.size)
    position = np.arange(persons, dtype=np.int64) - hh.start[household]
    spouse_h = hh.spouse[household]
    role = np.where(
        position == 0,
        ROLE_HEAD,
        np.where(
            (position == 1) & spouse_h,
            ROLE_SPOUSE,
            np.where(
                hh.elder[household] & (position == hh.size[household] - 1), ROLE_PARENT, ROLE_CHILD
            ),
        ),
    )
    head_age = _head_ages(rng, hh)
    gap = rng.normal(2.5, 2.5, len(hh))
    spouse_age = np.clip(head_age - np.where(hh.head_male, gap, -gap), 19, 99)
    spouse_age = np.where(hh.children > 0, np.maximum(spouse_age, 24), spouse_age)
    head_age = np.where(hh.children > 0, np.maximum(head_age, 24), head_age)
    # Children are 22–40 years younger than their younger parent.
    parent_age = np.where(hh.spouse, np.minimum(head_age, spouse_age), head_age)
    elder_age = np.minimum(head_age + 22 + 14 * rng.random(len(hh)), 100)
    u = rng.random(persons)
    at_birth = 22 + u * (np.minimum(parent_age[household], 40) - 22)
    age = np.select(
        [role == ROLE_HEAD, role == ROLE_SPOUSE, role == ROLE_PARENT],
        [head_age[household], spouse_age[household], elder_age[household]],
        parent_age[household] - at_birth,
    )
    male = np.select(
        [role == ROLE_HEAD, role == ROLE_SPOUSE],
        [hh.head_male[household], ~hh.head_male[household]],
        rng.random(persons) < 0.512,
    )
    birth_day = AS_OF_DAY - 1 - (age * YEAR_DAYS).astype(np.int64)
    foreign = hh.foreign[household]
    year = ymd(birth_day)[0]
    birth_day = spread_birthdays(birth_day, sex_digits(year, male, foreign))
    family = names.surnames(rng, len(hh))[household]  # the father's surname
    own = names.surnames(rng, persons)
    head_male = hh.head_male[household]
    takes_family = (
        (role == ROLE_CHILD)
        | ((role == ROLE_HEAD) & (head_male | ~spouse_h))
        | ((role == ROLE_SPOUSE) & male)
        | ((role == ROLE_PARENT) & male & head_male)
    )
    surname = np.where(takes_family, family, own)
    # A father living with his child's household shares the child's (the head's) surname.
    surname = np.where((role == ROLE_PARENT) & male, surname[hh.start[household]], surname)
    name_ko, name_en = names.korean_names(rng, surname, male, year)
    nationality = hh.nationality[household]
    if foreign.any():
        f_ko, f_en = names.foreign_names(rng, nationality[foreign], male[foreign])
        name_ko[foreign], name_en[foreign] = f_ko, f_en
    people = Persons(
        id=counters.take("residents_person", persons),
        household=household,
        role=role,
        male=male,
        birth_day=birth_day,
        foreign=foreign,
        nationality=nationality,
        name_ko=name_ko,
        name_en=name_en,
    )
    return hh, people


def person_table(rng: np.random.Generator, block: int, people: Persons, cipher: PiiCipher) -> Table:
    """`residents_person` rows: the RRN only as ciphertext and blind index."""
    n = len(people.id)
    year = ymd(people.birth_day)[0]
    numbers, random_scheme = rrn_numbers(
        block, people.birth_day, sex_digits(year, people.male, people.foreign)
    )
    rrn_cipher, rrn_index = protect(cipher, numbers)
    registered = people.birth_day + rng.integers(1, 31, n)
    registered = np.maximum(registered, RRN_SINCE_DAY + rng.integers(0, 365, n))
    arrived = AS_OF_DAY - (rng.random(n) * 10 * YEAR_DAYS).astype(np.int64)
    registered = np.where(people.foreign, np.maximum(people.birth_day + 1, arrived), registered)
    registered = np.minimum(registered, AS_OF_DAY)
    return Table(
        "residents_person",
        {
            "id": people.id,
            "rrn_cipher": _objects(rrn_cipher),
            "rrn_index": _objects(rrn_index),
            "rrn_scheme": np.where(random_scheme, "random", "regional").astype(object),
            "name_ko": people.name_ko,
            "name_en": people.name_en,
            "sex": np.where(people.male, "M", "F").astype(object),
            "birth_date": people.birth_day,
            "nationality": people.nationality,
            "status": np.full(n, "alive", dtype=object),
            "status_on": np.full(n, NULL_DAY, dtype=np.int64),
            "registered_on": registered,
        },
    )


def _objects(values: list[bytes]) -> ObjArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
