"""Where households live: addresses, households, memberships and residences (with history).

Every person is a member of exactly one current household (no `left_on`) and has one current
residence. About a third of households moved once: they lived at an earlier address from
the day they formed until the move, so those members have an earlier residence with
`moved_out` (the resident abstract's address history). A household keeps its id when it
moves; only its address changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nara.nation import places
from nara.nation._common import (
    AS_OF_DAY,
    NULL_DAY,
    YEAR_DAYS,
    Counters,
    IntArray,
    Table,
    Tables,
)
from nara.nation.people import Households, Persons

MOVER_SHARE = 0.35
_RELATIONS = np.array(["head", "spouse", "child", "parent"], dtype=object)


@dataclass
class Homes:
    """Per household of a block: ids and the current address (also used for vehicles)."""

    id: IntArray
    province: IntArray
    address: dict[str, np.ndarray]
    formed_on: IntArray


def generate_homes(
    rng: np.random.Generator, counters: Counters, hh: Households, people: Persons
) -> tuple[Homes, Tables]:
    h = len(hh)
    province = places.draw_provinces(rng, h)
    current = places.road_addresses(rng, province, dwellings=True)
    head_birth = people.birth_day[hh.start]
    youngest_adult = np.maximum(head_birth + int(19 * YEAR_DAYS), AS_OF_DAY - int(35 * YEAR_DAYS))
    formed = youngest_adult + (rng.random(h) * (AS_OF_DAY - youngest_adult)).astype(np.int64)
    formed = np.minimum(formed, AS_OF_DAY - 1)
    mover = (rng.random(h) < MOVER_SHARE) & (formed < AS_OF_DAY - 60)
    move_day = formed + 30 + (rng.random(h) * (AS_OF_DAY - 30 - formed)).astype(np.int64)
    move_day = np.where(mover, np.minimum(move_day, AS_OF_DAY - 1), NULL_DAY)

    household_id = counters.take("residents_household", h)
    current_address_id = counters.take("residents_address", h)
    n_movers = int(mover.sum())
    earlier_address_id = np.full(h, 0, dtype=np.int64)
    earlier_address_id[mover] = counters.take("residents_address", n_movers)
    # Most moves stay in the same province.
    earlier_province = np.where(
        rng.random(n_movers) < 0.8, province[mover], places.draw_provinces(rng, n_movers)
    )
    earlier = places.road_addresses(rng, earlier_province, dwellings=True)
    addresses = Table(
        "residents_address",
        {
            "id": np.concatenate([current_address_id, earlier_address_id[mover]]),
            **{k: np.concatenate([current[k], earlier[k]]) for k in current},
        },
    )
    order = np.argsort(addresses.columns["id"], kind="stable")
    addresses.columns = {k: v[order] for k, v in addresses.columns.items()}

    households = Table(
        "residents_household",
        {
            "id": household_id,
            "head_person_id": people.id[hh.start],
            "address_id": current_address_id,
            "formed_on": formed,
            "dissolved_on": np.full(h, NULL_DAY, dtype=np.int64),
        },
    )
    x = people.household
    joined = np.maximum(formed[x], people.birth_day)
    members = Table(
        "residents_household_member",
        {
            "id": counters.take("residents_household_member", len(x)),
            "household_id": household_id[x],
            "person_id": people.id,
            "relation": _RELATIONS[people.role],
            "joined_on": joined,
            "left_on": np.full(len(x), NULL_DAY, dtype=np.int64),
        },
    )
    residences = _residences(
        rng,
        counters,
        people,
        household_id=household_id,
        current_address_id=current_address_id,
        earlier_address_id=earlier_address_id,
        mover=mover,
        move_day=move_day,
        joined=joined,
    )
    homes = Homes(household_id, province, current, formed)
    tables = {t.name: t for t in (addresses, households, members, residences)}
    return homes, tables


def _residences(
    rng: np.random.Generator,
    counters: Counters,
    people: Persons,
    *,
    household_id: IntArray,
    current_address_id: IntArray,
    earlier_address_id: IntArray,
    mover: np.ndarray,
    move_day: IntArray,
    joined: IntArray,
) -> Table:
    x = people.household
    moved = mover[x]
    # Members who were born before the move also lived at the earlier address.
    had_earlier = moved & (joined < move_day[x])
    current_in = np.where(moved, np.maximum(move_day[x], people.birth_day), joined)
    e = np.flatnonzero(had_earlier)
    person = np.concatenate([people.id, people.id[e]])
    address = np.concatenate([current_address_id[x], earlier_address_id[x][e]])
    household = np.concatenate([household_id[x], household_id[x][e]])
    moved_in = np.concatenate([current_in, joined[e]])
    moved_out = np.concatenate([np.full(len(x), NULL_DAY, dtype=np.int64), move_day[x][e]])
    order = np.lexsort((moved_in, person))
    n = len(person)
    reported = np.minimum(moved_in + rng.integers(0, 14, n), AS_OF_DAY)
    return Table(
        "residents_residence",
        {
            "id": counters.take("residents_residence", n),
            "person_id": person[order],
            "address_id": address[order],
            "household_id": household[order],
            "moved_in": moved_in[order],
            "moved_out": moved_out[order],
            "reported_on": reported[order],
        },
    )
