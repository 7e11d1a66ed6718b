"""The `nara` command: migrate, build a nation, digest it, issue a token."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nara.cli import app
from nara.core.access import authenticate
from nara.core.clock import FixedClock
from nara.core.pii import load_master_key
from nara.core.settings import get_settings
from nara.exchange.messagelog import LogEntry, append, record, verify_evidence
from nara.exchange.timestamps import stamp_pending
from nara.exchange.timestamps.authority import LocalAuthority
from nara.exchange.trust import Keystore
from nara.residents.models import Person
from tests.conftest import TEST_PII_KEY

runner = CliRunner()


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NARA_DATABASE_URL", url)
    monkeypatch.setenv("NARA_PII_KEY", TEST_PII_KEY)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_upgrade_build_digest_and_token(sqlite_env: str) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output

    built = runner.invoke(app, ["nation", "build", "--residents", "400", "--seed", "7"])
    assert built.exit_code == 0, built.output
    assert "residents_person" in built.output

    first = runner.invoke(app, ["nation", "digest"])
    assert first.exit_code == 0, first.output
    digest = first.output.strip()
    assert len(digest) == 64

    engine = create_engine(sqlite_env)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Person)) == 400

    issued = runner.invoke(
        app, ["token", "create", "--name", "registrar", "--scope", "residents:read"]
    )
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip()
    with Session(engine) as session:
        caller = authenticate(session, token)
    assert caller is not None and caller.may("residents:read")
    assert not caller.may("residents:write")
    engine.dispose()


def test_a_nation_is_built_only_into_an_empty_database(sqlite_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["nation", "build", "--residents", "200"]).exit_code == 0
    again = runner.invoke(app, ["nation", "build", "--residents", "200"])
    assert again.exit_code != 0
    assert "Traceback" not in again.output


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "nation", "serve", "demo", "token"):
        assert command in result.output


@pytest.fixture
def keys_env(sqlite_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    keys = tmp_path / "exchange-keys"
    monkeypatch.setenv("NARA_EXCHANGE_KEYS_DIR", str(keys))
    get_settings.cache_clear()
    return keys


def test_a_members_key_is_rotated_and_listed(keys_env: Path) -> None:
    assert runner.invoke(app, ["exchange", "init-ca"]).exit_code == 0
    first = runner.invoke(app, ["exchange", "keys", "rotate", "--member", "KR/GOV/MOIS"])
    second = runner.invoke(app, ["exchange", "keys", "rotate", "--member", "KR/GOV/MOIS"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    listed = runner.invoke(app, ["exchange", "keys", "list", "--member", "KR/GOV/MOIS"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("yes") == 3  # two trusted certificates, one of them active
    bad = runner.invoke(app, ["exchange", "keys", "rotate", "--member", "KR/GOV"])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


def test_verify_log_passes_a_sound_log_and_fails_a_tampered_one(keys_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_engine(get_settings().database_url)
    clock = FixedClock(dt.datetime.now(dt.UTC))
    with Session(engine) as session, session.begin():
        for n in range(5):
            append(session, clock, _entry(n))
        stamp_pending(session, clock, LocalAuthority(_keystore(clock), clock))
    sound = runner.invoke(app, ["exchange", "verify-log"])
    assert sound.exit_code == 0, sound.output
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER exchange_message_log_no_update"))
        connection.execute(text("UPDATE exchange_message_log SET status = 500 WHERE seq = 3"))
    failed = runner.invoke(app, ["exchange", "verify-log"])
    assert failed.exit_code == 1
    assert "altered" in failed.output and "seq 3" in failed.output
    engine.dispose()


def test_evidence_is_exported_for_a_range(keys_env: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_engine(get_settings().database_url)
    clock = FixedClock(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    with Session(engine) as session, session.begin():
        for n in range(4):
            append(session, clock, _entry(n))
    engine.dispose()
    out = tmp_path / "evidence.json"
    result = runner.invoke(
        app, ["exchange", "evidence", "--from", "2", "--to", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert verify_evidence(json.loads(out.read_text())).ok


def _keystore(clock: FixedClock) -> Keystore:
    settings = get_settings()
    return Keystore.from_settings(settings, load_master_key(settings), clock=clock)


def _entry(n: int) -> LogEntry:
    return LogEntry(
        message_id=f"msg-{n}",
        client="KR/GOV/MOIS/residents",
        service="KR/GOV/NTS/business/employments-of-person",
        user_id="official-1",
        purpose="test",
        legal_basis="test",
        request_hash="0" * 64,
        response_hash="1" * 64,
        status=200,
        request_signature="",
        response_signature="",
    )


def test_operators_manage_the_directory_from_the_command_line(keys_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    relations = "KR/GOV/NTS/business/employments-of-person"  # no package `USES` it

    members = runner.invoke(app, ["exchange", "directory", "members"])
    services = runner.invoke(app, ["exchange", "directory", "services", "KR/GOV/NTS/business"])
    enabled = runner.invoke(app, ["exchange", "directory", "enable", relations])
    granted = runner.invoke(
        app, ["exchange", "directory", "grant", "KR/GOV/MOIS/residents", relations]
    )
    again = runner.invoke(
        app, ["exchange", "directory", "grant", "KR/GOV/MOIS/residents", relations]
    )
    rights = runner.invoke(app, ["exchange", "directory", "rights", "--service", relations])
    described = runner.invoke(app, ["exchange", "directory", "openapi", relations])
    unknown = runner.invoke(app, ["exchange", "directory", "enable", "KR/GOV/X/y/z"])

    assert members.exit_code == 0 and "KR/GOV/MOIS" in members.output, members.output
    assert "KR/GOV/NTS/business" in services.output and "no" in services.output
    assert enabled.exit_code == 0 and "enabled" in enabled.output
    assert granted.exit_code == 0, granted.output
    assert again.exit_code == 2 and "access_already_granted" in again.output
    assert rights.exit_code == 0 and f"│ {granted.output.split()[1]} " in rights.output
    document = json.loads(described.output)
    assert document["openapi"].startswith("3.")
    assert {p["code"] for p in document["x-nara-purposes"]} == {
        "employment-check",
        "insurance-assessment",
    }
    assert unknown.exit_code == 2 and "service_unknown" in unknown.output
    right_id = granted.output.split()[1]
    assert runner.invoke(app, ["exchange", "directory", "revoke", right_id]).exit_code == 0
    revoked_again = runner.invoke(app, ["exchange", "directory", "revoke", right_id])
    assert revoked_again.exit_code == 2 and "access_already_revoked" in revoked_again.output


def test_upkeep_chains_the_log_and_stamps_it(keys_env: Path, sqlite_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_engine(sqlite_env)
    # logged a little more than the stamping interval (60 s) ago: a stamp is due
    clock = FixedClock(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=70))
    with Session(engine) as session:
        record(session, clock, _entry(1))
        record(session, clock, _entry(2))
        session.commit()

    pending = runner.invoke(app, ["exchange", "verify-log"])
    done = runner.invoke(app, ["exchange", "upkeep"])
    checked = runner.invoke(app, ["exchange", "verify-log"])

    assert "2 logged entries not yet chained" in " ".join(pending.output.split()), pending
    summary = " ".join(done.output.split())
    assert done.exit_code == 0 and "2 entries chained" in summary, done.output
    assert "a time-stamp taken" in summary  # the oldest entry is long past the interval
    assert checked.exit_code == 0 and "OK 2 entries" in checked.output
    assert "not yet chained" not in checked.output


def test_the_demo_citizen_owns_a_vehicle_the_demo_official_can_act_on(sqlite_env: str) -> None:
    from nara.app import Platform
    from nara.cli import _demo_accounts
    from nara.identity.models import Account
    from nara.vehicles.models import Vehicle

    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["nation", "build", "--residents", "400"]).exit_code == 0
    platform = Platform.from_settings(get_settings())
    _demo_accounts(platform)
    with Session(platform.engine) as session:
        citizen = session.scalars(select(Account).where(Account.kind == "citizen")).one()
        official = session.scalars(select(Account).where(Account.kind == "official")).one()
        person = session.get_one(Person, citizen.person_id)
        plates = session.scalars(
            select(Vehicle.plate).where(
                Vehicle.owner_kind == "person", Vehicle.owner_id == person.id
            )
        ).all()
    assert citizen.demo and official.demo
    assert plates, "the demo citizen can apply for the re-issue of his registration card"
    adult = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=19 * 365)
    assert person.status == "alive" and person.birth_date <= adult
    assert official.agency == "vehicles" and "clerk" in official.roles.split()
    platform.engine.dispose()
