"""Businesses (BRNs with check digits), employers, employments and wage histories.

About 8 businesses per 100 residents are registered (individual businesses and, 15% of
them, corporations whose BRN middle digits are 81–88). Representatives are adults of the
same block; employees work for the employers of their block (firm sizes are skewed: a few
corporations employ many). Monthly wages are integer won, log-normal around KRW 3.2M,
higher in mid-career and at corporations, never below the 2025 monthly minimum wage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nara.nation import places
from nara.nation._common import (
    AS_OF_DAY,
    NULL_DAY,
    YEAR_DAYS,
    BoolArray,
    Counters,
    IntArray,
    ObjArray,
    Table,
    Tables,
    add_years,
    obj,
    uniform_days,
)
from nara.nation.people import Persons

BUSINESSES_PER_PERSON = 0.08
MINIMUM_WAGE_MONTH = 2_096_270
_BRN_SPACE = 899 * 9999
_BRN_WEIGHTS = np.array([1, 3, 7, 1, 3, 7, 1, 3, 5], dtype=np.int64)
_POW9 = 10 ** np.arange(8, -1, -1, dtype=np.int64)

_STEMS = obj(
    [
        "한빛",
        "미래",
        "대성",
        "삼정",
        "동아",
        "서울",
        "새한",
        "우리",
        "하나",
        "대한",
        "신화",
        "태양",
        "청솔",
        "푸른",
        "늘봄",
        "한결",
        "다온",
        "가온",
        "세움",
        "두리",
        "해솔",
        "나래",
        "바른",
        "으뜸",
        "참좋은",
        "온누리",
    ]
)
_CORP = (("테크", "62010"), ("산업", "25999"), ("물산", "46900"), ("건설", "41221"),
         ("전자", "26429"), ("정보통신", "63991"), ("식품", "10799"), ("상사", "46109"),
         ("엔지니어링", "72129"), ("바이오", "21102"), ("로지스", "49301"))  # fmt: skip
_SHOP = (("상회", "47190"), ("식당", "56111"), ("카페", "56221"), ("공인중개사사무소", "68221"),
         ("약국", "47811"), ("미용실", "96112"), ("치킨", "56193"), ("마트", "47121"),
         ("세탁소", "96912"), ("학원", "85501"), ("인테리어", "42411"))  # fmt: skip
_CORP_TITLES = obj(["사원", "대리", "과장", "차장", "부장", "이사"])
_SHOP_TITLES = obj(["판매원", "요리사", "사무직", "생산직", "배송기사", "미용사", "상담원"])
_END_REASONS = obj(["자발적 이직", "계약 만료", "경영상 해고"])


@dataclass
class Firms:
    """The block's businesses, for vehicles and land owned by businesses."""

    id: IntArray
    name: ObjArray
    opened: IntArray
    active: BoolArray
    address: dict[str, np.ndarray]


