"""The vehicle register: about one vehicle for every two residents, owned by adults and firms.

Plates (`12가3456`, three leading digits for vehicles registered since September 2019) and
17-character VINs (no I, O or Q; position 9 is the ISO 3779 check digit) are one-to-one in
the vehicle id, so they are unique without a global set. A vehicle whose first registration
predates its owner's 18th birthday (or the firm's opening), and 30% of the others, was
bought second-hand: it has an earlier ownership row ended on the transfer day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

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
from nara.nation.homes import Homes
from nara.nation.people import Persons

# fmt: off
_MODELS = (  # make, model, type, fuel, WMI + VDS (8 characters), weight
    ("현대", "아반떼", "passenger", "gasoline", "KMHD341C", 9),
    ("현대", "쏘나타", "passenger", "gasoline", "KMHE341C", 7),
    ("현대", "쏘나타", "passenger", "lpg", "KMHE341L", 3),
    ("현대", "그랜저", "passenger", "hybrid", "KMHG341H", 6),
    ("현대", "투싼", "passenger", "diesel", "KMHJ381D", 4),
    ("현대", "싼타페", "passenger", "diesel", "KMHS381D", 5),
    ("현대", "아이오닉 5", "passenger", "electric", "KMHK381E", 2),
    ("현대", "넥쏘", "passenger", "hydrogen", "KMHN381F", 0.3),
    ("현대", "포터 II", "truck", "diesel", "KMFZC17D", 5),
    ("현대", "스타리아", "van", "diesel", "KMJW271D", 2),
    ("기아", "모닝", "passenger", "gasoline", "KNAB241C", 5),
    ("기아", "K5", "passenger", "gasoline", "KNAG341C", 5),
    ("기아", "쏘렌토", "passenger", "hybrid", "KNAP381H", 5),
    ("기아", "카니발", "van", "diesel", "KNAM371D", 4),
    ("기아", "봉고 III", "truck", "diesel", "KNCSE21D", 3),
    ("기아", "EV6", "passenger", "electric", "KNAC381E", 1.5),
    ("제네시스", "G80", "passenger", "gasoline", "KMTG341C", 2.5),
    ("제네시스", "GV80", "passenger", "gasoline", "KMTU381C", 1.5),
    ("르노코리아", "QM6", "passenger", "lpg", "KNMA4C2L", 2),
    ("KG모빌리티", "렉스턴", "passenger", "diesel", "KPTA0B1D", 1.5),
    ("쉐보레", "트랙스", "passenger", "gasoline", "KL1JC681", 1.5),
    ("BMW", "520i", "passenger", "gasoline", "WBA53BJ0", 2),
    ("메르세데스-벤츠", "E300", "passenger", "gasoline", "W1KZF8DB", 2),
    ("테슬라", "Model Y", "passenger", "electric", "LRWYGCEK", 1.5),
    ("현대", "엑시언트", "special", "diesel", "KMFXKS7B", 0.3),
)
_HANGUL = obj(list("가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"))
_CREDITORS = obj(
    [
        "현대캐피탈", "KB캐피탈", "하나캐피탈", "우리금융캐피탈", "신한카드", "롯데캐피탈",
    ]
)
# fmt: on
_MODEL_WEIGHTS = norm([m[5] for m in _MODELS])
_VIN_ALPHABET = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789", dtype=np.uint8)
_YEAR_CODES = np.frombuffer(b"123456789ABCDEFGHJKLMNPRSTVWXY", dtype=np.uint8)  # 2001–2030
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_TRANSLIT = np.zeros(256, dtype=np.int64)
for _i, _c in enumerate(b"0123456789"):
    _TRANSLIT[_c] = _i
for _c, _v in zip(
    b"ABCDEFGHJKLMNPRSTUVWXYZ",
    (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
    strict=True,
):
    _TRANSLIT[_c] = _v
_PREFIX = np.array([m[4].encode() for m in _MODELS], dtype="S8").view(np.uint8).reshape(-1, 8)
_PLATE_SPACE = 90 * 32 * 10_000
NEW_PLATES_SINCE = day_of(dt.date(2019, 9, 1))


def plates(rng: np.random.Generator, ids: IntArray, registered: IntArray) -> ObjArray:
    x = (7_777_777 * (ids - 1) + 4_242) % _PLATE_SPACE
    serial, rest = x % 10_000, x // 10_000
    hangul, prefix = rest % 32, 10 + rest // 32
    long = prefix + 10 + 90 * rng.integers(1, 7, len(ids))  # 100..639, one-to-one in prefix
    lead = np.where(registered >= NEW_PLATES_SINCE, long, prefix)
    serial_text = np.char.zfill(serial.astype(str), 4).astype(object)
    return lead.astype(str).astype(object) + _HANGUL[hangul] + serial_text  # type: ignore[no-any-return]


def vins(model: IntArray, model_year: IntArray, ids: IntArray) -> ObjArray:
    n = len(ids)
    chars = np.zeros((n, 17), dtype=np.uint8)
    chars[:, :8] = _PREFIX[model]
    chars[:, 9] = _YEAR_CODES[np.clip(model_year - 2001, 0, len(_YEAR_CODES) - 1)]
    g = ids - 1
    chars[:, 10] = _VIN_ALPHABET[(g // 1_000_000) % len(_VIN_ALPHABET)]
    serial = g % 1_000_000
    for k in range(6):
        chars[:, 16 - k] = ord("0") + (serial // 10**k) % 10
    total = _TRANSLIT[chars] @ _VIN_WEIGHTS % 11
    chars[:, 8] = np.where(total == 10, ord("X"), ord("0") + total)
    return np.char.decode(chars.view("S17").ravel(), "ascii").astype(object)


def generate_vehicles(
    rng: np.random.Generator, counters: Counters, people: Persons, homes: Homes, firms: Firms
) -> Tables:
    age = people.age_on(AS_OF_DAY)
    rate = np.select(
        [age < 20, age < 30, age < 60, age < 75, age < 86], [0, 0.3, 0.62, 0.5, 0.25], 0
    )
    owners = np.flatnonzero(rng.random(len(age)) < rate)
    owners = np.sort(np.concatenate([owners, owners[rng.random(len(owners)) < 0.06]]))
    active = np.flatnonzero(firms.active)
    firm_owners = np.repeat(active, rng.poisson(0.5, len(active)))
    n_p, n_f = len(owners), len(firm_owners)
    n = n_p + n_f
    ids = counters.take("vehicles_vehicle", n)
    model = rng.choice(len(_MODELS), size=n, p=_MODEL_WEIGHTS)
    model_year = 2025 - np.minimum(rng.geometric(1 / 8, n) - 1, 20)
    first_reg = (model_year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    first_reg = np.minimum(first_reg - 180 + rng.integers(0, 545, n), AS_OF_DAY - 2)
    household = people.household[owners]
    owner_since = np.concatenate(
        [add_years(people.birth_day[owners], 18), firms.opened[firm_owners]]
    )
    transfer = (first_reg < owner_since) | (rng.random(n) < 0.3)
    transfer_day = uniform_days(
        rng, np.maximum(first_reg + 30, owner_since), np.full(n, AS_OF_DAY - 1)
    )
    transfer_day = np.minimum(transfer_day, AS_OF_DAY - 1)
    acquired = np.where(transfer, transfer_day, first_reg)
    owner_id = np.concatenate([people.id[owners], firms.id[firm_owners]])
    owner_name = np.concatenate([people.name_ko[owners], firms.name[firm_owners]])
    owner_kind = np.array(["person"] * n_p + ["business"] * n_f, dtype=object)
    address = {
        k: np.concatenate([homes.address[k][household], firms.address[k][firm_owners]])
        for k in homes.address
    }
    deregistered = rng.random(n) < 0.015
    dereg_on = np.where(
        deregistered, uniform_days(rng, acquired + 1, np.full(n, AS_OF_DAY)), NULL_DAY
    )
    vehicle = Table(
        "vehicles_vehicle",
        {
            "id": ids,
            **address,
            "plate": plates(rng, ids, first_reg),
            "vin": vins(model, model_year, ids),
            "make": obj([m[0] for m in _MODELS])[model],
            "model": obj([m[1] for m in _MODELS])[model],
            "model_year": model_year.astype(np.int64),
            "vehicle_type": obj([m[2] for m in _MODELS])[model],
            "fuel": obj([m[3] for m in _MODELS])[model],
            "first_registered_on": first_reg,
            "owner_kind": owner_kind,
            "owner_id": owner_id,
            "owner_name": owner_name,
            "status": np.where(deregistered, "deregistered", "registered").astype(object),
            "deregistered_on": dereg_on,
        },
    )
    return {
        "vehicles_vehicle": vehicle,
        "vehicles_ownership": _ownerships(
            rng,
            counters,
            people,
            ids=ids,
            transfer=transfer,
            first_reg=first_reg,
            acquired=acquired,
            owner_kind=owner_kind,
            owner_id=owner_id,
            owner_name=owner_name,
        ),
        "vehicles_lien": _liens(rng, counters, ids, acquired),
    }


def _ownerships(
    rng: np.random.Generator,
    counters: Counters,
    people: Persons,
    *,
    ids: IntArray,
    transfer: np.ndarray,
    first_reg: IntArray,
    acquired: IntArray,
    owner_kind: ObjArray,
    owner_id: IntArray,
    owner_name: ObjArray,
) -> Table:
    n = len(ids)
    # Earlier owners: residents who were adults when the vehicle was first registered.
    t = np.flatnonzero(transfer)
    seniors = np.flatnonzero(people.birth_day < add_years(np.full(1, AS_OF_DAY), -40)[0])
    pool = seniors if len(seniors) else np.arange(len(people.id))
    prev = pool[rng.integers(0, len(pool), len(t))]
    clash = people.id[prev] == owner_id[t]
    prev = np.where(clash, pool[(np.searchsorted(pool, prev) + 1) % len(pool)], prev)
    cause = np.where(rng.random(n) < 0.05, "inheritance", "transfer")
    vehicle = np.concatenate([ids[t], ids])
    order = np.argsort(vehicle, kind="stable")
    columns = {
        "vehicle_id": vehicle,
        "owner_kind": np.concatenate([np.full(len(t), "person", dtype=object), owner_kind]),
        "owner_id": np.concatenate([people.id[prev], owner_id]),
        "owner_name": np.concatenate([people.name_ko[prev], owner_name]),
        "cause": np.concatenate(
            [np.full(len(t), "new", dtype=object), np.where(transfer, cause, "new")]
        ),
        "acquired_on": np.concatenate([first_reg[t], acquired]),
        "released_on": np.concatenate([acquired[t], np.full(n, NULL_DAY, dtype=np.int64)]),
    }
    columns = {k: v[order] for k, v in columns.items()}
    columns["cause"] = columns["cause"].astype(object)
    return Table(
        "vehicles_ownership", {"id": counters.take("vehicles_ownership", len(vehicle)), **columns}
    )


def _liens(
    rng: np.random.Generator, counters: Counters, ids: IntArray, acquired: IntArray
) -> Table:
    has = np.flatnonzero((rng.random(len(ids)) < 0.12) & (acquired > AS_OF_DAY - 6 * 365))
    k = len(has)
    registered = acquired[has]
    released = rng.random(k) < 0.35
    released_on = uniform_days(rng, registered + 90, np.full(k, AS_OF_DAY - 1))
    released = released & (released_on < AS_OF_DAY) & (released_on > registered)
    return Table(
        "vehicles_lien",
        {
            "id": counters.take("vehicles_lien", k),
            "vehicle_id": ids[has],
            "creditor_name": _CREDITORS[rng.integers(0, len(_CREDITORS), k)],
            "amount_won": (rng.integers(50, 500, k) * 100_000).astype(np.int64),
            "registered_on": registered,
            "released_on": np.where(released, released_on, NULL_DAY),
        },
    )
