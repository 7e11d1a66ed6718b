"""docs/exchange-nodes.md is walked as written: two nodes on this machine, each with its own
database and keystore, come to trust each other without sharing a secret, and an information
system's call crosses from one to the other, with evidence on both sides."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "exchange-nodes.md"


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(), re.S)


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


@pytest.fixture
def walk(tmp_path: Path) -> Iterator[dict[str, str]]:
    a_port, a_node, b_port, b_node = _free_ports(4)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("NARA_")}
    environment |= {
        "NARA_WALK": str(tmp_path),
        "A_PORT": str(a_port),
        "A_NODE_PORT": str(a_node),
        "B_PORT": str(b_port),
        "B_NODE_PORT": str(b_node),
        "PATH": f"{Path(sys.executable).parent}:{environment.get('PATH', '')}",
    }
    yield environment
    for node in ("node-a", "node-b"):
        pid_file = tmp_path / node / "serve.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid_file.read_text()), signal.SIGTERM)


@pytest.mark.slow
def test_every_command_of_the_nodes_page_runs_as_written(walk: dict[str, str]) -> None:
    blocks = _blocks()
    assert len(blocks) >= 8, "the page lost its walk"
    for number, block in enumerate(blocks, start=1):
        done = subprocess.run(  # noqa: S603  (the documentation's own commands)
            ["bash", "-euo", "pipefail", "-c", block],  # noqa: S607
            env=walk,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, (
            f"block {number} failed:\n{block}\n--- stdout\n{done.stdout[-3000:]}"
            f"\n--- stderr\n{done.stderr[-3000:]}"
        )
