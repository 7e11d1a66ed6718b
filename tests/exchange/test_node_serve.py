"""`nara serve --node`: the app and the node's mutual-TLS listener in one process."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from nara.cli import app
from nara.core.settings import get_settings
from nara.exchange.http.node import Node
from nara.migrations import upgrade
from tests.conftest import TEST_PII_KEY


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[uvicorn.Config]]:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    upgrade(url)
    monkeypatch.setenv("NARA_DATABASE_URL", url)
    monkeypatch.setenv("NARA_PII_KEY", TEST_PII_KEY)
    monkeypatch.setenv("NARA_EXCHANGE_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("NARA_EXCHANGE_NODE_PORT", "18443")
    monkeypatch.setenv("NARA_EXCHANGE_NODE_AGENCIES", '["residents"]')
    get_settings.cache_clear()
    configs: list[uvicorn.Config] = []

    async def serve(self: uvicorn.Server, sockets: Any = None) -> None:
        configs.append(self.config)

    monkeypatch.setattr(uvicorn.Server, "serve", serve)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: configs.append(uvicorn.Config(app, **kw)))
    yield configs
    get_settings.cache_clear()


def test_serve_node_runs_the_app_and_the_mutual_tls_listener(
    served: list[uvicorn.Config], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--node", "--node-name", "node-a", "--port", "18000"]
    )

    assert result.exit_code == 0, result.output
    web, node = served
    assert (web.port, web.ssl_certfile) == (18000, None)
    assert node.port == 18443
    assert node.ssl_cert_reqs == ssl.CERT_REQUIRED
    assert node.ssl_certfile == str(tmp_path / "keys" / "nodes" / "node-a" / "tls.pem")
    assert node.ssl_ca_certs == str(tmp_path / "keys" / "ca.pem")
    listener: Any = node.app
    assert isinstance(listener.state.node, Node)
    assert listener.state.node.exchange.local_agencies == {"residents"}


def test_serve_without_node_serves_only_the_app(served: list[uvicorn.Config]) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "18001"])

    assert result.exit_code == 0, result.output
    assert [config.port for config in served] == [18001]
