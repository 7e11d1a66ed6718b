"""Build one nation into an existing database and print the report as JSON (a child process).

Run as a separate process so that its peak RSS is the build's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

from bench.databases import BENCH_KEY
from nara.core.db import make_engine
from nara.core.pii import PiiCipher
from nara.nation import build_nation


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--residents", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engine = make_engine(args.url)
    cpu = time.process_time()
    report = build_nation(engine, PiiCipher(BENCH_KEY), residents=args.residents, seed=args.seed)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    engine.dispose()
    print(
        json.dumps(
            {
                "seconds": report.seconds,
                "rows": report.rows,
                "total_rows": report.total_rows,
                "rows_per_second": report.rows_per_second,
                "generate_seconds": report.generate_seconds,
                "load_seconds": report.load_seconds,
                "index_seconds": report.index_seconds,
                "peak_rss_mib": report.peak_rss_mib,
                "helpers_peak_rss_mib": report.helpers_peak_rss_mib,
                "cpu_seconds": time.process_time() - cpu + children.ru_utime + children.ru_stime,
            }
        )
    )


if __name__ == "__main__":
    main()
