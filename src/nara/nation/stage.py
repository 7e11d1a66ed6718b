"""Work done in helper processes: turning generated arrays into loadable form.

Binding millions of values through a DBAPI is Python work that holds the GIL, so it runs in
two forked helper processes. They are given only plain arrays and use nothing inherited
from the parent but numpy and sqlite3, so a lock held by another thread of the caller at the
fork (a progress bar's, say) is never waited on in them. For SQLite
they write each batch into a staging database file that the loader copies in with one
`INSERT ... SELECT` per table (C speed); for PostgreSQL they render COPY text. This module
imports only numpy and the standard library, to keep the helpers light.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import numpy as np

from nara.nation._common import NULL_DAY, Tables

HELPERS = 2
DateColumns = dict[str, frozenset[str]]

_DAY0 = np.datetime64("1800-01-01", "D").astype(np.int64)
_ISO = (
    np.arange(_DAY0, np.datetime64("2100-01-01", "D").astype(np.int64))
    .astype("datetime64[D]")
    .astype(str)
    .astype(object)
)


def iso_dates(days: np.ndarray[Any, Any], *, none: Any) -> list[Any]:
    """ISO 8601 dates from day numbers, through a lookup table (dates repeat a lot)."""
    missing = days == NULL_DAY
    text = _ISO[np.where(missing, 0, days - _DAY0)]
    if missing.any():
        text[missing] = none
    return text.tolist()  # type: ignore[no-any-return]


def python_columns(
    dates: frozenset[str], columns: dict[str, np.ndarray[Any, Any]]
) -> list[list[Any]]:
    """Each column as a list of Python values (dates ISO text, NULL as None) for the DBAPI."""
    return [
        iso_dates(values, none=None) if col in dates else values.tolist()
        for col, values in columns.items()
    ]


def stage_sqlite(path: str, tables: Tables, dates: DateColumns) -> str:
    """Write one batch into a fresh staging database (no constraints, no journal)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN")
        for name, t in tables.items():
            if len(t) == 0:
                continue
            cols = list(t.columns)
            connection.execute(f"CREATE TABLE {name} ({', '.join(cols)})")
            marks = ", ".join("?" * len(cols))
            connection.executemany(
                f"INSERT INTO {name} VALUES ({marks})",
                zip(*python_columns(dates[name], t.columns), strict=True),
            )
        connection.execute("COMMIT")
    finally:
        connection.close()
    return path


def copy_texts(tables: Tables, dates: DateColumns) -> dict[str, bytes]:
    """One batch as COPY text, per table."""
    return {name: copy_text(dates[name], t.columns) for name, t in tables.items() if len(t)}


def copy_text(dates: frozenset[str], columns: dict[str, np.ndarray[Any, Any]]) -> bytes:
    """Rows in COPY text format. Generated text never holds tabs, newlines or backslashes."""
    texts: list[list[str]] = []
    for col, values in columns.items():
        if col in dates:
            texts.append(iso_dates(values, none="\\N"))
        elif values.dtype != object:
            texts.append(values.astype(str).tolist())
        else:
            texts.append(_object_text(values))
    return ("\n".join(map("\t".join, zip(*texts, strict=True))) + "\n").encode()


_HEX = np.array([ord(c) for c in "0123456789abcdef"], dtype=np.uint8)


def _object_text(values: np.ndarray[Any, Any]) -> list[str]:
    first = values[0]
    if isinstance(first, bytes) and len(first) * len(values) == sum(map(len, values)):
        # Fixed-width binary (ciphertexts, blind indexes): hex-encode a column at a time.
        width = len(first)
        raw = np.frombuffer(b"".join(values.tolist()), dtype=np.uint8).reshape(-1, width)
        chars = np.empty((len(values), 3 + 2 * width), dtype=np.uint8)
        chars[:, :3] = np.frombuffer(b"\\\\x", dtype=np.uint8)
        chars[:, 3::2] = _HEX[raw >> 4]
        chars[:, 4::2] = _HEX[raw & 15]
        return np.char.decode(chars.view(f"S{3 + 2 * width}").ravel(), "ascii").tolist()  # type: ignore[no-any-return]
    missing = np.equal(values, np.full(1, None, dtype=object))
    if missing.any() or not isinstance(first, str):
        text = values.astype(str).astype(object)
        text[missing] = "\\N"
        return text.tolist()  # type: ignore[no-any-return]
    return values.tolist()  # type: ignore[no-any-return]


class Helpers:
    """A pool of helper processes whose results come back in submission order."""

    def __init__(self, depth: int = HELPERS) -> None:
        # Fork, not spawn or a fork server: those re-run the caller's `__main__`, which a
        # script calling `build_nation` at module level cannot survive.
        self.pool = ProcessPoolExecutor(HELPERS, mp_context=multiprocessing.get_context("fork"))
        self.pending: deque[Future[Any]] = deque()
        self.depth = depth
        # Start the processes now, before the generator thread starts.
        self.pool.submit(int).result()

    def submit(self, fn: Any, *args: Any) -> Any | None:
        """Queue work; returns the oldest result once `depth` items are in flight."""
        self.pending.append(self.pool.submit(fn, *args))
        if len(self.pending) > self.depth:
            return self.pending.popleft().result()
        return None

    def drain(self) -> list[Any]:
        out = [f.result() for f in self.pending]
        self.pending.clear()
        return out

    def close(self) -> None:
        for f in self.pending:
            f.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
