"""Two exchange nodes over HTTPS with mutual TLS on loopback: lookups per second and latency.

`python -m bench.exchange_nodes [--residents N] [--seconds S] [--backends sqlite,postgresql]`

For each backend: build a nation and consents as `bench.exchange` does, then start the
provider node as a real `nara serve --node` process serving `residents` only (its mutual-TLS
listener on a free port), and time from client processes serving `welfare` the same
consent-checked lookup, each call a request signed by the client, sent over a kept-alive
HTTPS connection with the client node's certificate, checked and answered by the provider
node in its own transaction, and verified on return; each side logs the call in its own
database, as nodes deployed apart do (docs/exchange-nodes.md). The added latency per hop is
the HTTPS call's p50/p99 minus the same call in process (`bench.exchange`'s `exchange` path),
measured on the provider's database in the same run.

Both nodes share one keystore directory here (one machine); across machines each node keeps
its own keys, with certificates exchanged through the published configuration.
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.databases import BENCH_KEY, POSTGRES_URL, temporary_database
from bench.exchange import PURPOSE, _lookups, prepare
from bench.lookup import percentile
from bench.machine import describe
from nara.app import Platform, create_app
from nara.core.clock import SystemClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.exchange import CallContext
from nara.exchange.contracts.residents import PERSON_SUMMARIES, PersonSummariesRequest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(url: str, keys: Path) -> dict[str, str]:
    return {
        "NARA_DATABASE_URL": url,
        "NARA_PII_KEY": base64.b64encode(BENCH_KEY).decode(),
        "NARA_EXCHANGE_KEYS_DIR": str(keys),
        "NARA_ENVIRONMENT": "test",
        "NARA_LOG_LEVEL": "WARNING",
    }


def start_provider(url: str, keys: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`nara serve --node` serving residents; returns the process and its node port."""
    node_port, http_port = _free_port(), _free_port()
    env = (
        os.environ
        | _env(url, keys)
        | {
            "NARA_EXCHANGE_NODE_AGENCIES": '["residents"]',
            "NARA_EXCHANGE_NODE_PORT": str(node_port),
            "NARA_PORT": str(http_port),
        }
    )
    process = subprocess.Popen(  # noqa: S603  (our own `nara` command)
        [str(Path(sys.executable).with_name("nara")), "serve", "--node", "--node-name", "provider"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{http_port}/", timeout=1)
            with socket.create_connection(("127.0.0.1", node_port), timeout=1):
                return process, node_port
        except (OSError, httpx.HTTPError):
            if process.poll() is not None:
                failure = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(failure) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the provider node did not start")


def _client_lookups(
    url: str, keys: str, node_port: int, ids: list[int], seconds: float
) -> list[float]:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings(
        environment="test",
        database_url=url,
        pii_key=base64.b64encode(BENCH_KEY).decode(),
        exchange_keys_dir=Path(keys),
        exchange_node_agencies=["welfare", "land"],
        exchange_peers={"residents": f"https://127.0.0.1:{node_port}"},
    )
    engine = make_engine(url)
    platform = Platform(
        settings, engine, make_session_factory(engine), SystemClock(), PiiCipher(BENCH_KEY)
    )
    exchange = create_app(platform).state.exchange
    assert platform.cipher is not None
    cipher = platform.cipher
    import random

    rng = random.Random()

    def one(person_id: int) -> Any:
        with unit_of_work(platform.session_factory) as session:
            ctx = CallContext(
                session, platform.clock, cipher, client="welfare", purpose=PURPOSE, user_id="bench"
            )
            request = PersonSummariesRequest(person_ids=(person_id,))
            return exchange.call(PERSON_SUMMARIES, ctx, request)

    for person_id in ids[:200]:
        one(person_id)
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        assert one(rng.choice(ids))
        latencies.append(time.perf_counter() - start)
    engine.dispose()
    return latencies


def _client(args: tuple[str, str, int, list[int], float]) -> list[float]:
    return _client_lookups(*args)


def run(backend: str, residents: int, consented: int, seconds: float) -> dict[str, float]:
    with (
        temporary_database(backend) as url,
        temporary_database(backend) as client_url,
        tempfile.TemporaryDirectory() as folder,
    ):
        keys = Path(folder) / "keys"
        ids = prepare(url, keys, residents, consented)
        local = _lookups(url, keys, ids, "exchange", seconds)
        provider, node_port = start_provider(url, keys)
        result = {
            "local_p50_ms": percentile(local, 50) * 1000,
            "local_p99_ms": percentile(local, 99) * 1000,
        }
        try:
            context = multiprocessing.get_context("fork")
            for clients in (1, 2, 4):
                with context.Pool(clients) as pool:
                    runs = pool.map(
                        _client, [(client_url, str(keys), node_port, ids, seconds)] * clients
                    )
                latencies = [value for batch in runs for value in batch]
                result[f"{clients}c_rate"] = len(latencies) / seconds
                result[f"{clients}c_p50_ms"] = percentile(latencies, 50) * 1000
                result[f"{clients}c_p99_ms"] = percentile(latencies, 99) * 1000
        finally:
            provider.terminate()
            provider.wait(timeout=30)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--consented", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"machine: {describe(POSTGRES_URL)}")
    print(
        "| backend | client processes | lookups/s | p50 ms | p99 ms | added p50 ms | added p99 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for backend in args.backends.split(","):
        r = run(backend, args.residents, args.consented, args.seconds)
        print(
            f"| {backend} | in process (1) | | {r['local_p50_ms']:.2f} | {r['local_p99_ms']:.2f} "
            "| | |"
        )
        for clients in (1, 2, 4):
            p50, p99 = r[f"{clients}c_p50_ms"], r[f"{clients}c_p99_ms"]
            print(
                f"| {backend} | {clients} | {r[f'{clients}c_rate']:,.0f} | {p50:.2f} | {p99:.2f} "
                f"| {p50 - r['local_p50_ms']:.2f} | {p99 - r['local_p99_ms']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
