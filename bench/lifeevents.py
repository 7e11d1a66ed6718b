"""One-stop life events end to end: moving-in reports filed, every agency's step done.

`python -m bench.lifeevents [--reports N] [--births M] [--residents R] [--workers W]`
`[--backends ...]`

For each backend: build a nation of R residents, pick N movers (adults who can file alone,
moving within their district with their vehicles), then

1. file the N reports as the portal does — one transaction per report, each checked through
   the exchange (the mover's facts from the resident register, his vehicles) — in this process;
2. run W `nara worker` processes (real processes, as in production) until every step of every
   case is done: the resident register's move, the tax office's address, the vehicles' base
   address — each a signed, logged exchange call applied once under its step key;
3. run `nara check` over the whole nation and require no disagreement.

Reported: reports filed per second, steps per second, the end-to-end time (filing + steps),
and the check's time. Then M birth reports with every Happy Birth benefit (`--births`), filed
by married parents and worked off the same way: the time until every allowance is decided.
SQLite runs one worker (one writer at a time); PostgreSQL runs W.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.databases import BENCH_KEY, POSTGRES_URL, temporary_database
from bench.machine import describe
from nara.app import Platform, connected_exchange, load_models, sync_directory
from nara.core.clock import SystemClock, today
from nara.core.db import make_engine, make_session_factory
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.lifeevents.consistency import check_registers
from nara.lifeevents.models import Case, Step
from nara.nation import build_nation
from nara.nation.births import file_births, pick_parents
from nara.nation.movers import file_reports, pick_movers

ROOT = Path(__file__).parent.parent


def _settings(url: str, keys: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        pii_key=base64.b64encode(BENCH_KEY).decode(),
        exchange_keys_dir=keys,
    )


def _worker(url: str, keys: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NARA_DATABASE_URL": url,
        "NARA_PII_KEY": base64.b64encode(BENCH_KEY).decode(),
        "NARA_ENVIRONMENT": "test",
        "NARA_EXCHANGE_KEYS_DIR": str(keys),
        "NARA_LOG_LEVEL": "WARNING",
        "NARA_WORKER_BATCH": "50",
        "NARA_WORKER_POLL_SECONDS": "0.05",
    }
    return subprocess.Popen(
        [sys.executable, "-c", "from nara.cli import main; main()", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _open_steps(platform: Platform) -> tuple[int, int]:
    """(steps done, steps not done), read without taking SQLite's write lock."""
    if platform.engine.dialect.name == "sqlite":
        path = platform.engine.url.database
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60) as db:
            rows = dict(db.execute("SELECT state, count(*) FROM lifeevents_step GROUP BY state"))
    else:
        with platform.engine.connect() as connection:
            rows = dict(
                connection.execute(select(Step.state, func.count()).group_by(Step.state))
                .tuples()
                .all()
            )
    done = int(rows.get("done", 0))
    return done, sum(int(v) for v in rows.values()) - done


