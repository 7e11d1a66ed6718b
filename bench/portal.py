"""The portal under concurrent load: requests per second and latency of a running server.

`python -m bench.portal [--residents N] [--seconds S] [--concurrency C] [--backends ...]`

For each backend: build a small nation, open citizen accounts with signed-in sessions, then
start the platform as a real `nara serve` process (one uvicorn process, as `nara serve`
runs it) and drive it over HTTP from an asyncio load generator (httpx, keep-alive, `C`
requests in flight) in this process, for `S` seconds per scenario after a warm-up:

- `home`: `GET /`, the home page (counts of every register, rendered with Jinja2);
- `catalogue`: `GET /services?q=...`, the service catalogue searched with a random term;
- `submit`: one citizen application per iteration through the JSON API, as the portal's
  wizard does it: create a draft (pre-filled through the exchange from the resident
  register, a signed and logged read), fill in the form, submit it into the vehicle
  register's queue. The submit's own latency is reported, and whole applications per second.

The load generator shares the machine's two cores with the server, so the figures are a
floor for what one server process does on a machine of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import select

from bench.databases import BENCH_KEY, POSTGRES_URL, temporary_database
from bench.lookup import percentile
from bench.machine import describe
from nara.app import Platform, create_app
from nara.core.clock import SystemClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.identity import sessions
from nara.identity.models import Account
from nara.nation import build_nation

SEARCH_TERMS = (
    "가족관계",
    "주소변경",
    "vehicle",
    "사업자",
    "certificate",
    "초본",
    "land",
    "재발급",
)
SUBMITTED_SERVICE = "vehicle-address-change"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _settings(url: str, keys: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        pii_key=base64.b64encode(BENCH_KEY).decode(),
        exchange_keys_dir=keys,
    )


def prepare(url: str, keys: Path, residents: int, citizens: int) -> list[tuple[str, str]]:
    """Build the nation, sync the directory, open `citizens` accounts with a session each;
    their (session token, CSRF token) pairs."""
    settings = _settings(url, keys)
    engine = make_engine(url)
    cipher = PiiCipher(BENCH_KEY)
    platform = Platform(settings, engine, make_session_factory(engine), SystemClock(), cipher)
    build_nation(engine, cipher, residents=residents, seed=11)
    create_app(platform)  # registers the members and grants the single window its reads
    from nara.residents.models import Person

    signed_in: list[tuple[str, str]] = []
    with unit_of_work(platform.session_factory) as session:
        people = session.scalars(
            select(Person).where(Person.status == "alive").order_by(Person.id).limit(citizens)
        ).all()
        for person in people:
            account = Account(
                kind="citizen",
                person_id=person.id,
                rrn_index=None,
                login=None,
                agency=None,
                roles="",
                display_name=person.name_ko,
                password_hash=None,
                totp_secret=None,
                totp_confirmed_at=None,
                totp_last_step=None,
                failed_attempts=0,
                locked_until=None,
                demo=False,
                created_at=platform.clock.now(),
                disabled_at=None,
            )
            session.add(account)
            session.flush()
            _row, token = sessions.start(
                session,
                platform.clock,
                settings,
                account,
                method="password",
                client_address="127.0.0.1",
                user_agent="bench.portal",
            )
            signed_in.append((token, sessions.csrf_token(cipher, token)))
    engine.dispose()
    return signed_in


def start_server(url: str, keys: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = os.environ | {
        "NARA_DATABASE_URL": url,
        "NARA_PII_KEY": base64.b64encode(BENCH_KEY).decode(),
        "NARA_EXCHANGE_KEYS_DIR": str(keys),
        "NARA_ENVIRONMENT": "test",
        "NARA_LOG_LEVEL": "WARNING",
        "NARA_PORT": str(port),
    }
    process = subprocess.Popen(  # noqa: S603  (our own `nara` command)
        [str(Path(sys.executable).with_name("nara")), "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            if process.poll() is not None:
                failure = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(failure) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


Scenario = Callable[[httpx.AsyncClient, int], Awaitable[float]]
"""One iteration for worker `n`; returns the latency measured (seconds)."""


async def _timed(request: Awaitable[httpx.Response]) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = await request
    return time.perf_counter() - start, response


def home(_rng: random.Random) -> Scenario:
    async def one(client: httpx.AsyncClient, _n: int) -> float:
        latency, response = await _timed(client.get("/"))
        response.raise_for_status()
        return latency

    return one


def catalogue(rng: random.Random) -> Scenario:
    async def one(client: httpx.AsyncClient, _n: int) -> float:
        latency, response = await _timed(
            client.get("/services", params={"q": rng.choice(SEARCH_TERMS)})
        )
        response.raise_for_status()
        return latency

    return one


def submit(citizens: list[tuple[str, str]]) -> Callable[[random.Random], Scenario]:
    def make(_rng: random.Random) -> Scenario:
        async def one(client: httpx.AsyncClient, n: int) -> float:
            token, csrf = citizens[n % len(citizens)]
            headers = {"Cookie": f"nara_session={token}", "X-CSRF-Token": csrf}
            api = "/api/applications"
            draft = await client.post(
                f"{api}/drafts", json={"service_code": SUBMITTED_SERVICE}, headers=headers
            )
            draft.raise_for_status()
            number = draft.json()["id"]
            fields = {
                "phone": "010-2345-6789",
                "plate": f"{12 + n % 80}가{1000 + n % 9000:04d}",
                "new_address": "서울특별시 종로구 세종대로 209",
                "postcode": "03171",
            }
            filled = await client.patch(
                f"{api}/mine/{number}", json={"fields": fields}, headers=headers
            )
            filled.raise_for_status()
            latency, response = await _timed(
                client.post(f"{api}/mine/{number}/submit", headers=headers)
            )
            response.raise_for_status()
            return latency

        return one

    return make


async def _drive(
    base: str, make: Callable[[random.Random], Scenario], concurrency: int, seconds: float
) -> tuple[list[float], float]:
    """Run the scenario from `concurrency` workers; latencies and the elapsed time."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        latencies: list[float] = []

        async def worker(n: int, until: float, keep: bool) -> None:
            scenario = make(random.Random(n))
            i = 0
            while time.perf_counter() < until:
                latency = await scenario(client, n * 100_000 + i)
                i += 1
                if keep:
                    latencies.append(latency)

        warm = time.perf_counter() + min(2.0, seconds / 5)
        await asyncio.gather(*(worker(n, warm, False) for n in range(concurrency)))
        start = time.perf_counter()
        end = start + seconds
        await asyncio.gather(*(worker(n + concurrency, end, True) for n in range(concurrency)))
        return latencies, time.perf_counter() - start


