"""The same seed gives the same nation, on either backend; another seed gives another."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select

from nara.core.db import make_engine
from nara.core.pii import PiiCipher
from nara.nation import NationReport, build_nation, nation_digest
from nara.nation.schema import TABLE_ORDER, table
from tests.conftest import BACKENDS


def test_the_same_seed_gives_the_same_digest_on_every_backend(
    nation: tuple[Engine, NationReport], reference_digest: str, cipher: PiiCipher
) -> None:
    engine, _ = nation
    assert nation_digest(engine, cipher) == reference_digest


def test_another_seed_gives_another_digest(
    build: Callable[..., tuple[Engine, NationReport]], reference_digest: str, cipher: PiiCipher
) -> None:
    engine, _ = build("sqlite", seed=7)
    assert nation_digest(engine, cipher) != reference_digest


def test_the_report_counts_what_was_written(nation: tuple[Engine, NationReport]) -> None:
    from sqlalchemy import text

    engine, report = nation
    assert report.rows["residents_person"] == 1_500
    with engine.connect() as connection:
        for name, count in report.rows.items():
            assert connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() == count
    assert report.total_rows > 10 * 1_500 / 2
    assert report.seconds > 0


@pytest.mark.slow
def test_the_batch_size_does_not_change_the_data(
    build: Callable[..., tuple[Engine, NationReport]], cipher: PiiCipher
) -> None:
    """Two blocks of persons, written in one batch or in two."""
    one, _ = build("sqlite", residents=20_000, seed=3, batch_rows=100_000)
    two, _ = build("sqlite", residents=20_000, seed=3, batch_rows=1)
    assert nation_digest(one, cipher) == nation_digest(two, cipher)


def test_a_nation_is_only_built_into_an_empty_database(
    nation: tuple[Engine, NationReport], cipher: PiiCipher
) -> None:
    from nara.nation import build_nation

    engine, _ = nation
    with pytest.raises(ValueError, match="not empty"):
        build_nation(engine, cipher, residents=10, seed=1)


class _Interrupted(Exception):
    pass


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failed_build_leaves_the_registers_empty(
    backend: str, fresh_database: Callable[[str], str], cipher: PiiCipher
) -> None:
    engine = make_engine(fresh_database(backend))

    def interrupt(stage: str, done: int, _total: int) -> None:
        if stage == "load" and done > 0:
            raise _Interrupted

    try:
        with pytest.raises(_Interrupted):
            build_nation(engine, cipher, residents=400, seed=1, on_progress=interrupt)
        with engine.connect() as connection:
            for name in TABLE_ORDER:
                count = connection.execute(select(func.count()).select_from(table(name)))
                assert count.scalar_one() == 0, name
        report = build_nation(engine, cipher, residents=400, seed=1)
        assert report.rows["residents_person"] == 400
    finally:
        engine.dispose()
