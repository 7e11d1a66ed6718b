"""Temporary databases for benchmarks: a SQLite file, or a PostgreSQL database dropped after."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from nara.core.db import normalise_url
from nara.migrations import upgrade

POSTGRES_URL = os.environ.get(
    "NARA_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BENCH_KEY = bytes(range(32))
"""PII master key of benchmark databases (throw-away data only)."""


@contextmanager
def temporary_database(backend: str) -> Iterator[str]:
    """A new, migrated, empty database; removed when the block ends."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="nara-bench-")
        try:
            url = f"sqlite:///{Path(folder) / 'nation.db'}"
            upgrade(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    admin_url = normalise_url(POSTGRES_URL)
    name = f"nara_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
