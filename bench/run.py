"""Foundation benchmarks: nation build (SQLite, PostgreSQL), raw load limits, RRN lookup, memory.

    .venv/bin/python -m bench [--residents N] [--backends sqlite,postgresql] [--json PATH]

Each build runs in a child process (so its peak RSS is its own) into a temporary database
that is removed afterwards; PostgreSQL databases are created from NARA_BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bench.databases import BENCH_KEY, POSTGRES_URL, temporary_database
from bench.lookup import core_latencies, orm_latencies, percentile, sample_rrns
from bench.machine import describe
from bench.raw import raw_postgres, raw_sqlite, raw_sqlite_staged
from nara.core.db import make_engine
from nara.core.pii import PiiCipher

ROOT = Path(__file__).resolve().parent.parent


def build_in_child(url: str, residents: int, seed: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.build_one", "--url", url,
               "--residents", str(residents), "--seed", str(seed)]  # fmt: skip
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)  # noqa: S603
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def settle(engine: Engine) -> None:
    """Let a freshly loaded PostgreSQL database settle before timing reads.

    After a bulk load autovacuum soon starts on the new tables and competes with the
    lookups; vacuuming the persons table first (as autovacuum would) keeps it out of the
    measurement.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE) residents_person")


def bench_backend(backend: str, residents: int, seed: int, lookups: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    with temporary_database(backend) as url:
        print(f"[{backend}] building {residents:,} residents ...", flush=True)
        result["build"] = build_in_child(url, residents, seed)
        print(f"[{backend}] build {result['build']['seconds']:.1f} s", flush=True)
        engine = make_engine(url)
        settle(engine)
        cipher = PiiCipher(BENCH_KEY)
        rrns = sample_rrns(engine, cipher, lookups)
        for path, measure in (("lookup", orm_latencies), ("lookup_core", core_latencies)):
            latencies = measure(engine, cipher, rrns)
            result[path] = {
                "count": len(latencies),
                "p50_us": percentile(latencies, 50) * 1e6,
                "p99_us": percentile(latencies, 99) * 1e6,
                "max_us": max(latencies) * 1e6,
            }
            print(f"[{backend}] {path} p50 {result[path]['p50_us']:.0f} µs "
                  f"p99 {result[path]['p99_us']:.0f} µs", flush=True)  # fmt: skip
        engine.dispose()
    with temporary_database(backend) as url:
        print(f"[{backend}] raw load of the same rows ...", flush=True)
        raw = raw_sqlite_staged if backend == "sqlite" else raw_postgres
        result["raw"] = raw(url, residents, seed)
        print(f"[{backend}] raw {result['raw']['rows_per_second']:,.0f} rows/s", flush=True)
    if backend == "sqlite":
        with temporary_database(backend) as url:
            print("[sqlite] raw executemany of the same rows ...", flush=True)
            result["raw_executemany"] = raw_sqlite(url, residents, seed)
            rate = result["raw_executemany"]["rows_per_second"]
            print(f"[sqlite] raw executemany {rate:,.0f} rows/s", flush=True)
    result["ratio"] = result["build"]["rows_per_second"] / result["raw"]["rows_per_second"]
    return result


def memory_at(backend: str, residents: int, seed: int) -> dict[str, Any]:
    with temporary_database(backend) as url:
        print(f"[{backend}] memory at {residents:,} residents ...", flush=True)
        return build_in_child(url, residents, seed)


def report(results: dict[str, Any]) -> str:
    lines = [f"machine: {results['machine']}", ""]
    lines.append("| backend | residents | rows | build s | rows/s | raw rows/s | build/raw "
                 "| lookup ORM p50/p99 µs | lookup Core p50/p99 µs "
                 "| peak RSS MiB (main + helpers) |")  # fmt: skip
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for backend, r in results["backends"].items():
        b, raw, look, core = r["build"], r["raw"], r["lookup"], r["lookup_core"]
        lines.append(
            f"| {backend} | {results['residents']:,} | {b['total_rows']:,} | {b['seconds']:.1f} "
            f"| {b['rows_per_second']:,.0f} | {raw['rows_per_second']:,.0f} | {r['ratio']:.2f} "
            f"| {look['p50_us']:.0f} / {look['p99_us']:.0f} "
            f"| {core['p50_us']:.0f} / {core['p99_us']:.0f} "
            f"| {b['peak_rss_mib']:.0f} + {b['helpers_peak_rss_mib']:.0f} |"
        )
    for backend, r in results["backends"].items():
        if "raw_executemany" in r:
            rate = r["raw_executemany"]["rows_per_second"]
            lines.append(
                f"{backend}: single-process executemany of the same rows {rate:,.0f} rows/s"
            )
    for backend, sizes in results.get("memory", {}).items():
        for residents, m in sizes.items():
            lines.append(
                f"memory {backend} {int(residents):,} residents: build {m['seconds']:.1f} s, "
                f"peak RSS {m['peak_rss_mib']:.0f} MiB (+ helpers {m['helpers_peak_rss_mib']:.0f})"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--memory-sizes", default="200000",
                        help="extra build sizes (comma-separated) to compare peak RSS")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    results: dict[str, Any] = {
        "machine": describe(POSTGRES_URL),
        "residents": args.residents,
        "backends": {},
        "memory": {},
    }
    for backend in backends:
        results["backends"][backend] = bench_backend(
            backend, args.residents, args.seed, args.lookups
        )
        sizes = [int(s) for s in args.memory_sizes.split(",") if s]
        results["memory"][backend] = {str(n): memory_at(backend, n, args.seed) for n in sizes}
    results["machine"]["load_average_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
