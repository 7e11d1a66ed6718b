"""`nara exchange verify-log` and evidence as an auditor uses them: a sound log passes; an
administrator who alters an entry and re-chains every entry after it fails it; an exported
range is re-checked by `scripts/verify_evidence.py`, which imports nothing from Nara."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nara.app import Platform, create_app
from nara.cli import app as cli
from nara.core.clock import FixedClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.pii import PiiCipher
from nara.core.settings import Settings, get_settings
from nara.exchange import CallContext
from nara.exchange.messagelog import (
    EXTENDED_FIELDS,
    HASHED_FIELDS,
    MessageLogRow,
    chain_pending,
    entry_hash,
    verify,
)
from nara.exchange.timestamps import stamp_pending
from nara.exchange.timestamps.authority import LocalAuthority
from nara.migrations import upgrade
from tests.conftest import TEST_PII_KEY
from tests.factories import make_person
from tests.support import call_json

CHECKER = Path(__file__).parents[2] / "scripts" / "verify_evidence.py"
runner = CliRunner()


@dataclass
class Install:
    engine: Engine
    env: dict[str, str]
    folder: Path


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    """A file database with a few stamped exchange calls, and the CLI pointed at it."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    keys = tmp_path / "keys"
    env = {
        "NARA_DATABASE_URL": url,
        "NARA_PII_KEY": TEST_PII_KEY,
        "NARA_EXCHANGE_KEYS_DIR": str(keys),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    upgrade(url)
    engine = make_engine(url)
    clock = FixedClock(dt.datetime.now(dt.UTC))
    cipher = PiiCipher(base64.b64decode(TEST_PII_KEY))
    settings = Settings(
        environment="test", database_url=url, pii_key=TEST_PII_KEY, exchange_keys_dir=keys
    )
    platform = Platform(settings, engine, make_session_factory(engine), clock, cipher)
    app = create_app(platform)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        people = [make_person(session, cipher).id for _ in range(3)]
    for person in people:
        with unit_of_work(factory) as session:
            ctx = CallContext(
                session,
                clock,
                cipher,
                client="land",
                purpose="register-check",
                user_id=f"official:{person}",
            )
            call_json(app.state.exchange, SUMMARIES, ctx, person_ids=[person])
    with unit_of_work(factory) as session:
        chain_pending(session)
        stamp_pending(session, clock, LocalAuthority(platform.ensure_keystore(), clock))
    yield Install(engine, env, tmp_path)
    engine.dispose()
    get_settings.cache_clear()


SUMMARIES = "residents/person-summaries"


def _rechain_after_altering(engine: Engine, seq: int, **changes: Any) -> None:
    """What an administrator with the database and the source can do: drop the triggers,
    alter an entry, and recompute the hash of it and of every entry after it."""
    log = MessageLogRow.__table__
    columns = [log.c[name] for name in (*HASHED_FIELDS, *EXTENDED_FIELDS)]
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER exchange_message_log_no_update"))
        connection.execute(log.update().where(log.c.seq == seq).values(**changes))
        rows = connection.execute(
            select(*columns, log.c.prev_hash).where(log.c.seq >= seq).order_by(log.c.seq)
        ).all()
        prev = rows[0].prev_hash
        for row in rows:
            values = list(row[: len(columns)])
            at = HASHED_FIELDS.index("logged_at")
            values[at] = values[at].astimezone(dt.UTC).isoformat(timespec="microseconds")
            digest = entry_hash(prev, values)
            connection.execute(
                log.update().where(log.c.seq == row.seq).values(prev_hash=prev, entry_hash=digest)
            )
            prev = digest
    with Session(engine) as session:
        assert verify(session).ok  # the chain itself is sound again


def test_a_sound_log_passes(install: Install) -> None:
    result = runner.invoke(cli, ["exchange", "verify-log"])

    assert result.exit_code == 0, result.output
    summary = " ".join(result.output.split())
    assert "OK 3 entries" in summary
    assert "1 time-stamps through entry 3" in summary
    assert "3 entries' signatures checked" in summary


def test_an_entry_altered_and_rechained_by_an_administrator_fails(install: Install) -> None:
    _rechain_after_altering(install.engine, 2, user_id="official:nobody")
    with Session(install.engine) as session:
        assert (
            session.execute(
                text("SELECT user_id FROM exchange_message_log WHERE seq = 2")
            ).scalar_one()
            == "official:nobody"
        )

    result = runner.invoke(cli, ["exchange", "verify-log"])

    assert result.exit_code == 1, result.output
    output = " ".join(result.output.split())
    assert "timestamp" in output  # the stamp covers the old head
    assert "signature at seq 2" in output  # the client's signature covered the old user id


def _drop_triggers(engine: Engine) -> None:
    with engine.begin() as connection:
        names = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        ).scalars()
        for name in list(names):
            connection.execute(text(f"DROP TRIGGER {name}"))


def test_the_last_entries_removed_with_their_stamp_fail(install: Install) -> None:
    _drop_triggers(install.engine)
    with install.engine.begin() as connection:
        connection.execute(text("DELETE FROM exchange_log_timestamp"))
        connection.execute(text("DELETE FROM exchange_message_log"))

    result = runner.invoke(cli, ["exchange", "verify-log"])

    assert result.exit_code == 1, result.output
    assert "3 usage rows name message-log entries that are not in the log" in " ".join(
        result.output.split()
    )


def test_entries_left_unchained_too_long_fail(install: Install) -> None:
    _drop_triggers(install.engine)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with install.engine.begin() as connection:
        connection.execute(
            MessageLogRow.__table__.update()
            .where(MessageLogRow.__table__.c.seq == 3)
            .values(seq=None, prev_hash=None, entry_hash=None, logged_at=long_ago)
        )

    result = runner.invoke(cli, ["exchange", "verify-log"])

    assert result.exit_code == 1, result.output
    assert "still not chained" in " ".join(result.output.split())


def _export(install: Install, first: int, last: int) -> Path:
    out = install.folder / "bundle.json"
    result = runner.invoke(
        cli, ["exchange", "evidence", "--from", str(first), "--to", str(last), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def _check(bundle: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own script, on our own file)
        [sys.executable, "-I", str(CHECKER), str(bundle), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=bundle.parent,
    )


def test_the_offline_checker_passes_an_untouched_export(install: Install) -> None:
    bundle = _export(install, 1, 3)
    fingerprint = json.loads(bundle.read_text())["ca_fingerprint"]

    checked = _check(bundle, "--ca-fingerprint", fingerprint)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 entries' signatures verified, 1 time-stamps verified" in checked.stdout


@pytest.mark.parametrize(
    "where", ["user_id", "request_head", "token", "entry_hash", "response_body_digest"]
)
def test_the_offline_checker_fails_an_export_with_one_byte_altered(
    install: Install, where: str
) -> None:
    bundle = _export(install, 1, 3)
    document = json.loads(bundle.read_text())
    if where == "token":
        raw = bytearray(base64.b64decode(document["timestamps"][0]["token"]))
        raw[-10] ^= 0x01
        document["timestamps"][0]["token"] = base64.b64encode(bytes(raw)).decode()
    else:
        entry = document["entries"][1]
        value = entry[where]
        at = len(value) // 2
        entry[where] = value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :]
    bundle.write_text(json.dumps(document))

    checked = _check(bundle)

    assert checked.returncode == 1, checked.stdout
    assert "FAILED" in checked.stdout


def test_the_checker_imports_nothing_from_nara() -> None:
    source = CHECKER.read_text()
    assert "import nara" not in source and "from nara" not in source
