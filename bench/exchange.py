"""Exchange lookups in process: consent-checked, signed both ways, logged — against the floor.

`python -m bench.exchange [--residents N] [--lookups N] [--backends sqlite,postgresql]`

For each backend: build a nation of N residents, give consent to the data agreement
`residents/person-summaries` × `identity-confirmation` for a sample of persons, grant the
client (`welfare`) the service, then time single-person lookups, each in its own transaction
(as a request would run it):

- **floor**: the provider's handler called directly (`person_summaries`), no exchange;
- **exchange**: `Exchange.call` — request signed by the client member, freshness, signature,
  replay, access right and consent checked by the gateway, the purpose's view, response
  signed by the provider and verified by the client, message-log entry and usage row.

Throughput is measured with 1, 2 and 4 processes (the machine has 2 cores) each running
lookups for the same wall time; latency percentiles come from the 1-process run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from tests.support import grant

from bench.databases import BENCH_KEY, POSTGRES_URL, temporary_database
from bench.lookup import percentile
from bench.machine import describe
from nara.app import Platform, create_app
from nara.core.clock import SystemClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.exchange import CallContext
from nara.exchange.consent.service import agreement_uid, give_consent, platform_signer
from nara.exchange.contracts.residents import PERSON_SUMMARIES, PersonSummariesRequest
from nara.exchange.services import Exchange
from nara.nation import build_nation
from nara.residents.exchange import person_summaries

SERVICE = "residents/person-summaries"
PURPOSE = "identity-confirmation"


def _platform(url: str, keys: Path) -> Platform:
    settings = Settings(
        environment="test",
        database_url=url,
        pii_key=__import__("base64").b64encode(BENCH_KEY).decode(),
        exchange_keys_dir=keys,
    )
    engine = make_engine(url)
    return Platform(
        settings, engine, make_session_factory(engine), SystemClock(), PiiCipher(BENCH_KEY)
    )


def prepare(url: str, keys: Path, residents: int, consented: int) -> list[int]:
    """Build the nation, grant the client, give consents; the consenting persons' ids."""
    platform = _platform(url, keys)
    assert platform.cipher is not None
    build_nation(platform.engine, platform.cipher, residents=residents, seed=7)
    app = create_app(platform)
    exchange: Exchange = app.state.exchange
    sign = platform_signer(exchange.require_keystore())
    ids = random.Random(3).sample(range(1, residents + 1), consented)
    with unit_of_work(platform.session_factory) as session:
        grant(session, platform.clock, "welfare", SERVICE)
        for person_id in ids:
            give_consent(
                session,
                clock=platform.clock,
                sign=sign,
                actor="bench",
                agreement_id=agreement_uid(SERVICE, PURPOSE),
                person_id=person_id,
            )
    platform.engine.dispose()
    return ids


def _lookups(url: str, keys: Path, ids: list[int], kind: str, seconds: float) -> list[float]:
    """Run lookups of `kind` for about `seconds`; their latencies."""
    platform = _platform(url, keys)
    app = create_app(platform)
    exchange: Exchange = app.state.exchange
    assert platform.cipher is not None
    cipher = platform.cipher

    def one(session: Session, person_id: int) -> Any:
        ctx = CallContext(
            session, platform.clock, cipher, client="welfare", purpose=PURPOSE, user_id="bench"
        )
        if kind == "floor":
            return person_summaries(ctx, PersonSummariesRequest(person_ids=(person_id,)))
        return exchange.call(PERSON_SUMMARIES, ctx, PersonSummariesRequest(person_ids=(person_id,)))

    rng = random.Random()
    for person_id in ids[:300]:  # warm-up: caches, prepared statements
        with unit_of_work(platform.session_factory) as session:
            one(session, person_id)
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        person_id = rng.choice(ids)
        start = time.perf_counter()
        with unit_of_work(platform.session_factory) as session:
            answer = one(session, person_id)
        latencies.append(time.perf_counter() - start)
        assert answer
    platform.engine.dispose()
    return latencies


def _worker(args: tuple[str, str, list[int], str, float]) -> int:
    url, keys, ids, kind, seconds = args
    return len(_lookups(url, Path(keys), ids, kind, seconds))


def throughput(
    url: str, keys: Path, ids: list[int], kind: str, *, seconds: float, procs: int
) -> float:
    context = multiprocessing.get_context("fork")
    with context.Pool(procs) as pool:
        counts = pool.map(_worker, [(url, str(keys), ids, kind, seconds)] * procs)
    return sum(counts) / seconds


def run(backend: str, residents: int, consented: int, seconds: float) -> dict[str, float]:
    with temporary_database(backend) as url, tempfile.TemporaryDirectory() as folder:
        keys = Path(folder) / "keys"
        ids = prepare(url, keys, residents, consented)
        result: dict[str, float] = {}
        for kind in ("floor", "exchange"):
            latencies = _lookups(url, keys, ids, kind, seconds)
            result[f"{kind}_p50_ms"] = percentile(latencies, 50) * 1000
            result[f"{kind}_p99_ms"] = percentile(latencies, 99) * 1000
            result[f"{kind}_1p"] = len(latencies) / sum(latencies)
            for procs in (2, 4):
                result[f"{kind}_{procs}p"] = throughput(
                    url, keys, ids, kind, seconds=seconds, procs=procs
                )
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--consented", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"machine: {describe(POSTGRES_URL)}")
    print("| backend | path | p50 ms | p99 ms | lookups/s: 1 process | 2 processes | 4 processes |")
    print("|---|---|---|---|---|---|---|")
    for backend in args.backends.split(","):
        r = run(backend, args.residents, args.consented, args.seconds)
        for kind in ("floor", "exchange"):
            print(
                f"| {backend} | {kind} | {r[f'{kind}_p50_ms']:.2f} | {r[f'{kind}_p99_ms']:.2f} | "
                f"{r[f'{kind}_1p']:,.0f} | {r[f'{kind}_2p']:,.0f} | {r[f'{kind}_4p']:,.0f} |",
                flush=True,
            )
        print(
            f"| {backend} | ratio | {r['exchange_p50_ms'] / r['floor_p50_ms']:.2f}× | | "
            f"{r['floor_1p'] / r['exchange_1p']:.2f}× | {r['floor_2p'] / r['exchange_2p']:.2f}× | "
            f"{r['floor_4p'] / r['exchange_4p']:.2f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
