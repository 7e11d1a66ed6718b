"""The physical limit: the same rows, pre-generated, loaded with nothing else to do.

PostgreSQL: text COPY of the nation's rows (rendered before the clock starts) into the
empty, constraint-free tables, then the same constraints, indexes and sequence resets as
the build. SQLite, two limits: one `executemany` per table and batch of pre-converted rows
(what a single Python process can bind), and SQLite copying pre-staged batch files in with
`INSERT ... SELECT` (what the build's loader does, minus everything else); both followed by
the same index creation. The build's rate divided by this rate says how close the build comes.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.databases import BENCH_KEY
from nara.core.db import make_engine
from nara.core.pii import PiiCipher
from nara.nation._common import BLOCK_PERSONS, Counters, concat
from nara.nation.build import generate_block
from nara.nation.load_postgres import PostgresLoader
from nara.nation.load_sqlite import SqliteLoader
from nara.nation.schema import TABLE_ORDER, all_date_columns
from nara.nation.stage import copy_texts, python_columns, stage_sqlite


def _batches(residents: int, seed: int, per_batch: int = 6) -> Any:
    cipher = PiiCipher(BENCH_KEY)
    counters = Counters()
    blocks = -(-residents // BLOCK_PERSONS)
    for first in range(0, blocks, per_batch):
        parts = [
            generate_block(
                seed, b, min(BLOCK_PERSONS, residents - b * BLOCK_PERSONS), counters, cipher
            )
            for b in range(first, min(first + per_batch, blocks))
        ]
        yield concat(parts)


def raw_postgres(url: str, residents: int, seed: int) -> dict[str, float]:
    dates = all_date_columns()
    prepared = []
    for tables in _batches(residents, seed):
        columns = {name: list(t.columns) for name, t in tables.items() if len(t)}
        prepared.append((columns, copy_texts(tables, dates)))
    rows = sum(text.count(b"\n") for _, texts in prepared for text in texts.values())
    engine = make_engine(url)
    loader = PostgresLoader(engine)
    try:
        loader.prepare()
        start = time.perf_counter()
        with loader._raw.cursor() as cursor:
            for columns, texts in prepared:
                for name in TABLE_ORDER:
                    if name in texts:
                        sql = f"COPY {name} ({', '.join(columns[name])}) FROM STDIN"
                        with cursor.copy(sql) as copy:
                            copy.write(texts[name])
        copied = time.perf_counter()
        loader.finish()
        done = time.perf_counter()
    finally:
        loader.close()
        engine.dispose()
    return _rates(rows, start, copied, done)


def raw_sqlite(url: str, residents: int, seed: int) -> dict[str, float]:
    dates = all_date_columns()
    prepared = []
    for tables in _batches(residents, seed):
        prepared.append(
            {
                name: (
                    list(t.columns),
                    list(zip(*python_columns(dates[name], t.columns), strict=True)),
                )
                for name, t in tables.items()
                if len(t)
            }
        )
    rows = sum(len(r) for batch in prepared for _, r in batch.values())
    engine = make_engine(url)
    loader = SqliteLoader(engine)
    try:
        loader.prepare()
        cursor = loader._raw.cursor()
        start = time.perf_counter()
        for batch in prepared:
            cursor.execute("BEGIN")
            for name in TABLE_ORDER:
                if name in batch:
                    cols, values = batch[name]
                    marks = ", ".join("?" * len(cols))
                    cursor.executemany(
                        f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({marks})", values
                    )
            cursor.execute("COMMIT")
        copied = time.perf_counter()
        cursor.close()
        loader.finish()
        done = time.perf_counter()
    finally:
        loader.close()
        engine.dispose()
    return _rates(rows, start, copied, done)


def raw_sqlite_staged(url: str, residents: int, seed: int) -> dict[str, float]:
    """SQLite's own limit: the batches staged in files beforehand, then copied in by SQLite.

    The same `INSERT ... SELECT` per table and batch the build uses, with nothing else to
    do: no generation, no encryption, no Python-side binding of values.
    """
    dates = all_date_columns()
    folder = tempfile.mkdtemp(prefix="nara-bench-stage-")
    paths, rows = [], 0
    try:
        for i, tables in enumerate(_batches(residents, seed)):
            paths.append(stage_sqlite(str(Path(folder) / f"{i}.db"), tables, dates))
            rows += sum(len(t) for t in tables.values())
        engine = make_engine(url)
        loader = SqliteLoader(engine)
        try:
            loader.prepare()
            start = time.perf_counter()
            for path in paths:
                loader._merge(path)
            copied = time.perf_counter()
            loader.finish()
            done = time.perf_counter()
        finally:
            loader.close()
            engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _rates(rows, start, copied, done)


def _rates(rows: int, start: float, copied: float, done: float) -> dict[str, float]:
    return {
        "rows": rows,
        "load_seconds": copied - start,
        "index_seconds": done - copied,
        "seconds": done - start,
        "rows_per_second": rows / (done - start),
        "load_only_rows_per_second": rows / (copied - start),
    }
