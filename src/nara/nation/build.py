"""Orchestration: generate the nation block by block and load it batch by batch."""

from __future__ import annotations

import gc
import queue
import resource
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, func, select

from nara.core.pii import PiiCipher
from nara.nation._common import (
    BLOCK_PERSONS,
    STREAM_BUSINESS,
    STREAM_LAND,
    STREAM_PEOPLE,
    STREAM_TAX,
    STREAM_VEHICLES,
    Counters,
    Tables,
    block_rng,
    concat,
)
from nara.nation.business import generate_businesses
from nara.nation.family import generate_family
from nara.nation.homes import generate_homes
from nara.nation.land import generate_land
from nara.nation.load_postgres import PostgresLoader
from nara.nation.load_sqlite import SqliteLoader
from nara.nation.people import draw_persons, person_table
from nara.nation.schema import TABLE_ORDER, table
from nara.nation.tax import generate_tax
from nara.nation.vehicles import generate_vehicles

Progress = Callable[[str, int, int], None]


class Loader(Protocol):
    def prepare(self) -> None: ...
    def write(self, tables: Tables) -> None: ...
    def finish(self) -> None: ...
    def close(self) -> None: ...


@dataclass
class NationReport:
    """What a build wrote and how long it took."""

    rows: dict[str, int]
    seconds: float
    residents: int = 0
    seed: int = 0
    backend: str = ""
    generate_seconds: float = 0.0
    load_seconds: float = 0.0
    index_seconds: float = 0.0
    peak_rss_mib: float = 0.0
    helpers_peak_rss_mib: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def generate_block(
    seed: int, block: int, persons: int, counters: Counters, cipher: PiiCipher
) -> Tables:
    """Every table's rows for one block of persons (deterministic in seed and block)."""
    rng = block_rng(seed, block, STREAM_PEOPLE)
    households, people = draw_persons(rng, counters, persons)
    tables: Tables = {"residents_person": person_table(rng, block, people, cipher)}
    homes, home_tables = generate_homes(rng, counters, households, people)
    tables.update(home_tables)
    tables.update(generate_family(rng, counters, households, people))
    firms, business_tables = generate_businesses(
        block_rng(seed, block, STREAM_BUSINESS), counters, people
    )
    tables.update(business_tables)
    tables.update(
        generate_vehicles(block_rng(seed, block, STREAM_VEHICLES), counters, people, homes, firms)
    )
    tables.update(generate_land(block_rng(seed, block, STREAM_LAND), counters, people, firms))
    tables.update(
        generate_tax(
            block_rng(seed, block, STREAM_TAX),
            counters,
            people,
            homes,
            persons=tables["residents_person"],
            residences=tables["residents_residence"],
        )
    )
    return tables


class _Producer(threading.Thread):
    """Generates the next batch while the loader writes the current one.

    numpy, AES-GCM and SQLite release the GIL for much of their work, so generation and
    loading overlap on two cores; at most two batches are in memory at once.
    """

    def __init__(self, seed: int, residents: int, per_batch: int, cipher: PiiCipher) -> None:
        super().__init__(name="nation-generator", daemon=True)
        self.seed, self.residents, self.per_batch, self.cipher = seed, residents, per_batch, cipher
        self.queue: queue.Queue[tuple[int, Tables] | BaseException | None] = queue.Queue(1)
        self.stopping = threading.Event()
        self.seconds = 0.0

    def run(self) -> None:
        try:
            counters = Counters()
            blocks = -(-self.residents // BLOCK_PERSONS)
            done = 0
            for first in range(0, blocks, self.per_batch):
                t0 = time.perf_counter()
                parts = []
                for block in range(first, min(first + self.per_batch, blocks)):
                    persons = min(BLOCK_PERSONS, self.residents - block * BLOCK_PERSONS)
                    parts.append(generate_block(self.seed, block, persons, counters, self.cipher))
                    done += persons
                tables = concat(parts)
                del parts
                self.seconds += time.perf_counter() - t0
                if not self._put((done, tables)):
                    return
            self._put(None)
        except BaseException as error:  # noqa: BLE001  (the loading thread re-raises it)
            self._put(error)

    def _put(self, item: tuple[int, Tables] | BaseException | None) -> bool:
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def __iter__(self) -> Iterator[tuple[int, Tables]]:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join()


def peak_rss_mib() -> float:
    """This process's resident-set high-water mark.

    Linux's VmHWM starts afresh when a program is executed, unlike `ru_maxrss`, which a
    child started from a large parent inherits.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loader(engine: Engine) -> Loader:
    if engine.dialect.name == "sqlite":
        return SqliteLoader(engine)
    if engine.dialect.name == "postgresql":
        return PostgresLoader(engine)
    raise ValueError(f"the nation builder does not support {engine.dialect.name}")


def _require_empty(engine: Engine) -> None:
    with engine.connect() as connection:
        for name in TABLE_ORDER:
            t = table(name)
            if connection.execute(select(func.count()).select_from(t)).scalar_one():
                raise ValueError(f"{name} is not empty: build the nation into a new database")


def build_nation(
    engine: Engine,
    cipher: PiiCipher,
    *,
    residents: int,
    seed: int,
    batch_rows: int = 100_000,
    on_progress: Progress | None = None,
) -> NationReport:
    """Generate `residents` persons and everything around them into an empty database.

    The data depends only on `seed` and `residents`. `batch_rows` (persons per batch, rounded
    down to whole blocks of 16,384) bounds memory. `on_progress(stage, done, total)` is
    called after each batch with stage "load" (residents loaded so far) and around the
    final stage "index" (0 of 1, then 1 of 1). Refuses (ValueError) a database whose
    register tables are not empty. On PostgreSQL the build is one transaction; on SQLite
    each batch is committed as it is loaded and a failed build deletes what it loaded, so
    either way a failed build leaves the registers empty.
    """
    if residents < 1:
        raise ValueError("a nation needs at least one resident")
    progress = on_progress or (lambda _stage, _done, _total: None)
    _require_empty(engine)
    started = time.perf_counter()
    per_batch = max(1, batch_rows // BLOCK_PERSONS)
    rows = dict.fromkeys(TABLE_ORDER, 0)
    load_s = 0.0
    loader = _loader(engine)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived strings: collection passes would dominate
    producer = _Producer(seed, residents, per_batch, cipher)
    try:
        loader.prepare()
        producer.start()
        for done, tables in producer:
            t1 = time.perf_counter()
            loader.write(tables)
            load_s += time.perf_counter() - t1
            for name, t in tables.items():
                rows[name] += len(t)
            del tables
            progress("load", done, residents)
        progress("index", 0, 1)
        t3 = time.perf_counter()
        loader.finish()
        index_s = time.perf_counter() - t3
        progress("index", 1, 1)
    finally:
        producer.stop()
        loader.close()
        if collecting:
            gc.enable()
    return NationReport(
        rows=rows,
        seconds=time.perf_counter() - started,
        residents=residents,
        seed=seed,
        backend=engine.dialect.name,
        generate_seconds=producer.seconds,
        load_seconds=load_s,
        index_seconds=index_s,
        peak_rss_mib=peak_rss_mib(),
        helpers_peak_rss_mib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    )