def _work_off(platform: Platform, url: str, keys: Path, count: int) -> tuple[float, int]:
    """Run `count` worker processes until no step is open; (seconds, steps done)."""
    processes = [_worker(url, keys) for _ in range(count)]
    started = time.perf_counter()
    try:
        while True:
            done, open_steps = _open_steps(platform)
            if open_steps == 0:
                break
            if any(p.poll() is not None for p in processes):
                errors = b"".join(p.stderr.read() for p in processes if p.stderr)
                raise SystemExit(f"a worker died: {errors.decode()[-2000:]}")
            time.sleep(0.2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(30)
    return time.perf_counter() - started, done


def _not_done(platform: Platform, kind: str) -> int:
    with platform.session_factory() as session:
        found = session.scalar(
            select(func.count()).select_from(Case).where(Case.kind == kind, Case.state != "done")
        )
    return int(found or 0)


def run(
    backend: str, *, reports: int, births: int, residents: int, workers: int
) -> dict[str, float]:
    with temporary_database(backend) as url:
        load_models()
        keys = Path(tempfile.mkdtemp(prefix="nara-bench-keys-"))
        cipher = PiiCipher(BENCH_KEY)
        engine = make_engine(url)
        build_nation(engine, cipher, residents=residents, seed=2026)
        clock = SystemClock()
        platform = Platform(
            _settings(url, keys), engine, make_session_factory(engine), clock, cipher
        )
        exchange = connected_exchange(platform)
        sync_directory(platform, exchange)
        count = workers if backend == "postgresql" else 1

        moved_on = today(clock) - dt.timedelta(days=3)
        with platform.session_factory() as session:
            movers = pick_movers(session, count=reports, moved_on=moved_on, seed=7)
        if len(movers) < reports:
            raise SystemExit(f"only {len(movers)} movers in {residents} residents")
        started = time.perf_counter()
        file_reports(
            platform.session_factory,
            clock,
            exchange=exchange,
            cipher=cipher,
            movers=movers,
            moved_on=moved_on,
        )
        filed_s = time.perf_counter() - started
        steps_s, steps = _work_off(platform, url, keys, count)
        moving_not_done = _not_done(platform, "moving-in")

        check_started = time.perf_counter()
        report = check_registers(platform.session_factory, clock, exchange=exchange, cipher=cipher)
        check_s = time.perf_counter() - check_started

        born_on = today(clock) - dt.timedelta(days=5)
        with platform.session_factory() as session:
            parents = pick_parents(session, count=births, born_on=born_on, seed=11)
        if len(parents) < births:
            raise SystemExit(f"only {len(parents)} parents in {residents} residents")
        started = time.perf_counter()
        file_births(
            platform.session_factory,
            clock,
            exchange=exchange,
            cipher=cipher,
            parents=parents,
            born_on=born_on,
        )
        births_filed_s = time.perf_counter() - started
        births_steps_s, _ = _work_off(platform, url, keys, count)
        births_not_done = _not_done(platform, "birth")
        engine.dispose()
        return {
            "reports": reports,
            "steps": steps - 0,
            "filed_s": filed_s,
            "steps_s": steps_s,
            "total_s": filed_s + steps_s,
            "cases_not_done": float(moving_not_done),
            "check_s": check_s,
            "persons_checked": report.persons_checked,
            "disagreements": report.total,
            "workers": count,
            "births": births,
            "births_filed_s": births_filed_s,
            "births_steps_s": births_steps_s,
            "births_not_done": float(births_not_done),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--births", type=int, default=1_000)
    parser.add_argument("--residents", type=int, default=60_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    machine = describe(POSTGRES_URL)
    print("machine:", ", ".join(f"{k} {v}" for k, v in machine.items()), flush=True)
    for backend in args.backends:
        result = run(
            backend,
            reports=args.reports,
            births=args.births,
            residents=args.residents,
            workers=args.workers,
        )
        print(
            f"{backend}: {result['reports']:,} moving-in reports, {result['steps']:,} steps "
            f"({result['workers']} worker process(es)): filed in {result['filed_s']:.1f} s "
            f"({result['reports'] / result['filed_s']:.0f}/s), steps in {result['steps_s']:.1f} s "
            f"({result['steps'] / result['steps_s']:.0f}/s), end to end {result['total_s']:.1f} s; "
            f"cases not done {result['cases_not_done']:.0f}; nara check over "
            f"{result['persons_checked']:,} persons in {result['check_s']:.1f} s, "
            f"{result['disagreements']} disagreements"
        )
        print(
            f"{backend}: {result['births']:,} birth reports with the Happy Birth bundle: filed in "
            f"{result['births_filed_s']:.1f} s, every step (registration, family, welfare "
            f"decisions) done {result['births_steps_s']:.1f} s later, "
            f"{result['births_filed_s'] + result['births_steps_s']:.1f} s in all; "
            f"cases not done {result['births_not_done']:.0f}"
        )


if __name__ == "__main__":
    main()
