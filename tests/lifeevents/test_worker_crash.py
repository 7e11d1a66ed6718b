"""1,000 moving-in reports, the worker killed (SIGKILL, a real process) halfway and restarted
(on PostgreSQL as two workers side by side): every case completes, no register change is lost
or made twice, and `nara check` finds the registers in agreement."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from nara.app import Platform, connected_exchange, load_models, sync_directory
from nara.core.clock import SystemClock, today
from nara.core.db import make_engine, make_session_factory
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.lifeevents.models import Case, Step
from nara.migrations import upgrade
from nara.nation import build_nation
from nara.nation.movers import NEW_ROAD, Mover, file_reports, pick_movers
from tests.conftest import BACKENDS, TEST_PII_KEY, _postgres_database

ROOT = Path(__file__).parent.parent.parent
CASES = 1_000
RESIDENTS = 6_000
SEED = 20_261_129


@pytest.fixture(params=BACKENDS)
def drill_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own (the worker commits for real)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'drill.db'}"
        upgrade(url)
        yield url
        return
    url, drop = _postgres_database(os.environ.get("PYTEST_XDIST_WORKER", "main") + "_drill")
    try:
        upgrade(url)
        yield url
    finally:
        drop()


def _environment(url: str, keys: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NARA_DATABASE_URL": url,
        "NARA_PII_KEY": TEST_PII_KEY,
        "NARA_ENVIRONMENT": "test",
        "NARA_EXCHANGE_KEYS_DIR": str(keys),
        "NARA_LOG_LEVEL": "WARNING",
        "NARA_WORKER_BATCH": "25",
        "NARA_WORKER_POLL_SECONDS": "0.05",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }


def _nara(url: str, keys: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
        [sys.executable, "-c", "from nara.cli import main; main()", *args],
        env=_environment(url, keys),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _step_states(engine: Engine) -> dict[str, int]:
    """The steps by state, read without taking SQLite's write lock from the worker."""
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(f"file:{engine.url.database}?mode=ro", uri=True, timeout=30) as db:
            rows = db.execute("SELECT state, count(*) FROM lifeevents_step GROUP BY state")
            return {state: int(count) for state, count in rows}
    with engine.connect() as connection:
        found = connection.execute(select(Step.state, func.count()).group_by(Step.state)).all()
    return {state: int(count) for state, count in found}


def _prepare(url: str, keys: Path, cipher: PiiCipher) -> tuple[list[Mover], dt.date]:
    load_models()
    engine = make_engine(url)
    build_nation(engine, cipher, residents=RESIDENTS, seed=SEED)
    settings = Settings(
        environment="test", database_url=url, pii_key=TEST_PII_KEY, exchange_keys_dir=keys
    )
    clock = SystemClock()
    platform = Platform(settings, engine, make_session_factory(engine), clock, cipher)
    exchange = connected_exchange(platform)
    sync_directory(platform, exchange)
    moved_on = today(clock) - dt.timedelta(days=2)
    with platform.session_factory() as session:
        movers = pick_movers(session, count=CASES, moved_on=moved_on, seed=SEED)
    assert len(movers) == CASES
    file_reports(
        platform.session_factory,
        clock,
        exchange=exchange,
        cipher=cipher,
        movers=movers,
        moved_on=moved_on,
    )
    engine.dispose()
    return movers, moved_on


def _wait(engine: Engine, done: int, seconds: float) -> dict[str, int]:
    deadline = time.monotonic() + seconds
    states = _step_states(engine)
    while time.monotonic() < deadline:
        states = _step_states(engine)
        if states.get("done", 0) >= done:
            return states
        time.sleep(0.05)
    return states


@pytest.mark.slow
def test_a_worker_killed_mid_way_completes_every_case_exactly_once(
    drill_database: str, tmp_path: Path, cipher: PiiCipher
) -> None:
    keys = tmp_path / "keys"
    movers, moved_on = _prepare(drill_database, keys, cipher)
    engine = make_engine(drill_database)
    try:
        total = sum(_step_states(engine).values())
        first = _nara(drill_database, keys, "worker")
        try:
            at_kill = _wait(engine, total // 3, 300)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        assert 0 < at_kill.get("done", 0) < total, at_kill

        # On PostgreSQL two workers finish the rest side by side, claiming with SKIP LOCKED.
        count = 2 if engine.dialect.name == "postgresql" else 1
        restarted = [_nara(drill_database, keys, "worker") for _ in range(count)]
        try:
            final = _wait(engine, total, 600)
        finally:
            for worker in restarted:
                worker.send_signal(signal.SIGTERM)
            for worker in restarted:
                worker.wait(60)
        assert final == {"done": total}, final
        assert [worker.returncode for worker in restarted] == [0] * count

        _assert_each_change_once(engine, movers, moved_on)
        checked = _nara(drill_database, keys, "check", "--json")
        out, err = checked.communicate(timeout=300)
        assert checked.returncode == 0, (out.decode(), err.decode()[-2000:])
        report = json.loads(out)
        assert report["disagreements"] == 0, report
        assert report["persons_checked"] > CASES
    finally:
        engine.dispose()


def _assert_each_change_once(engine: Engine, movers: list[Mover], moved_on: dt.date) -> None:
    ids = [mover.person_id for mover in movers]
    plates = sum(len(mover.plates) for mover in movers)
    with engine.connect() as connection:
        states = connection.execute(select(Case.state, func.count()).group_by(Case.state))
        assert {state: int(count) for state, count in states} == {"done": CASES}
        moves = connection.execute(
            text(
                "SELECT r.person_id, count(*) FROM residents_residence r "
                "JOIN residents_address a ON a.id = r.address_id "
                "WHERE r.moved_in = :on AND a.road_name = :road GROUP BY r.person_id"
            ),
            {"on": moved_on, "road": NEW_ROAD},
        ).all()
        assert sorted(moves) == [(person_id, 1) for person_id in sorted(ids)]
        logged = connection.execute(
            text("SELECT count(*) FROM residents_change WHERE action = 'moved'")
        ).scalar_one()
        assert logged == CASES
        vehicles = connection.execute(
            text("SELECT count(*) FROM vehicles_change WHERE action = 'address_changed'")
        ).scalar_one()
        assert vehicles == plates
        applied = connection.execute(text("SELECT count(*) FROM core_applied_step")).scalar_one()
        steps = connection.execute(select(func.count()).select_from(Step)).scalar_one()
        assert applied == steps
