"""The machine a benchmark ran on, for the record."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, text

from nara.core.db import normalise_url


def describe(postgres_url: str) -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 2**20:.1f} GiB"
    try:
        engine = create_engine(normalise_url(postgres_url))
        with engine.connect() as connection:
            postgres = str(connection.execute(text("SHOW server_version")).scalar_one())
        engine.dispose()
    except Exception as error:  # noqa: BLE001  (recorded, not fatal)
        postgres = f"unavailable ({type(error).__name__})"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
