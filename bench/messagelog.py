"""Message log benchmark: append entries in batches, then `verify` the whole chain.

    .venv/bin/python -m bench.messagelog [--entries N] [--backends sqlite,postgresql]

Entries are appended with `append_many`, `--per-commit` entries per transaction, into a
temporary database (SQLite file or PostgreSQL database, removed afterwards); then the
chain is verified end to end as `nara exchange verify-log` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from sqlalchemy.orm import Session

from bench.databases import POSTGRES_URL, temporary_database
from bench.machine import describe
from nara.core.clock import FixedClock
from nara.core.db import make_engine
from nara.exchange.messagelog import LogEntry, append_many, body_hash, verify


def entries(start: int, count: int) -> list[LogEntry]:
    return [
        LogEntry(
            message_id=f"KR-{n:012d}",
            client="KR/GOV/MOIS/residents",
            service="KR/GOV/NTS/business/employments-of-person",
            user_id=f"official-{n % 977}",
            purpose="moving-in report",
            legal_basis="Resident Registration Act art. 16",
            request_hash=body_hash(f"request {n}".encode()),
            response_hash=body_hash(f"response {n}".encode()),
            status=200,
        )
        for n in range(start, start + count)
    ]


def run(backend: str, total: int, per_commit: int) -> dict[str, float]:
    clock = FixedClock(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    with temporary_database(backend) as url:
        engine = make_engine(url)
        started = time.perf_counter()
        for start in range(0, total, per_commit):
            with Session(engine) as session, session.begin():
                append_many(session, clock, entries(start, min(per_commit, total - start)))
        append_s = time.perf_counter() - started
        started = time.perf_counter()
        report = verify(engine)
        verify_s = time.perf_counter() - started
        engine.dispose()
    if not report.ok or report.count != total:
        raise SystemExit(f"[{backend}] verification failed: {report}")
    return {"append_s": append_s, "verify_s": verify_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--per-commit", type=int, default=1_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"machine: {describe(POSTGRES_URL)}")
    print("| backend | entries | append s | appends/s | verify s | verified/s |")
    print("|---|---|---|---|---|---|")
    for backend in args.backends.split(","):
        result = run(backend, args.entries, args.per_commit)
        print(
            f"| {backend} | {args.entries:,} | {result['append_s']:.1f} | "
            f"{args.entries / result['append_s']:,.0f} | {result['verify_s']:.1f} | "
            f"{args.entries / result['verify_s']:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
