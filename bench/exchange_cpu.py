"""What one exchange lookup costs in CPU time, in process and between two nodes.

`python -m bench.exchange_cpu [--residents N] [--calls N] [--backends sqlite,postgresql]`

Wall-clock rates on a shared virtual machine move by a third from one minute to the next (other
guests take the CPU); CPU time spent by our own processes does not. This benchmark counts it:

- **in process**: the CPU time of the calling process per `Exchange.call` (SQLite's work is in
  that process; PostgreSQL's server processes are not counted);
- **two nodes**: the client process's CPU time per call plus the provider node's
  (`nara serve --node`, read from /proc before and after), each node on its own database.

Written against both the typed contracts and the keyword calls of earlier versions, so that
`bench.before_after` can run it on an earlier commit too.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import exchange as local
from bench import exchange_nodes as nodes
from bench.databases import BENCH_KEY, POSTGRES_URL, temporary_database
from bench.machine import describe
from nara.core.db import unit_of_work
from nara.exchange import CallContext

TYPED = hasattr(local, "PERSON_SUMMARIES")


def _caller(exchange: Any) -> Callable[[CallContext, int], Any]:
    if TYPED:
        contract, request = local.PERSON_SUMMARIES, local.PersonSummariesRequest
        return lambda ctx, person: exchange.call(contract, ctx, request(person_ids=(person,)))
    return lambda ctx, person: exchange.call(local.SERVICE, ctx, person_ids=[person])


def _cpu_of(pid: int) -> float:
    """User and system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _calls(platform: Any, exchange: Any, ids: list[int], count: int) -> float:
    """CPU seconds of this process per call, over `count` calls after a warm-up."""
    call = _caller(exchange)
    cipher = platform.cipher
    rng = random.Random(5)

    def one() -> None:
        with unit_of_work(platform.session_factory) as session:
            ctx = CallContext(
                session,
                platform.clock,
                cipher,
                client="welfare",
                purpose=local.PURPOSE,
                user_id="bench",
            )
            assert call(ctx, rng.choice(ids))

    for _ in range(300):
        one()
    started = time.process_time()
    for _ in range(count):
        one()
    return (time.process_time() - started) / count


def run(backend: str, residents: int, calls: int) -> dict[str, float]:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    with (
        temporary_database(backend) as url,
        temporary_database(backend) as client_url,
        tempfile.TemporaryDirectory() as folder,
    ):
        keys = Path(folder) / "keys"
        ids = local.prepare(url, keys, residents, 500)
        platform = local._platform(url, keys)
        in_process = _calls(platform, local.create_app(platform).state.exchange, ids, calls)
        platform.engine.dispose()
        provider, node_port = nodes.start_provider(url, keys)
        try:
            client = _client_platform(client_url, keys, node_port)
            exchange = local.create_app(client).state.exchange
            _calls(client, exchange, ids, 50)  # connections up, caches warm
            before = _cpu_of(provider.pid)
            client_cpu = _calls(client, exchange, ids, calls)
            provider_cpu = (_cpu_of(provider.pid) - before) / (calls + 300)
            client.engine.dispose()
        finally:
            provider.kill()  # its kept-alive connection from this process would hold it
            provider.wait(timeout=30)
        return {
            "in_process_ms": in_process * 1000,
            "client_ms": client_cpu * 1000,
            "provider_ms": provider_cpu * 1000,
        }


def _client_platform(url: str, keys: Path, node_port: int) -> Any:
    import base64

    from nara.app import Platform
    from nara.core.clock import SystemClock
    from nara.core.db import make_engine, make_session_factory
    from nara.core.pii import PiiCipher
    from nara.core.settings import Settings

    settings = Settings(
        environment="test",
        database_url=url,
        pii_key=base64.b64encode(BENCH_KEY).decode(),
        exchange_keys_dir=keys,
        exchange_node_agencies=["welfare", "land"],
        exchange_peers={"residents": f"https://127.0.0.1:{node_port}"},
    )
    engine = make_engine(url)
    return Platform(
        settings, engine, make_session_factory(engine), SystemClock(), PiiCipher(BENCH_KEY)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=3_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=0.0, help="ignored (bench.before_after)")
    args = parser.parse_args()
    print(f"machine: {describe(POSTGRES_URL)}")
    print("| backend | in process: CPU ms per call | two nodes: client CPU ms | provider CPU ms |")
    print("|---|---|---|---|")
    for backend in args.backends.split(","):
        r = run(backend, args.residents, args.calls)
        print(
            f"| {backend} | {r['in_process_ms']:.2f} | {r['client_ms']:.2f} | "
            f"{r['provider_ms']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
