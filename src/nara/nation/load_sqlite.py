"""Bulk loading into SQLite: staged batches copied in, secondary indexes built afterwards.

Helper processes write each batch into a staging database file; the loader attaches it and
copies every table with one `INSERT ... SELECT` in one transaction per batch. During the
build only: `synchronous=OFF`, a large page cache, and foreign-key and CHECK constraint
checks off (the generator keeps references consistent and values in range; the tests check
both with `foreign_key_check` and `integrity_check`). The indexes the metadata declares are
dropped before the load and recreated after it; unique constraints are part of SQLite's
table definitions and stay in place. Batches are committed as they go (one transaction over
a whole nation would hold gigabytes of WAL); a build that fails deletes every row it loaded,
so the database is left as empty as the builder found it, with every index in place.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.schema import CreateIndex

from nara.nation._common import Tables
from nara.nation.schema import TABLE_ORDER, all_date_columns, secondary_indexes, table
from nara.nation.stage import Helpers, stage_sqlite


class SqliteLoader:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._raw: Any = None
        self._connection: Any = None
        self._helpers: Helpers | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._batches = 0
        self._finished = False
        self._dates = all_date_columns()

    def prepare(self) -> None:
        self._connection = self.engine.connect()
        self._raw = self._connection.connection.dbapi_connection
        cursor = self._raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB, whatever the size of the nation
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA threads=2")  # helper threads sort for CREATE INDEX
        # CHECK constraints with IN lists cost SQLite an ephemeral table per row.
        cursor.execute("PRAGMA ignore_check_constraints=ON")
        for name in TABLE_ORDER:
            for index in secondary_indexes(table(name)):
                cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        cursor.close()
        self._tmp = tempfile.TemporaryDirectory(prefix="nara-nation-")
        self._helpers = Helpers()

    def write(self, tables: Tables) -> None:
        if self._helpers is None or self._tmp is None:
            raise RuntimeError("prepare() the loader first")
        path = str(Path(self._tmp.name) / f"batch-{self._batches}.db")
        self._batches += 1
        done = self._helpers.submit(stage_sqlite, path, tables, self._dates)
        if done is not None:
            self._merge(done)

    def _merge(self, path: str) -> None:
        cursor = self._raw.cursor()
        cursor.execute("ATTACH DATABASE ? AS stage", (path,))
        try:
            staged = {r[0] for r in cursor.execute("SELECT name FROM stage.sqlite_master")}
            cursor.execute("BEGIN")
            for name in TABLE_ORDER:
                if name in staged:
                    cols = ", ".join(
                        r[1] for r in cursor.execute(f"PRAGMA stage.table_info({name})")
                    )
                    cursor.execute(
                        f"INSERT INTO main.{name} ({cols}) SELECT {cols} FROM stage.{name}"
                    )
            cursor.execute("COMMIT")
        finally:
            cursor.execute("DETACH DATABASE stage")
            cursor.close()
            Path(path).unlink()

    def finish(self) -> None:
        if self._helpers is None:
            raise RuntimeError("prepare() the loader first")
        for path in self._helpers.drain():
            self._merge(path)
        cursor = self._raw.cursor()
        dialect = self.engine.dialect
        cursor.execute("BEGIN")
        for name in TABLE_ORDER:
            for index in secondary_indexes(table(name)):
                cursor.execute(str(CreateIndex(index).compile(dialect=dialect)))
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
        self._finished = True

    def close(self) -> None:
        if self._helpers is not None:
            self._helpers.close()
        if self._tmp is not None:
            self._tmp.cleanup()
        if self._raw is not None:
            cursor = self._raw.cursor()
            if self._raw.in_transaction:
                cursor.execute("ROLLBACK")
            if not self._finished:
                # The builder starts from empty tables, so undoing a failed build is emptying them.
                cursor.execute("BEGIN")
                for name in reversed(TABLE_ORDER):
                    cursor.execute(f"DELETE FROM {name}")
                cursor.execute("COMMIT")
                for name in TABLE_ORDER:
                    for index in secondary_indexes(table(name)):
                        ddl = CreateIndex(index, if_not_exists=True)
                        cursor.execute(str(ddl.compile(dialect=self.engine.dialect)))
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA cache_size=-2000")
            cursor.execute("PRAGMA ignore_check_constraints=OFF")
            cursor.execute("PRAGMA threads=0")
            cursor.close()
        if self._connection is not None:
            self._connection.close()
