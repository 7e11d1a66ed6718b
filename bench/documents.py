"""Signed certificate issuance and verification in process, as the single window runs them.

`python -m bench.documents [--residents N] [--seconds S] [--backends sqlite,postgresql]`

For each backend: build a nation of N residents, grant the single window (`gov24`) every
service the document kinds read (`nara.documents.exchange.USES`), then time, for S seconds
each (after a warm-up in every process):

- **issuance** of family relation certificates (가족관계증명서) for random residents: two
  exchange reads (signed, checked, logged), rendering to PDF/A-2b, PAdES-B-T signing with a
  local time-stamp, and the record with its file, change row and outbox event. Two ways:
  - *one transaction*, as the API runs it (`service.issue_document` inside a unit of work);
  - *in steps* (`service.issue_document_in_steps`): the reads in one short transaction,
    rendering and signing outside any, the record in a second one;
  each with 1 process and with 2 processes (the machine has 2 cores), and the steps also with
  2 threads in one process (to show what the GIL leaves of a second thread);
- **verification by upload**: pyHanko's validation of a signed file against the platform
  CA, and its SHA-256 matched to a record (`service.verify_file`), each in its own
  transaction;
- **verification by number and key**: the record found by its number, the keyed digest of
  the possession key compared (`service.find_by_key`), each in its own transaction;
  both with 1 and with 2 processes.

Nothing is reused between operations but what the code under test itself keeps for every
caller (the font configuration, the pyHanko signer, the measured signature room): every
issuance reads the register, renders, signs with a fresh time-stamp and stores; every upload
is validated by pyHanko. Latency percentiles come
from the 1-process runs; "per second" is operations completed in the timed window divided by
its length (summed over processes or threads).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import random
import tempfile
import threading
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier as BarrierType
from pathlib import Path

from sqlalchemy.exc import OperationalError
from tests.support import grant

from bench.databases import POSTGRES_URL, temporary_database
from bench.exchange import _platform
from bench.lookup import percentile
from bench.machine import describe
from nara.app import create_app
from nara.core.db import unit_of_work
from nara.documents import service
from nara.documents.exchange import USES
from nara.documents.schemas import IssueCreate
from nara.exchange.timestamps import authority_from_settings
from nara.nation import build_nation

KIND = "family-relation"
WAYS = ("one", "steps")
"""Issuance in one transaction (as the API) or in steps (`issue_document_in_steps`)."""


def prepare(url: str, keys: Path, residents: int) -> None:
    """Build the nation and grant the single window what the document kinds read."""
    platform = _platform(url, keys)
    assert platform.cipher is not None
    build_nation(platform.engine, platform.cipher, residents=residents, seed=7)
    create_app(platform)
    with unit_of_work(platform.session_factory) as session:
        for used in USES:
            grant(session, platform.clock, "gov24", used)
    platform.engine.dispose()


class _Desk:
    """One process's issuing desk: the app's exchange and keystore, the local TSA."""

    def __init__(self, url: str, keys: Path) -> None:
        self.platform = _platform(url, keys)
        app = create_app(self.platform)
        assert self.platform.cipher is not None
        self.cipher = self.platform.cipher
        self.keystore = app.state.keystore
        self.issuer = service.Issuer(
            exchange=app.state.exchange,
            keystore=self.keystore,
            authority=authority_from_settings(
                self.platform.settings, self.keystore, self.platform.clock
            ),
            public_base_url="https://nara.example",
        )

    def issue(self, person_id: int, way: str = "one") -> service.Issued:
        for _ in range(50):  # SQLite: one writer at a time; a transaction may find it taken
            try:
                return self._issue(person_id, way)
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
        return self._issue(person_id, way)

    def _issue(self, person_id: int, way: str) -> service.Issued:
        issue_in = IssueCreate(kind=KIND, person_id=person_id, requester="bench")
        if way == "steps":
            return service.issue_document_in_steps(
                session_factory=self.platform.session_factory,
                clock=self.platform.clock,
                cipher=self.cipher,
                issuer=self.issuer,
                actor="bench",
                issue_in=issue_in,
            )
        with unit_of_work(self.platform.session_factory) as session:
            issued = service.issue_document(
                session=session,
                clock=self.platform.clock,
                cipher=self.cipher,
                issuer=self.issuer,
                actor="bench",
                issue_in=issue_in,
            )
            issued.issuance.number  # noqa: B018  (loaded before the session ends)
            return issued


class Timed:
    """The latencies of one timed window and the processor time the process spent in it."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.cpu = -time.process_time()

    def stop(self) -> Timed:
        self.cpu += time.process_time()
        return self


def _issuances(desk: _Desk, residents: int, seconds: float, way: str, *, warm_up: int = 5) -> Timed:
    rng = random.Random()
    for _ in range(warm_up):  # imports, fonts, keys, the signer and the signature room
        desk.issue(rng.randint(1, residents), way)
    timed = Timed()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        desk.issue(rng.randint(1, residents), way)
        timed.latencies.append(time.perf_counter() - start)
    return timed.stop()


def _samples(desk: _Desk, residents: int) -> list[tuple[str, str, bytes]]:
    """Twenty issued documents: number, possession key, file."""
    rng = random.Random()
    samples = []
    for _ in range(20):
        issued = desk.issue(rng.randint(1, residents), "steps")
        samples.append((issued.issuance.number, issued.possession_key, issued.pdf))
    return samples


