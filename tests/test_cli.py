"""The `nara` command: migrate, build a nation, digest it, issue a token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from nara.cli import app
from nara.core.access import authenticate
from nara.core.settings import get_settings
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
    from sqlalchemy.orm import Session

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
