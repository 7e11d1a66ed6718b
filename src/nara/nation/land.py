"""The real-estate register: parcels (PNUs), buildings, section A owners, section B rights.

A block has a quarter of a parcel per resident and a tenth of a building (on its own
parcel). PNUs are one-to-one in the parcel id (legal-dong part and main lot), so they are
unique without a global set. Current owners of a property hold shares that add up to one
(1, ½ + ½, ⅖ + ⅗ or three thirds); 30% of properties, and every property first registered
before its owner came of age, were transferred: the earlier entry has `ended_on`. Earlier
owners who are not residents of the block (often long dead) have no person id.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from nara.nation import names, places
from nara.nation._common import (
    AS_OF_DAY,
    NULL_DAY,
    Counters,
    IntArray,
    ObjArray,
    Table,
    Tables,
    add_years,
    day_of,
    norm,
    obj,
    uniform_days,
)
from nara.nation.business import Firms
from nara.nation.people import Persons

PARCELS_PER_PERSON = 0.25
BUILDINGS_PER_PERSON = 0.10
_PNU_SPACE = 900 * 9999 * 21
_CATEGORIES = obj(["대", "전", "답", "임", "도", "잡", "공", "주"])
_CATEGORY_WEIGHTS = norm([30, 18, 18, 20, 8, 3, 2, 1])
_MEDIAN_AREA = np.array([250, 1500, 1800, 9000, 400, 600, 3000, 300], dtype=np.float64)
_PRICE_FACTOR = np.array([1, 0.08, 0.06, 0.01, 0.3, 0.2, 0.4, 0.8])
_PROVINCE_PRICE = np.array([9_000_000, 2_500_000, 1_800_000, 2_200_000, 1_500_000, 1_600_000,
                            1_400_000, 1_900_000, 3_000_000, 500_000, 600_000, 700_000, 450_000,
                            350_000, 500_000, 700_000, 900_000], dtype=np.float64)  # fmt: skip
_USES = obj(["공동주택", "단독주택", "제1종근린생활시설", "제2종근린생활시설", "업무시설", "공장"])
_USE_WEIGHTS = norm([40, 32, 11, 8, 5, 4])
_STRUCTURES = obj(["철근콘크리트구조", "벽돌구조", "철골구조", "목구조", "철골철근콘크리트구조"])
_STRUCTURE_WEIGHTS = norm([60, 15, 15, 3, 7])
_BANKS = obj(
    [
        "국민은행",
        "신한은행",
        "우리은행",
        "하나은행",
        "농협은행",
        "중소기업은행",
        "새마을금고",
        "신용협동조합",
    ]
)
_CAUSES = obj(["sale", "inheritance", "gift", "auction"])
_CAUSE_WEIGHTS = norm([70, 15, 10, 5])
_PUBLIC = obj(["대한민국", "한국토지주택공사"])
_BRANDS = obj(
    [
        "래미안",
        "자이",
        "푸르지오",
        "힐스테이트",
        "e편한세상",
        "아이파크",
        "롯데캐슬",
        "더샵",
        "주공",
    ]
)
FIRST_REGISTRATION_DAY = day_of(dt.date(1960, 1, 1))
BUILDINGS_SINCE_DAY = day_of(dt.date(1970, 1, 1))


def pnus(rng: np.random.Generator, ids: IntArray, district: ObjArray) -> ObjArray:
    x = (1_000_003 * (ids - 1) + 777) % _PNU_SPACE
    main = 1 + x % 9999
    dong = 100 + (x // 9999) % 900
    ri_index = x // (9999 * 900)
    ri = np.where(ri_index == 0, 0, 20 + ri_index)
    n = len(ids)
    kind = np.where(rng.random(n) < 0.04, 2, 1)
    sub = np.where(rng.random(n) < 0.6, 0, rng.integers(1, 50, n))
    tail = ((dong * 100 + ri) * 10 + kind) * 100_000_000 + main * 10_000 + sub
    return district + np.char.zfill(tail.astype(str), 14).astype(object)  # type: ignore[no-any-return]


def generate_land(
    rng: np.random.Generator, counters: Counters, people: Persons, firms: Firms
) -> Tables:
    n_people = len(people.id)
    n_parcels = round(n_people * PARCELS_PER_PERSON)
    n_buildings = min(round(n_people * BUILDINGS_PER_PERSON), n_parcels)
    parcel_id = counters.take("land_parcel", n_parcels)
    province = places.draw_provinces(rng, n_parcels)
    district = places.districts_of(rng, province)
    category = rng.choice(len(_CATEGORIES), size=n_parcels, p=_CATEGORY_WEIGHTS)
    category[:n_buildings] = 0
    area = np.round(_MEDIAN_AREA[category] * rng.lognormal(0, 0.6, n_parcels), 2)
    price = _PROVINCE_PRICE[province] * _PRICE_FACTOR[category] * rng.lognormal(0, 0.4, n_parcels)
    registered = uniform_days(
        rng, np.full(n_parcels, FIRST_REGISTRATION_DAY), np.full(n_parcels, AS_OF_DAY - 400)
    )
    parcels = Table(
        "land_parcel",
        {
            "id": parcel_id,
            "pnu": pnus(rng, parcel_id, district),
            "sido_code": places.PROVINCE_CODES[province],
            "sigungu_code": district,
            "land_category": _CATEGORIES[category],
            "area_m2": np.char.mod("%.2f", area).astype(object),
            "official_price_per_m2": np.maximum(np.round(price, -2), 100).astype(np.int64),
            "registered_on": registered,
        },
    )
    b = np.arange(n_buildings)
    building_id = counters.take("land_building", n_buildings)
    address = places.road_addresses(rng, province[b], dwellings=False)
    address["sigungu_code"] = district[b]
    use = rng.choice(len(_USES), size=n_buildings, p=_USE_WEIGHTS)
    floors = np.where(use == 0, rng.integers(3, 36, n_buildings), rng.integers(1, 7, n_buildings))
    completed = uniform_days(
        rng, np.maximum(registered[b], BUILDINGS_SINCE_DAY), np.full(n_buildings, AS_OF_DAY - 200)
    )
    gross = np.round(area[b] * floors * rng.uniform(0.4, 0.9, n_buildings), 2)
    apartment = use == 0
    buildings = Table(
        "land_building",
        {
            "id": building_id,
            **address,
            "parcel_id": parcel_id[b],
            "name": np.where(apartment, _BRANDS[rng.integers(0, len(_BRANDS), n_buildings)], ""),
            "main_use": _USES[use],
            "structure": _STRUCTURES[
                rng.choice(len(_STRUCTURES), size=n_buildings, p=_STRUCTURE_WEIGHTS)
            ],
            "floors_above": floors.astype(np.int64),
            "floors_below": np.where(
                use <= 1, rng.integers(0, 3, n_buildings), rng.integers(0, 4, n_buildings)
            ),
            "gross_area_m2": np.char.mod("%.2f", gross).astype(object),
            "completed_on": completed,
        },
    )
    kind = np.array(["parcel"] * n_parcels + ["building"] * n_buildings, dtype=object)
    prop_id = np.concatenate([parcel_id, building_id])
    base = np.concatenate([registered, completed])
    owners, rights = _sections(
        rng, counters, people, firms=firms, kind=kind, prop_id=prop_id, base=base
    )
    return {
        "land_parcel": parcels,
        "land_building": buildings,
        "land_ownership": owners,
        "land_right": rights,
    }


def _sections(
    rng: np.random.Generator,
    counters: Counters,
    people: Persons,
    *,
    firms: Firms,
    kind: ObjArray,
    prop_id: IntArray,
    base: IntArray,
) -> tuple[Table, Table]:
    n = len(prop_id)
    adults = np.flatnonzero(people.age_on(AS_OF_DAY) >= 20)
    if len(adults) == 0:
        adults = np.arange(len(people.id))
    u = rng.random(n)
    count = np.where(u < 0.8, 1, np.where(u < 0.95, 2, 3))
    holder = rng.choice(3, size=n, p=[0.87, 0.08, 0.05])  # person, business, public
    holder = np.where((holder == 1) & (len(firms.id) == 0), 0, holder)
    count = np.where(holder == 0, count, 1)
    row_prop = np.repeat(np.arange(n), count)
    slot = np.arange(len(row_prop)) - np.repeat(np.cumsum(count) - count, count)
    first = rng.integers(0, len(adults), n)
    person = adults[(first[row_prop] + slot) % len(adults)]
    firm = rng.integers(0, max(len(firms.id), 1), n)[row_prop]
    h = holder[row_prop]
    unequal = (count == 2) & (rng.random(n) < 0.3)
    share_den = np.where(unequal[row_prop], 5, count[row_prop])
    share_num = np.where(unequal[row_prop], 2 + slot, 1)
    since = np.where(h == 0, add_years(people.birth_day[person], 19), 0)
    if len(firms.id):
        since = np.where(h == 1, firms.opened[firm], since)
    owner_since = np.zeros(n, dtype=np.int64)
    np.maximum.at(owner_since, row_prop, since)
    transfer = (base < owner_since) | (rng.random(n) < 0.3)
    low = np.maximum(np.maximum(base + 1, owner_since), 0)
    cause_on = np.where(transfer, uniform_days(rng, low, np.full(n, AS_OF_DAY - 1)), base)
    cause_on = np.minimum(cause_on, AS_OF_DAY - 1)
    cause = np.where(transfer, _CAUSES[rng.choice(4, size=n, p=_CAUSE_WEIGHTS)], "preservation")
    registered = np.minimum(cause_on + rng.integers(0, 60, n), AS_OF_DAY)
    firm_name = firms.name[firm] if len(firms.id) else np.full(len(row_prop), "", dtype=object)
    public_name = _PUBLIC[rng.integers(0, len(_PUBLIC), len(row_prop))]
    current = {
        "property_kind": kind[row_prop],
        "property_id": prop_id[row_prop],
        "rank_no": np.where(transfer, 2, 1)[row_prop],
        "owner_kind": np.array(["person", "business", "public"], dtype=object)[h],
        "owner_id": np.where(
            h == 0, people.id[person], np.where(h == 1, firms.id[firm] if len(firms.id) else 0, -1)
        ),
        "owner_name": np.where(
            h == 0, people.name_ko[person], np.where(h == 1, firm_name, public_name)
        ),
        "share_num": share_num.astype(np.int64),
        "share_den": share_den.astype(np.int64),
        "cause": cause[row_prop],
        "cause_on": cause_on[row_prop],
        "registered_on": registered[row_prop],
        "ended_on": np.full(len(row_prop), NULL_DAY, dtype=np.int64),
    }
    # Earlier sole owners of transferred properties; not residents of this nation's register.
    t = np.flatnonzero(transfer)
    k = len(t)
    old_name, _ = names.korean_names(
        rng, names.surnames(rng, k), rng.random(k) < 0.5, np.full(k, 1940, dtype=np.int64)
    )
    earlier = {
        "property_kind": kind[t],
        "property_id": prop_id[t],
        "rank_no": np.ones(k, dtype=np.int64),
        "owner_kind": np.full(k, "person", dtype=object),
        "owner_id": np.full(k, -1, dtype=np.int64),
        "owner_name": old_name,
        "share_num": np.ones(k, dtype=np.int64),
        "share_den": np.ones(k, dtype=np.int64),
        "cause": np.full(k, "preservation", dtype=object),
        "cause_on": base[t],
        "registered_on": np.minimum(base[t] + rng.integers(0, 60, k), cause_on[t]),
        "ended_on": cause_on[t],
    }
    columns = {c: np.concatenate([earlier[c], current[c]]) for c in current}
    order = np.lexsort(
        (columns["rank_no"], columns["property_id"], columns["property_kind"] == "building")
    )
    columns = {c: v[order] for c, v in columns.items()}
    ids = counters.take("land_ownership", len(order))
    owner_id = columns["owner_id"].astype(object)
    owner_id[columns["owner_id"] < 0] = None
    columns["owner_id"] = owner_id
    columns["receipt_no"] = "제" + (ids % 99_999 + 1).astype(str).astype(object) + "호"
    owners = Table("land_ownership", {"id": ids, **columns})
    return owners, _rights(
        rng, counters, kind=kind, prop_id=prop_id, owned_since=registered, holder=holder
    )


def _rights(
    rng: np.random.Generator,
    counters: Counters,
    *,
    kind: ObjArray,
    prop_id: IntArray,
    owned_since: IntArray,
    holder: IntArray,
) -> Table:
    """Mortgages (a fifth with a second-rank one) and some jeonse rights on buildings."""
    n = len(prop_id)
    building = kind == "building"
    has = np.flatnonzero((holder != 2) & (rng.random(n) < np.where(building, 0.35, 0.12)))
    second = has[rng.random(len(has)) < 0.2]
    rows = np.sort(np.concatenate([has, second]), kind="stable")
    r = len(rows)
    rank = np.ones(r, dtype=np.int64)
    rank[1:] += rows[1:] == rows[:-1]
    jeonse = building[rows] & (rank == 1) & (rng.random(r) < 0.1)
    median = np.where(building[rows], 240e6, 100e6)
    amount = np.round(median * rng.lognormal(0, 0.7, r), -6).astype(np.int64)
    registered = uniform_days(rng, owned_since[rows], np.full(r, AS_OF_DAY - 1))
    cancel = uniform_days(rng, registered + 180, np.full(r, AS_OF_DAY - 1))
    cancelled = (rng.random(r) < 0.3) & (cancel > registered) & (cancel < AS_OF_DAY)
    ids = counters.take("land_right", r)
    return Table(
        "land_right",
        {
            "id": ids,
            "property_kind": kind[rows],
            "property_id": prop_id[rows],
            "rank_no": rank,
            "kind": np.where(jeonse, "jeonse", "mortgage").astype(object),
            "holder_name": _BANKS[rng.integers(0, len(_BANKS), r)],
            "amount_won": np.maximum(amount, 1_000_000),
            "registered_on": np.minimum(registered, AS_OF_DAY),
            "receipt_no": "제" + (ids % 99_999 + 1).astype(str).astype(object) + "호",
            "cancelled_on": np.where(cancelled, cancel, NULL_DAY),
        },
    )