def _verifications(
    desk: _Desk, samples: list[tuple[str, str, bytes]], seconds: float, way: str
) -> Timed:
    rng = random.Random()
    timed = Timed()
    for warm in range(2):
        end = time.perf_counter() + (1.0 if warm == 0 else seconds)
        timed = Timed()
        while time.perf_counter() < end:
            number, key, data = rng.choice(samples)
            start = time.perf_counter()
            with unit_of_work(desk.platform.session_factory) as session:
                if way == "upload":
                    outcome = service.verify_file(session, keystore=desk.keystore, data=data)
                    assert outcome.outcome == "verified", outcome
                else:
                    found = service.find_by_key(
                        session, desk.cipher, number=number, possession_key=key
                    )
                    assert found.status == "valid"
            timed.latencies.append(time.perf_counter() - start)
    return timed.stop()


def _worker(
    *,
    url: str,
    keys: str,
    residents: int,
    seconds: float,
    operation: str,
    ready: BarrierType,
    results: Queue[int],
) -> None:
    """One process of a multi-process run: `operation` for `seconds` after a warm-up, the
    timed windows of all processes starting together (at the barrier)."""
    desk = _Desk(url, Path(keys))
    try:
        if operation in WAYS:
            rng = random.Random()
            for _ in range(5):
                desk.issue(rng.randint(1, residents), operation)
            ready.wait()
            results.put(len(_issuances(desk, residents, seconds, operation, warm_up=0).latencies))
            return
        samples = _samples(desk, residents)
        ready.wait()
        results.put(len(_verifications(desk, samples, seconds, operation).latencies))
    finally:
        desk.platform.engine.dispose()


def in_processes(
    url: str, keys: Path, residents: int, *, seconds: float, procs: int, operation: str
) -> float:
    """Operations per second of `procs` processes doing `operation` at the same time."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(procs)
    results: Queue[int] = context.Queue()
    workers = [
        context.Process(
            target=_worker,
            kwargs={
                "url": url,
                "keys": str(keys),
                "residents": residents,
                "seconds": seconds,
                "operation": operation,
                "ready": ready,
                "results": results,
            },
        )
        for _ in range(procs)
    ]
    for worker in workers:
        worker.start()
    counts = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return sum(counts) / seconds


def in_threads(desk: _Desk, residents: int, *, seconds: float, threads: int) -> float:
    """Issuances (in steps) per second of `threads` threads of one process sharing a desk."""
    counts: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        done = len(_issuances(desk, residents, seconds, "steps", warm_up=2).latencies)
        with lock:
            counts.append(done)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / seconds


def _note(result: dict[str, float], way: str, timed: Timed, seconds: float) -> None:
    result[f"{way}_p50_ms"] = percentile(timed.latencies, 50) * 1000
    result[f"{way}_p99_ms"] = percentile(timed.latencies, 99) * 1000
    result[f"{way}_1p"] = len(timed.latencies) / seconds
    result[f"{way}_cpu_ms"] = timed.cpu / len(timed.latencies) * 1000


def run(backend: str, residents: int, seconds: float) -> dict[str, float]:
    """Every measure on a new database of `backend`; the figures by name."""
    with temporary_database(backend) as url, tempfile.TemporaryDirectory() as folder:
        keys = Path(folder) / "keys"
        prepare(url, keys, residents)
        result: dict[str, float] = {}
        desk = _Desk(url, keys)
        for way in WAYS:
            timed = _issuances(desk, residents, seconds, way)
            _note(result, way, timed, seconds)
            desk.platform.engine.dispose()  # no pooled connection shared with the children
            result[f"{way}_2p"] = in_processes(
                url, keys, residents, seconds=seconds, procs=2, operation=way
            )
        result["steps_2t"] = in_threads(desk, residents, seconds=seconds, threads=2)
        samples = _samples(desk, residents)
        for way in ("upload", "key"):
            timed = _verifications(desk, samples, seconds, way)
            _note(result, way, timed, seconds)
            desk.platform.engine.dispose()  # no pooled connection shared with the children
            result[f"{way}_2p"] = in_processes(
                url, keys, residents, seconds=seconds, procs=2, operation=way
            )
        desk.platform.engine.dispose()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    print(f"machine: {describe(POSTGRES_URL)}")
    print(f"seconds per measure: {args.seconds:g}; residents: {args.residents:,}")
    print(
        "| backend | operation | p50 ms | p99 ms | CPU ms each | per second: 1 process "
        "| 2 processes | 2 threads |"
    )
    print("|---|---|---|---|---|---|---|---|")
    labels = {
        "one": f"issue `{KIND}`, one transaction (as the API)",
        "steps": f"issue `{KIND}`, in steps (`issue_document_in_steps`)",
        "upload": "verify by upload",
        "key": "verify by number + key",
    }
    for backend in args.backends.split(","):
        r = run(backend, args.residents, args.seconds)
        for way, label in labels.items():
            threads = f"{r['steps_2t']:.1f}" if way == "steps" else ""
            digits = 1 if way in WAYS else 0
            print(
                f"| {backend} | {label} | {r[f'{way}_p50_ms']:.1f} | {r[f'{way}_p99_ms']:.1f} | "
                f"{r[f'{way}_cpu_ms']:.1f} | "
                f"{r[f'{way}_1p']:,.{digits}f} | {r[f'{way}_2p']:,.{digits}f} | {threads} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
