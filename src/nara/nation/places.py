"""Where people live: provinces by population share, districts, road-name addresses, postcodes."""

from __future__ import annotations

import numpy as np

from nara.core.regions import PROVINCES
from nara.nation._common import IntArray, ObjArray, norm, obj

PROVINCE_WEIGHTS = norm([p.population_k for p in PROVINCES])
PROVINCE_CODES = obj([p.code for p in PROVINCES])
_DISTRICT_CODES = obj([d.code for p in PROVINCES for d in p.districts])
_DISTRICT_START = np.cumsum([0] + [len(p.districts) for p in PROVINCES])[:-1].astype(np.int64)
_DISTRICT_COUNT = np.array([len(p.districts) for p in PROVINCES], dtype=np.int64)
_PREFIX_TABLE = [np.array(p.postcode_prefixes, dtype=np.int64) for p in PROVINCES]

# fmt: off
_ROAD_STEMS = obj(
    [
        "중앙로", "세종대로", "테헤란로", "올림픽로", "한강대로", "시청로", "역삼로",
        "봉은사로", "강남대로", "도산대로", "중앙대로", "번영로", "평화로", "희망로",
        "새마을로", "공원로", "문화로", "학교로", "시장로", "은행나무로", "충장로",
        "구암로", "동문로", "서문로", "남부순환로", "북부로", "해안로", "신촌로",
        "대학로", "양재대로", "천호대로", "동일로", "의사당대로", "월드컵로", "통일로",
        "매봉로", "호수로", "산성로", "용마로", "노량진로", "수원천로", "경수대로",
        "금강로", "낙동대로", "백제대로", "계백로", "충무로", "무궁화로",
    ]
)
# fmt: on
_STREET_KIND = obj(["", "길", "번길"])


def istr(values: IntArray) -> ObjArray:
    """Integers as Python strings, in an object array."""
    return values.astype(str).astype(object)


def zpad(values: IntArray, width: int) -> ObjArray:
    return np.char.zfill(values.astype(str), width).astype(object)


def draw_provinces(rng: np.random.Generator, n: int) -> IntArray:
    """Province indices in proportion to the provinces' populations."""
    return rng.choice(len(PROVINCES), size=n, p=PROVINCE_WEIGHTS)


def districts_of(rng: np.random.Generator, province: IntArray) -> ObjArray:
    """A district code within each province, uniformly among its listed districts."""
    offset = (rng.random(len(province)) * _DISTRICT_COUNT[province]).astype(np.int64)
    return _DISTRICT_CODES[_DISTRICT_START[province] + offset]  # type: ignore[no-any-return]


def postcodes_of(rng: np.random.Generator, province: IntArray) -> ObjArray:
    """5-digit basic zone numbers within each province's range."""
    prefix = np.zeros(len(province), dtype=np.int64)
    draw = rng.random(len(province))
    for i, table in enumerate(_PREFIX_TABLE):
        mask = province == i
        prefix[mask] = table[(draw[mask] * len(table)).astype(np.int64)]
    return zpad(prefix * 1000 + rng.integers(0, 1000, len(province)), 5)


def road_names(rng: np.random.Generator, n: int) -> ObjArray:
    stem = _ROAD_STEMS[rng.integers(0, len(_ROAD_STEMS), n)]
    kind = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    number = istr(rng.integers(1, 60, n))
    suffix = np.where(kind == 0, "", number + _STREET_KIND[kind])
    return stem + suffix  # type: ignore[no-any-return]


def building_numbers(rng: np.random.Generator, n: int) -> tuple[IntArray, IntArray]:
    main = np.minimum(rng.geometric(1 / 80, n), 1999).astype(np.int64)
    sub = np.where(rng.random(n) < 0.15, rng.integers(1, 30, n), 0).astype(np.int64)
    return main, sub


def dwelling_details(rng: np.random.Generator, n: int) -> ObjArray:
    """Apartment (`103동 1204호`), multi-family (`302호`) or a detached house (no detail)."""
    kind = rng.choice(3, size=n, p=[0.55, 0.2, 0.25])
    dong = istr(rng.integers(101, 121, n))
    floor = rng.integers(1, 26, n)
    unit = rng.integers(1, 7, n)
    apartment = dong + "동 " + istr(floor * 100 + unit) + "호"
    villa = istr(np.minimum(floor, 5) * 100 + unit) + "호"
    return np.where(kind == 0, apartment, np.where(kind == 1, villa, ""))


def road_addresses(
    rng: np.random.Generator, province: IntArray, *, dwellings: bool
) -> dict[str, np.ndarray]:
    """The `AddressColumns` of one address per element, in the given provinces."""
    n = len(province)
    main, sub = building_numbers(rng, n)
    sigungu = districts_of(rng, province)
    detail = dwelling_details(rng, n) if dwellings else np.full(n, "", dtype=object)
    return {
        "sido_code": PROVINCE_CODES[province],
        "sigungu_code": sigungu,
        "road_name": road_names(rng, n),
        "building_main": main,
        "building_sub": sub,
        "address_detail": detail,
        "postcode": postcodes_of(rng, province),
    }
