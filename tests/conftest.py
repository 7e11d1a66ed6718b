"""Test fixtures: every database test runs on SQLite and, when configured, on PostgreSQL.

Each xdist worker gets its own database per backend, migrated with Alembic once; each test
runs inside a transaction that is rolled back, with the code under test working in
savepoints (so its commits and rollbacks behave as in production).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import BaseRoute

from nara.app import (
    Platform,
    assemble_app,
    bind_platform,
    build_exchange,
    load_models,
    sync_directory,
)
from nara.core.access import issue_token
from nara.core.clock import FixedClock
from nara.core.db import make_engine, normalise_url
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.migrations import upgrade

TEST_PII_KEY = base64.b64encode(bytes(range(32))).decode()
POSTGRES_URL = os.environ.get("NARA_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
KST = dt.timezone(dt.timedelta(hours=9))
TEST_START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=KST)


def _postgres_database(worker: str) -> tuple[str, Callable[[], None]]:
    assert POSTGRES_URL is not None
    admin_url = normalise_url(POSTGRES_URL)
    name = f"nara_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def _installed(url: str) -> None:
    """Migrate and register the directory, as `nara db upgrade` leaves a database (without
    the declared subscriptions, which the tests that need them install)."""
    upgrade(url)
    load_models()
    engine = make_engine(url)
    try:
        platform = Platform(
            Settings(environment="test", database_url=url, pii_key=TEST_PII_KEY),
            engine,
            sessionmaker(bind=engine, expire_on_commit=False),
            FixedClock(TEST_START),
        )
        sync_directory(platform, build_exchange())
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _working_tree_untouched() -> Iterator[None]:
    """No test writes the install's own files: `var/` holds the keys and database that `make
    demo` makes, and keys a test left there could not be read with the demo's key."""
    var = Path(__file__).parent.parent / "var"
    existed = var.exists()
    yield
    assert existed or not var.exists(), "a test wrote to var/: give it a temporary folder"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database for this worker and backend: its exchange directory holds this
    install's agencies and services, and nothing else is in it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "nara.db"
        url = f"sqlite:///{path}"
        _installed(url)
        yield url
        return
    url, drop = _postgres_database(worker)
    _installed(url)
    try:
        yield url
    finally:
        drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def clock() -> FixedClock:
    """2026-03-02 09:00 in Seoul; tests move it when a rule depends on time."""
    return FixedClock(TEST_START)


@pytest.fixture(scope="session")
def cipher() -> PiiCipher:
    return PiiCipher(base64.b64decode(TEST_PII_KEY))


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exchange keystore of this worker's tests (CA and member keys made on first use)."""
    return tmp_path_factory.mktemp("exchange-keys")


@pytest.fixture
def settings(database_url: str, keys_dir: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        pii_key=TEST_PII_KEY,
        exchange_keys_dir=keys_dir,
    )


@pytest.fixture
def platform(
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    cipher: PiiCipher,
) -> Platform:
    return Platform(settings, engine, session_factory, clock, cipher)


@dataclass(frozen=True)
class Assembled:
    """The app assembled once per worker, and what each test puts back before using it."""

    app: FastAPI
    routes: list[BaseRoute]
    lifespan: Any
    on_startup: list[Any]
    on_shutdown: list[Any]

    def reset(self) -> FastAPI:
        """Take off what an earlier test added: routes it mounted (each `include_router`
        also wraps the app's lifespan once more) and dependency overrides."""
        router = self.app.router
        router.routes[:] = self.routes
        router.lifespan_context = self.lifespan
        router.on_startup[:] = self.on_startup
        router.on_shutdown[:] = self.on_shutdown
        self.app.dependency_overrides.clear()
        self.app.openapi_schema = None
        return self.app


@pytest.fixture(scope="session")
def assembled_app() -> Assembled:
    """The app's routes, assembled once per worker (FastAPI prepares them on first use)."""
    app = assemble_app()
    router = app.router
    return Assembled(
        app,
        list(router.routes),
        router.lifespan_context,
        list(router.on_startup),
        list(router.on_shutdown),
    )


@pytest.fixture
def app(platform: Platform, assembled_app: Assembled) -> FastAPI:
    """The app serving this test's platform: `create_app`, less the assembly, with nothing
    an earlier test added and none of its state (`bind_platform` gives a fresh `app.state`)."""
    return bind_platform(assembled_app.reset(), platform)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def auth(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> Callable[..., dict[str, str]]:
    """`auth("residents:read", "residents:write")` → headers carrying a token with those scopes
    (`client=` binds it to the exchange subsystem it calls as)."""
    counter = iter(range(1_000_000))

    def make(*scopes: str, client: str | None = None) -> dict[str, str]:
        with session_factory() as session:
            token = issue_token(
                session,
                name=f"test-{next(counter)}",
                scopes=list(scopes),
                now=clock.now(),
                client=client,
            )
            session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make