def brn_numbers(rng: np.random.Generator, ids: IntArray, corporation: BoolArray) -> ObjArray:
    """Unique BRNs: (office, serial) is one-to-one in the id; the last digit checks."""
    x = (1_000_003 * (ids - 1) + 12_345) % _BRN_SPACE
    office = 101 + x // 9999
    serial = 1 + x % 9999
    n = len(ids)
    middle = np.where(
        corporation,
        rng.choice(np.array([81, 86, 87, 88, 82]), size=n, p=[0.8, 0.1, 0.05, 0.03, 0.02]),
        rng.integers(1, 80, n),
    )
    first9 = office * 1_000_000 + middle * 10_000 + serial
    d = (first9[:, None] // _POW9) % 10
    total = d @ _BRN_WEIGHTS + d[:, 8] * 5 // 10
    check = (10 - total % 10) % 10
    return np.char.zfill((first9 * 10 + check).astype(str), 10).astype(object)


def generate_businesses(
    rng: np.random.Generator, counters: Counters, people: Persons
) -> tuple[Firms, Tables]:
    age = people.age_on(AS_OF_DAY)
    candidates = np.flatnonzero((age >= 25) & (age < 75))
    n = min(round(len(people.id) * BUSINESSES_PER_PERSON), len(candidates))
    rep = rng.choice(candidates, size=n, replace=False) if n else candidates[:0]
    ids = counters.take("business_registration", n)
    corporation = rng.random(n) < 0.15
    stem = _STEMS[rng.integers(0, len(_STEMS), n)]
    corp_kind = rng.integers(0, len(_CORP), n)
    shop_kind = rng.integers(0, len(_SHOP), n)
    corp_suffix, corp_code = obj([c[0] for c in _CORP]), obj([c[1] for c in _CORP])
    shop_suffix, shop_code = obj([c[0] for c in _SHOP]), obj([c[1] for c in _SHOP])
    name = np.where(
        corporation, "(주)" + stem + corp_suffix[corp_kind], stem + shop_suffix[shop_kind]
    )
    industry = np.where(corporation, corp_code[corp_kind], shop_code[shop_kind])
    earliest = add_years(people.birth_day[rep], 20)
    opened = np.maximum(
        earliest, AS_OF_DAY - (rng.exponential(8.0, n) * YEAR_DAYS).astype(np.int64)
    )
    opened = np.minimum(opened, AS_OF_DAY - 1)
    u = rng.random(n)
    closed = (u < 0.06) & (opened < AS_OF_DAY - 200)
    suspended = (u >= 0.06) & (u < 0.08)
    closed_on = np.where(
        closed, uniform_days(rng, opened + 180, np.full(n, AS_OF_DAY - 1)), NULL_DAY
    )
    employer = ~closed & (rng.random(n) < np.where(corporation, 0.9, 0.35))
    employer_since = np.where(
        employer, np.minimum(opened + rng.integers(0, 365, n), AS_OF_DAY - 1), NULL_DAY
    )
    address = places.road_addresses(rng, places.draw_provinces(rng, n), dwellings=False)
    registrations = Table(
        "business_registration",
        {
            "id": ids,
            **address,
            "brn": brn_numbers(rng, ids, corporation),
            "name": name.astype(object),
            "kind": np.where(corporation, "corporation", "individual").astype(object),
            "representative_person_id": people.id[rep],
            "representative_name": people.name_ko[rep],
            "industry_code": industry.astype(object),
            "opened_on": opened,
            "closed_on": closed_on,
            "status": np.where(closed, "closed", np.where(suspended, "suspended", "active")).astype(
                object
            ),
            "employer_since": employer_since,
        },
    )
    firms = Firms(ids, name.astype(object), opened, ~closed, address)
    jobs = _employments(
        rng, counters, people, firm_id=ids, corporation=corporation, employer_since=employer_since
    )
    return firms, {"business_registration": registrations, **jobs}


def _employments(
    rng: np.random.Generator,
    counters: Counters,
    people: Persons,
    *,
    firm_id: IntArray,
    corporation: BoolArray,
    employer_since: IntArray,
) -> Tables:
    empty = Table("business_employment", {})
    employers = np.flatnonzero(employer_since != NULL_DAY)
    age = people.age_on(AS_OF_DAY)
    rate = np.select(
        [age < 18, age < 25, age < 30, age < 55, age < 65, age < 75],
        [0.0, 0.35, 0.65, 0.72, 0.55, 0.25],
        0.0,
    )
    workers = np.flatnonzero(rng.random(len(age)) < rate) if len(employers) else employers
    w = len(workers)
    size_weight = np.where(corporation[employers], rng.lognormal(2.0, 1.2, len(employers)), 1.0)
    employer = (
        employers[rng.choice(len(employers), size=w, p=size_weight / size_weight.sum())]
        if w
        else employers
    )
    lower = np.maximum(add_years(people.birth_day[workers], 18), employer_since[employer])
    tenure = (rng.exponential(6.0, w) * YEAR_DAYS).astype(np.int64)
    started = np.clip(AS_OF_DAY - 1 - tenure, lower, AS_OF_DAY - 1)
    # A fifth of workers had an earlier job with another employer of the block.
    prev = rng.random(w) < 0.2
    prev_employer = employers[rng.integers(0, max(len(employers), 1), w)] if w else employers
    prev_lower = np.maximum(lower, employer_since[prev_employer])
    prev_ended = started - rng.integers(1, 60, w)
    prev = prev & (prev_ended - prev_lower > 90)
    prev_started = uniform_days(rng, prev_lower, prev_ended - 60)
    p = np.flatnonzero(prev)
    person = np.concatenate([people.id[workers][p], people.id[workers]])
    business = np.concatenate([firm_id[prev_employer][p], firm_id[employer]])
    start = np.concatenate([prev_started[p], started])
    end = np.concatenate([prev_ended[p], np.full(w, NULL_DAY, dtype=np.int64)])
    corp = np.concatenate([corporation[prev_employer][p], corporation[employer]])
    w_age = np.concatenate([age[workers][p], age[workers]])
    order = np.lexsort((start, person))
    person, business, start, end, corp, w_age = (
        a[order] for a in (person, business, start, end, corp, w_age)
    )
    n = len(person)
    if n == 0:
        return {"business_employment": empty, "business_wage": Table("business_wage", {})}
    factor = (0.7 + 0.6 * np.exp(-(((w_age - 50) / 15) ** 2))) * np.where(corp, 1.25, 0.9)
    draw = rng.lognormal(np.log(3_200_000), 0.45, n) * factor
    wage: IntArray = np.minimum(
        np.maximum(np.round(draw, -4).astype(np.int64), MINIMUM_WAGE_MONTH), 30_000_000
    )
    rank = np.clip(np.searchsorted([30, 35, 42, 48, 60], w_age, side="right"), 0, 5)
    title = np.where(corp, _CORP_TITLES[rank], _SHOP_TITLES[rng.integers(0, len(_SHOP_TITLES), n)])
    reason = _END_REASONS[rng.integers(0, 3, n)]
    reason[end == NULL_DAY] = None
    ids = counters.take("business_employment", n)
    employment = Table(
        "business_employment",
        {
            "id": ids,
            "business_id": business,
            "person_id": person,
            "job_title": title.astype(object),
            "started_on": start,
            "ended_on": end,
            "end_reason": reason,
            "monthly_wage_won": wage,
        },
    )
    return {
        "business_employment": employment,
        "business_wage": _wages(counters, ids, wage, start, end),
    }


def _wages(
    counters: Counters, ids: IntArray, wage: IntArray, start: IntArray, end: IntArray
) -> Table:
    """One to three wage rows per employment, a yearly raise of 3.5%; the last is current."""
    stop = np.where(end == NULL_DAY, AS_OF_DAY, end)
    k = 1 + np.minimum((stop - start) // int(YEAR_DAYS), 2)
    row = np.repeat(np.arange(len(ids)), k)
    step = np.arange(len(row)) - np.repeat(np.cumsum(k) - k, k)
    back = k[row] - 1 - step
    amount = np.where(back == 0, wage[row], np.round(wage[row] / 1.035**back, -4).astype(np.int64))
    amount = np.maximum(amount, np.minimum(wage[row], MINIMUM_WAGE_MONTH))
    effective = start[row] + step * ((stop[row] - start[row]) // k[row])
    return Table(
        "business_wage",
        {
            "id": counters.take("business_wage", len(row)),
            "employment_id": ids[row],
            "monthly_wage_won": amount.astype(np.int64),
            "effective_from": effective,
        },
    )