def run(
    backend: str, residents: int, seconds: float, concurrency: int
) -> list[tuple[str, float, float, float]]:
    """(scenario, per second, p50 ms, p99 ms) for each scenario."""
    with temporary_database(backend) as url, tempfile.TemporaryDirectory() as folder:
        keys = Path(folder) / "keys"
        citizens = prepare(url, keys, residents, citizens=200)
        server, base = start_server(url, keys)
        results: list[tuple[str, float, float, float]] = []
        try:
            for name, make in (
                ("home `GET /`", home),
                ("catalogue `GET /services?q=`", catalogue),
                ("application (draft + fill + submit)", submit(citizens)),
            ):
                latencies, elapsed = asyncio.run(_drive(base, make, concurrency, seconds))
                results.append(
                    (
                        name,
                        len(latencies) / elapsed,
                        percentile(latencies, 50) * 1000,
                        percentile(latencies, 99) * 1000,
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=5_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"machine: {describe(POSTGRES_URL)}")
    print(f"one `nara serve` process; {args.concurrency} requests in flight; {args.seconds:.0f} s")
    print("| backend | scenario | per second | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for backend in args.backends.split(","):
        for name, rate, p50, p99 in run(backend, args.residents, args.seconds, args.concurrency):
            print(f"| {backend} | {name} | {rate:,.0f} | {p50:.1f} | {p99:.1f} |", flush=True)


if __name__ == "__main__":
    main()
