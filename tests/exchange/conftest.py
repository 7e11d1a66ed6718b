"""Fixtures of the exchange's transport-level tests (`tests.exchange.world`)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from nara.app import Platform, create_app
from nara.core.access import issue_token
from nara.core.clock import FixedClock
from nara.core.db import make_engine, make_session_factory, unit_of_work
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.exchange.directory_admin.platform import register_platform
from nara.exchange.http.node import create_node_app, node_config
from nara.exchange.http.transport import HttpsTransport
from nara.migrations import upgrade
from tests.conftest import BACKENDS, TEST_PII_KEY, _postgres_database
from tests.exchange.world import (
    ECHO,
    ECHO_SERVICE,
    LAND,
    PROVIDER_NODE,
    TRANSPORTS,
    World,
    free_listener,
    offer_echo,
    running,
)
from tests.support import grant


@pytest.fixture(scope="module", params=BACKENDS)
def committed_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database whose work is committed (a server thread shares it)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'nara.db'}"
        upgrade(url)
        yield url
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url, drop = _postgres_database(f"{worker}_contract")
    upgrade(url)
    try:
        yield url
    finally:
        drop()


@pytest.fixture(scope="module")
def world(committed_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    keys = tmp_path_factory.mktemp("contract-keys")
    # Near the real time: TLS checks certificates against the system clock.
    clock = FixedClock(dt.datetime.now(dt.UTC))
    cipher = PiiCipher(base64.b64decode(TEST_PII_KEY))
    engine = make_engine(committed_url)
    factory = make_session_factory(engine)
    base: dict[str, Any] = {
        "environment": "test",
        "database_url": committed_url,
        "pii_key": TEST_PII_KEY,
        "exchange_keys_dir": keys,
    }

    def install(**settings: Any) -> tuple[Platform, FastAPI]:
        platform = Platform(Settings(**base, **settings), engine, factory, clock, cipher)
        app = create_app(platform)
        offer_echo(app)
        return platform, app

    provider, provider_app = install(exchange_node_agencies=["residents"])
    keystore = provider.ensure_keystore()
    node_app = create_node_app(provider_app.state.exchange, factory, clock, cipher)
    listener = free_listener()
    port = listener.getsockname()[1]
    config = node_config(
        node_app,
        keystore,
        name=PROVIDER_NODE,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    with running(config, listener):
        _, local = install()
        _, remote = install(
            exchange_node_agencies=["land"],
            exchange_peers={"residents": f"https://127.0.0.1:{port}"},
        )
        with unit_of_work(factory) as session:
            register_platform(session, clock, [ECHO_SERVICE])
            grant(session, clock, "land", ECHO)
            token = issue_token(
                session,
                name="contract",
                scopes=["residents:*", "exchange:call"],
                now=clock.now(),
                client=LAND,
            )
        try:
            yield World(engine, clock, cipher, keystore, local, remote, port, token)
        finally:
            for transport in {id(t): t for t in remote.state.exchange.transports.values()}.values():
                if isinstance(transport, HttpsTransport):
                    transport.close()
            engine.dispose()


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest, world: World) -> str:
    name: str = request.param
    if name == "https":
        assert isinstance(world.exchange(name).transport_for("residents"), HttpsTransport)
    return name
