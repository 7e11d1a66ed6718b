"""Shared pieces of the nation builder: the as-of date, seeded generators, day arithmetic.

A *block* is a fixed number of consecutive persons (`BLOCK_PERSONS`) generated together with
everything that hangs off them (their households, families, vehicles, land, businesses and
jobs). Every block draws from its own generator, seeded by (seed, block number), so the data
depends only on the seed and the number of residents — not on the batch size, the backend or
the order of writes. Write batches group whole blocks.

Dates are held as `int64` day numbers since 1970-01-01 while generating; `NULL_DAY` marks
a missing date (SQL NULL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

AS_OF = dt.date(2026, 1, 1)
"""The day the synthetic register is "as of": no event in the data is later than this."""

EPOCH = dt.date(1970, 1, 1)
AS_OF_DAY = (AS_OF - EPOCH).days
NULL_DAY = np.iinfo(np.int64).min
YEAR_DAYS = 365.2425
BLOCK_PERSONS = 16_384

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]

# Stream numbers keep the draws of one block's generators independent of each other.
STREAM_PEOPLE = 1
STREAM_VEHICLES = 2
STREAM_LAND = 3
STREAM_BUSINESS = 4
STREAM_TAX = 5


def block_rng(seed: int, block: int, stream: int) -> np.random.Generator:
    """The generator of one block and stream; the same inputs always give the same draws."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, block, stream])))


def day_of(date: dt.date) -> int:
    return (date - EPOCH).days


def years(value: float) -> int:
    return round(value * YEAR_DAYS)


def pick(
    rng: np.random.Generator, values: ObjArray, weights: FloatArray | None, n: int
) -> ObjArray:
    """`n` values drawn (with replacement) from a table of values, by weight."""
    idx = rng.choice(len(values), size=n, p=weights)
    return values[idx]


def obj(values: list[Any] | tuple[Any, ...]) -> ObjArray:
    """A 1-D object array from a list (strings stay Python strings)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def norm(weights: list[float] | tuple[float, ...]) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()  # type: ignore[no-any-return]


def uniform_days(rng: np.random.Generator, low: IntArray, high: IntArray) -> IntArray:
    """A day drawn uniformly in [low, high] for each element (high < low gives low)."""
    span = np.maximum(high - low, 0)
    return low + (rng.random(len(low)) * (span + 1)).astype(np.int64)  # type: ignore[no-any-return]


def ymd(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Calendar year, month and day of day numbers."""
    d64 = days.astype("datetime64[D]")
    y = d64.astype("datetime64[Y]")
    m = d64.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    day = (d64 - m.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def add_years(days: IntArray, n: int) -> IntArray:
    """The same calendar day `n` years later (29 February becomes 1 March)."""
    year, month, day = ymd(days)
    target = (year + n - 1970).astype("datetime64[Y]")
    months = target.astype("datetime64[M]") + (month - 1)
    return (months.astype("datetime64[D]") + (day - 1)).astype(np.int64)


@dataclass
class Table:
    """One table's rows of a block: column name → array (ints, day numbers, objects)."""

    name: str
    columns: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0


Tables = dict[str, Table]


def concat(parts: list[Tables]) -> Tables:
    """Join the tables of several blocks, column by column."""
    out: Tables = {}
    for name in parts[0]:
        filled = [p[name] for p in parts if len(p[name])]
        columns = filled[0].columns if filled else {}
        out[name] = Table(
            name, {col: np.concatenate([t.columns[col] for t in filled]) for col in columns}
        )
    return out


@dataclass
class Counters:
    """The last id used in each table so far; ids are given in generation order."""

    last: dict[str, int] = field(default_factory=dict)

    def take(self, table: str, n: int) -> IntArray:
        start = self.last.get(table, 0)
        self.last[table] = start + n
        return np.arange(start + 1, start + n + 1, dtype=np.int64)

    def peek(self, table: str) -> int:
        return self.last.get(table, 0)
