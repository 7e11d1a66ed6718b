"""The family relations register: marriages (some ended by divorce) and parentage by birth.

Couples living together are married; the marriage date falls some months to three years
before their first child's birth, or in the younger spouse's late twenties or thirties, and
never before both are 18. Some single persons aged 40–75 are divorced from each other.
Children are linked to the parents in their household (both parents for a couple); a
parent of the household head living with it is linked to the head.
"""

from __future__ import annotations

import numpy as np

from nara.nation._common import (
    AS_OF_DAY,
    NULL_DAY,
    YEAR_DAYS,
    Counters,
    Table,
    Tables,
    add_years,
)
from nara.nation.people import ROLE_CHILD, ROLE_PARENT, Households, Persons

DIVORCED_SHARE = 0.3


def generate_family(
    rng: np.random.Generator, counters: Counters, hh: Households, people: Persons
) -> Tables:
    return {
        "family_parentage": _parentage(counters, hh, people),
        "family_marriage": _marriages(rng, counters, hh, people),
    }


def _parentage(counters: Counters, hh: Households, people: Persons) -> Table:
    x = people.household
    head = hh.start[x]
    spouse = np.where(hh.spouse[x], hh.start[x] + 1, -1)
    child = np.flatnonzero(people.role == ROLE_CHILD)
    # A child's parents: the head, and the spouse if there is one.
    child_rows = np.concatenate([child, child[spouse[child] >= 0]])
    parent_rows = np.concatenate([head[child], spouse[child][spouse[child] >= 0]])
    elder = np.flatnonzero(people.role == ROLE_PARENT)
    child_rows = np.concatenate([child_rows, head[elder]])
    parent_rows = np.concatenate([parent_rows, elder])
    order = np.lexsort((~people.male[parent_rows], child_rows))
    child_rows, parent_rows = child_rows[order], parent_rows[order]
    n = len(child_rows)
    return Table(
        "family_parentage",
        {
            "id": counters.take("family_parentage", n),
            "child_id": people.id[child_rows],
            "parent_id": people.id[parent_rows],
            "parent_role": np.where(people.male[parent_rows], "father", "mother").astype(object),
            "kind": np.full(n, "birth", dtype=object),
            "established_on": people.birth_day[child_rows],
            "ended_on": np.full(n, NULL_DAY, dtype=np.int64),
            "end_cause": np.full(n, None, dtype=object),
        },
    )


def _marriages(
    rng: np.random.Generator, counters: Counters, hh: Households, people: Persons
) -> Table:
    couple = np.flatnonzero(hh.spouse)
    head = hh.start[couple]
    spouse = head + 1
    husband = np.where(people.male[head], head, spouse)
    wife = np.where(people.male[head], spouse, head)
    younger_birth = np.maximum(people.birth_day[head], people.birth_day[spouse])
    first_child = np.full(len(hh), AS_OF_DAY, dtype=np.int64)
    child = np.flatnonzero(people.role == ROLE_CHILD)
    np.minimum.at(first_child, people.household[child], people.birth_day[child])
    has_child = hh.children[couple] > 0
    k = len(couple)
    target = np.where(
        has_child,
        first_child[couple] - rng.integers(180, 1100, k),
        younger_birth + ((26 + 8 * rng.random(k)) * YEAR_DAYS).astype(np.int64),
    )
    married = np.clip(target, add_years(younger_birth, 18), AS_OF_DAY - 1)

    # Divorced singles, paired man with woman.
    single = hh.size == 1
    age = people.age_on(AS_OF_DAY)[hh.start]
    eligible = single & (age >= 40) & (age < 75) & ~hh.foreign
    men = hh.start[eligible & hh.head_male]
    women = hh.start[eligible & ~hh.head_male]
    pairs = int(min(len(men), len(women)) * DIVORCED_SHARE)
    men = rng.permutation(men)[:pairs]
    women = rng.permutation(women)[:pairs]
    pair_younger = np.maximum(people.birth_day[men], people.birth_day[women])
    d_married = pair_younger + ((25 + 7 * rng.random(pairs)) * YEAR_DAYS).astype(np.int64)
    d_ended = d_married + ((2 + 13 * rng.random(pairs)) * YEAR_DAYS).astype(np.int64)
    d_ended = np.minimum(d_ended, AS_OF_DAY - 1)

    a = np.concatenate([husband, men])
    b = np.concatenate([wife, women])
    n = len(a)
    return Table(
        "family_marriage",
        {
            "id": counters.take("family_marriage", n),
            "spouse_a_id": people.id[a],
            "spouse_b_id": people.id[b],
            "married_on": np.concatenate([married, d_married]),
            "ended_on": np.concatenate([np.full(k, NULL_DAY, dtype=np.int64), d_ended]),
            "end_cause": np.concatenate(
                [np.full(k, None, dtype=object), np.full(pairs, "divorce", dtype=object)]
            ),
        },
    )
