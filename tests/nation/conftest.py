"""Fresh databases holding a small synthetic nation, on SQLite and (when configured) PostgreSQL.

The shared `engine` fixture's database is used by other tests inside rolled-back
transactions; a nation build needs an empty database of its own, so these fixtures create
one per build (a temporary SQLite file, or a new PostgreSQL database that is dropped after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from nara.core.db import make_engine
from nara.core.pii import PiiCipher
from nara.migrations import upgrade
from nara.nation import NationReport, build_nation, nation_digest
from tests.conftest import BACKENDS, POSTGRES_URL, _postgres_database

RESIDENTS = 1_500
SEED = 20_260_101

Built = tuple[Engine, NationReport]


@pytest.fixture(scope="session")
def fresh_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """`fresh_database(backend)` → the URL of a new, migrated, empty database."""
    drops: list[Callable[[], None]] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            path: Path = tmp_path_factory.mktemp("nation") / "nation.db"
            url = f"sqlite:///{path}"
        else:
            assert POSTGRES_URL is not None
            url, drop = _postgres_database("nation")
            drops.append(drop)
        upgrade(url)
        return url

    yield make
    for drop in drops:
        drop()


@pytest.fixture(scope="session")
def build(
    fresh_database: Callable[[str], str], cipher: PiiCipher
) -> Iterator[Callable[..., Built]]:
    """`build(backend, residents=..., seed=...)` → an engine on a new database holding it."""
    engines: list[Engine] = []

    def make(
        backend: str, *, residents: int = RESIDENTS, seed: int = SEED, **options: int
    ) -> Built:
        engine = make_engine(fresh_database(backend))
        engines.append(engine)
        report = build_nation(engine, cipher, residents=residents, seed=seed, **options)
        return engine, report

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def nation(request: pytest.FixtureRequest, build: Callable[..., Built]) -> Built:
    """The reference nation (RESIDENTS persons, SEED) on each backend."""
    return build(request.param)


@pytest.fixture(scope="session")
def reference_digest(build: Callable[..., Built], cipher: PiiCipher) -> str:
    engine, _ = build("sqlite")
    return nation_digest(engine, cipher)
