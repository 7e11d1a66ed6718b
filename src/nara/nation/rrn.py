"""Resident registration numbers for a block of persons: unique by construction.

Before 5 October 2020 an RRN ends in a 4-digit region code, a serial digit and a check
digit; since then the 6 digits after the sex digit are random. Numbers are made unique
without a global set: among persons of one block with the same birth date and sex digit,
the serial (or the random part) encodes their rank; across blocks an affine map of the block
number, one-to-one modulo 10⁴ (10⁶), separates them. This holds for up to 10,000 blocks
(about 160 million persons) and ten persons per birth date and sex digit within a block.
"""

from __future__ import annotations

import numpy as np

from nara.core.identifiers import RRN_RANDOM_SINCE
from nara.core.pii import PiiCipher
from nara.nation._common import BoolArray, IntArray, ObjArray, day_of, ymd

RANDOM_SINCE_DAY = day_of(RRN_RANDOM_SINCE)
MAX_BLOCKS = 10_000
_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], dtype=np.int64)
_POW = 10 ** np.arange(11, -1, -1, dtype=np.int64)


def sex_digits(birth_year: IntArray, male: BoolArray, foreign: BoolArray) -> IntArray:
    """The 7th digit: 1/2 (1900s), 3/4 (2000s), 5/6 and 7/8 for foreign residents."""
    base = np.where(birth_year >= 2000, 3, 1) + np.where(foreign, 4, 0)
    return base + np.where(male, 0, 1)


def ranks(key: IntArray) -> IntArray:
    """For each element, how many earlier elements share its key (0 for the first)."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    n = len(key)
    first = np.ones(n, dtype=bool)
    first[1:] = sorted_key[1:] != sorted_key[:-1]
    position = np.arange(n, dtype=np.int64)
    start = np.maximum.accumulate(np.where(first, position, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = position - start
    return out


def spread_birthdays(birth_day: IntArray, sex: IntArray) -> IntArray:
    """Move the 11th and later person sharing a birth day and sex digit to the next day."""
    birth_day = birth_day.copy()
    while True:
        rank = ranks(birth_day * 10 + sex)
        crowded = rank >= 10
        if not crowded.any():
            return birth_day
        birth_day[crowded] += 1


def rrn_numbers(block: int, birth_day: IntArray, sex: IntArray) -> tuple[ObjArray, BoolArray]:
    """13-digit RRN strings and whether each has the random (post-2020) scheme."""
    if block >= MAX_BLOCKS:
        raise ValueError(f"the nation builder supports at most {MAX_BLOCKS} blocks")
    year, month, day = ymd(birth_day)
    yymmdd = (year % 100) * 10_000 + month * 100 + day
    rank = ranks(birth_day * 10 + sex)
    salt = (birth_day * 7919 + sex * 131) % 1_000_000
    random_scheme = birth_day >= RANDOM_SINCE_DAY
    # Random scheme: six digits, one-to-one in (block, rank) for a given date and sex digit.
    six = (738_457 * (block * 100 + rank) + salt) % 1_000_000
    # Regional scheme: region code one-to-one in the block, serial digit = rank, check digit.
    region = (3001 * block + salt) % 10_000
    first12 = (yymmdd * 10 + sex) * 100_000 + region * 10 + rank
    digits = (first12[:, None] // _POW) % 10
    check = (11 - (digits @ _WEIGHTS) % 11) % 10
    regional = first12 * 10 + check
    number = np.where(random_scheme, (yymmdd * 10 + sex) * 1_000_000 + six, regional)
    return np.char.zfill(number.astype(str), 13).astype(object), random_scheme


def protect(cipher: PiiCipher, numbers: ObjArray) -> tuple[list[bytes], list[bytes]]:
    """Ciphertexts and blind indexes, one per number (the per-row cost of the build)."""
    texts: list[str] = numbers.tolist()
    return cipher.encrypt_many(texts), cipher.blind_index_many(texts)
