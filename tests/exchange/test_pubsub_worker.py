"""`nara worker` as a real process: killed with SIGKILL mid-delivery, restarted, every event
is consumed exactly once; SIGTERM ends it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from nara.app import load_models
from nara.core.clock import SystemClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.outbox import emit
from nara.exchange.pubsub import subscribe
from nara.exchange.pubsub.models import PubsubDelivery
from nara.exchange.trust.identifiers import SubsystemId
from nara.migrations import upgrade
from tests.conftest import BACKENDS, TEST_PII_KEY, _postgres_database
from tests.exchange.pubsub_consumer import TABLE_SQL

ROOT = Path(__file__).parent.parent.parent
KEYS = tempfile.mkdtemp(prefix="nara-worker-keys-")
"""The worker's own exchange keystore (it signs the steps of one-stop cases)."""
EVENTS = 300
HANG_AT = 120


@pytest.fixture(params=BACKENDS)
def worker_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own (the worker commits for real)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'worker.db'}"
        upgrade(url)
        yield url
        return
    url, drop = _postgres_database(os.environ.get("PYTEST_XDIST_WORKER", "main") + "_worker")
    try:
        upgrade(url)
        yield url
    finally:
        drop()


def _prepare(url: str, events: int) -> None:
    load_models()
    engine = make_engine(url)
    clock = SystemClock()
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            session.execute(text(TABLE_SQL))
            subscribe(
                session,
                clock=clock,
                actor="test",
                subscriber=SubsystemId.parse("KR/GOV/NTS/business"),
                event_type="resident.moved",
                mode="push",
                consumer="test.recorder",
                event_types={"resident.moved": "A person moved."},
            )
            for number in range(events):
                emit(
                    session,
                    clock,
                    event_type="resident.moved",
                    subject_type="person",
                    subject_id=number,
                    payload={"person_id": number},
                )
    finally:
        engine.dispose()


def _worker(url: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "NARA_DATABASE_URL": url,
        "NARA_PII_KEY": TEST_PII_KEY,
        "NARA_ENVIRONMENT": "test",
        "NARA_EXCHANGE_KEYS_DIR": KEYS,
        "NARA_LOG_LEVEL": "INFO",
        "NARA_WORKER_PLUGINS": "tests.exchange.pubsub_consumer",
        "NARA_WORKER_BATCH": "50",
        "NARA_WORKER_POLL_SECONDS": "0.05",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        **env,
    }
    return subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
        [sys.executable, "-c", "from nara.cli import main; main()", "worker", *args],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _consumed(url: str) -> tuple[int, int, int]:
    """(rows, distinct events, distinct worker pids) of the consumer's table."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT count(*), count(DISTINCT event_id), count(DISTINCT pid) "
                    "FROM test_pubsub_consumed"
                )
            ).one()
            return int(row[0]), int(row[1]), int(row[2])
    finally:
        engine.dispose()


def _states(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(PubsubDelivery.state, func.count()).group_by(PubsubDelivery.state)
            ).all()
            return {state: int(count) for state, count in rows}
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_and_repeats_nothing(
    worker_database: str, tmp_path: Path
) -> None:
    _prepare(worker_database, EVENTS)
    hang_file = tmp_path / "hanging"
    first = _worker(
        worker_database, NARA_TEST_HANG_AT=str(HANG_AT), NARA_TEST_HANG_FILE=str(hang_file)
    )
    try:
        deadline = time.monotonic() + 60
        while not hang_file.exists():
            assert first.poll() is None, first.communicate()[1].decode()[-3000:]
            assert time.monotonic() < deadline, "the worker never reached the hang point"
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL

    # The consumer's insert of the event in flight died with its transaction and its ack.
    assert _consumed(worker_database) == (HANG_AT - 1, HANG_AT - 1, 1)
    assert _states(worker_database)["acked"] == HANG_AT - 1

    second = _worker(worker_database, "--once")
    _, stderr = second.communicate(timeout=120)
    assert second.returncode == 0, stderr.decode()[-3000:]

    assert _consumed(worker_database) == (EVENTS, EVENTS, 2)
    assert _states(worker_database) == {"acked": EVENTS}


def test_sigterm_finishes_the_pass_and_exits_0(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'term.db'}"
    upgrade(url)
    _prepare(url, 5)
    worker = _worker(url)
    try:
        deadline = time.monotonic() + 60
        while _states(url).get("acked", 0) < 5:
            assert worker.poll() is None, worker.communicate()[1].decode()[-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, stderr.decode()[-3000:]
    assert b"worker_stopped" in stderr
    assert _consumed(url) == (5, 5, 1)
