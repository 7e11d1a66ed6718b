"""Signed certificate issuance and verification in process, as the single window runs them.

`python -m bench.documents [--residents N] [--seconds S] [--backends sqlite,postgresql]`

For each backend: build a nation of N residents, grant the single window (`gov24`) every
service the document kinds read (`nara.documents.exchange.USES`), then time:

- **issuance** of family relation certificates (가족관계증명서) for random residents, each in
  its own transaction as the API runs it: two exchange reads (signed, checked, logged),
  rendering to PDF/A-2b, PAdES-B-T signing with a local time-stamp, and the record with its
  file, change row and outbox event; with 1 and 2 processes (the machine has 2 cores) for
  the same wall time each;
- **verification by upload**: pyHanko's validation of a signed file against the platform
  CA, and its SHA-256 matched to a record (`service.verify_file`);
- **verification by number and key**: the record found by its number, the keyed digest of
  the possession key compared (`service.find_by_key`).

Latency percentiles come from the 1-process runs.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import random
import tempfile
import time
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

    def issue(self, person_id: int) -> service.Issued:
        for _ in range(20):  # SQLite: one writer at a time; a transaction may find it taken
            try:
                return self._issue(person_id)
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
        return self._issue(person_id)

    def _issue(self, person_id: int) -> service.Issued:
        with unit_of_work(self.platform.session_factory) as session:
            issued = service.issue_document(
                session=session,
                clock=self.platform.clock,
                cipher=self.cipher,
                issuer=self.issuer,
                actor="bench",
                issue_in=IssueCreate(kind=KIND, person_id=person_id, requester="bench"),
            )
            issued.issuance.number  # noqa: B018  (loaded before the session ends)
            return issued


def _issuances(url: str, keys: Path, residents: int, seconds: float) -> list[float]:
    desk = _Desk(url, keys)
    rng = random.Random()
    for _ in range(5):  # warm-up: imports, fonts, keys
        desk.issue(rng.randint(1, residents))
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        desk.issue(rng.randint(1, residents))
        latencies.append(time.perf_counter() - start)
    desk.platform.engine.dispose()
    return latencies


def _worker(args: tuple[str, str, int, float]) -> int:
    url, keys, residents, seconds = args
    return len(_issuances(url, Path(keys), residents, seconds))


def issuance_throughput(
    url: str, keys: Path, residents: int, *, seconds: float, procs: int
) -> float:
    context = multiprocessing.get_context("fork")
    with context.Pool(procs) as pool:
        counts = pool.map(_worker, [(url, str(keys), residents, seconds)] * procs)
    return sum(counts) / seconds


def _verifications(url: str, keys: Path, residents: int, seconds: float) -> dict[str, list[float]]:
    desk = _Desk(url, keys)
    rng = random.Random(11)
    samples = []
    for _ in range(20):
        issued = desk.issue(rng.randint(1, residents))
        samples.append((issued.issuance.number, issued.possession_key, issued.pdf))
    result: dict[str, list[float]] = {"upload": [], "key": []}
    for way in ("upload", "key"):
        for warm in range(2):
            end = time.perf_counter() + (1.0 if warm == 0 else seconds)
            latencies: list[float] = []
            while time.perf_counter() < end:
                number, key, data = rng.choice(samples)
                start = time.perf_counter()
                with unit_of_work(desk.platform.session_factory) as session:
                    if way == "upload":
                        outcome = service.verify_file(
                            session, keystore=desk.keystore, data=data
                        ).outcome
                        assert outcome == "verified", outcome
                    else:
                        found = service.find_by_key(
                            session, desk.cipher, number=number, possession_key=key
                        )
                        assert found.status == "valid"
                latencies.append(time.perf_counter() - start)
            result[way] = latencies
    desk.platform.engine.dispose()
    return result


def run(backend: str, residents: int, seconds: float) -> dict[str, float]:
    """Both measures on a new database of `backend`; the figures by name."""
    with temporary_database(backend) as url, tempfile.TemporaryDirectory() as folder:
        keys = Path(folder) / "keys"
        prepare(url, keys, residents)
        result: dict[str, float] = {}
        latencies = _issuances(url, keys, residents, seconds)
        result["issue_p50_ms"] = percentile(latencies, 50) * 1000
        result["issue_p99_ms"] = percentile(latencies, 99) * 1000
        result["issue_1p"] = len(latencies) / sum(latencies)
        result["issue_2p"] = issuance_throughput(url, keys, residents, seconds=seconds, procs=2)
        for way, found in _verifications(url, keys, residents, seconds).items():
            result[f"{way}_p50_ms"] = percentile(found, 50) * 1000
            result[f"{way}_p99_ms"] = percentile(found, 99) * 1000
            result[f"{way}_1p"] = len(found) / sum(found)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    print(f"machine: {describe(POSTGRES_URL)}")
    print("| backend | operation | p50 ms | p99 ms | per second: 1 process | 2 processes |")
    print("|---|---|---|---|---|---|")
    for backend in args.backends.split(","):
        r = run(backend, args.residents, args.seconds)
        print(
            f"| {backend} | issue `{KIND}` (exchange + render + sign + store) | "
            f"{r['issue_p50_ms']:.0f} | {r['issue_p99_ms']:.0f} | {r['issue_1p']:.1f} | "
            f"{r['issue_2p']:.1f} |",
            flush=True,
        )
        for way, label in (("upload", "verify by upload"), ("key", "verify by number + key")):
            print(
                f"| {backend} | {label} | {r[f'{way}_p50_ms']:.2f} | {r[f'{way}_p99_ms']:.2f} | "
                f"{r[f'{way}_1p']:,.0f} | |",
                flush=True,
            )


if __name__ == "__main__":
    main()
