"""Bulk loading into PostgreSQL with COPY, constraints and indexes built after the load.

Before the load the filled tables' foreign keys, unique constraints and secondary indexes
(exactly those the metadata declares) are dropped; the rows go in with text-format COPY
from buffers that helper processes build a column at a time; afterwards the indexes and
constraints are created
again (which also validates them), the id sequences are moved past the loaded ids and the
tables are analysed. Everything runs in one transaction: a failed build leaves the
database as it was.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.schema import AddConstraint, CreateIndex

from nara.nation._common import Tables
from nara.nation.schema import (
    TABLE_ORDER,
    all_date_columns,
    foreign_keys,
    secondary_indexes,
    table,
    unique_constraints,
)
from nara.nation.stage import Helpers, copy_texts


class PostgresLoader:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._raw: Any = None
        self._connection: Any = None
        self._helpers: Helpers | None = None
        self._columns: deque[dict[str, list[str]]] = deque()
        self._dates = all_date_columns()

    def _ddl(self, element: Any) -> str:
        return str(element.compile(dialect=self.engine.dialect))

    def prepare(self) -> None:
        self._connection = self.engine.connect()
        self._raw = self._connection.connection.dbapi_connection
        with self._raw.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for name in TABLE_ORDER:
                for fk in foreign_keys(table(name)):
                    cursor.execute(f'ALTER TABLE {name} DROP CONSTRAINT IF EXISTS "{fk.name}"')
            for name in TABLE_ORDER:
                for uq in unique_constraints(table(name)):
                    cursor.execute(f'ALTER TABLE {name} DROP CONSTRAINT IF EXISTS "{uq.name}"')
                for index in secondary_indexes(table(name)):
                    cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        self._helpers = Helpers()

    def write(self, tables: Tables) -> None:
        if self._helpers is None:
            raise RuntimeError("prepare() the loader first")
        columns = {name: list(t.columns) for name, t in tables.items()}
        done = self._helpers.submit(copy_texts, tables, self._dates)
        self._columns.append(columns)
        if done is not None:
            self._copy(done)

    def _copy(self, texts: dict[str, bytes]) -> None:
        columns = self._columns.popleft()
        with self._raw.cursor() as cursor:
            for name in TABLE_ORDER:
                if name in texts:
                    sql = f"COPY {name} ({', '.join(columns[name])}) FROM STDIN"
                    with cursor.copy(sql) as copy:
                        copy.write(texts[name])

    def finish(self) -> None:
        if self._helpers is None:
            raise RuntimeError("prepare() the loader first")
        for texts in self._helpers.drain():
            self._copy(texts)
        with self._raw.cursor() as cursor:
            for name in TABLE_ORDER:
                t = table(name)
                for uq in unique_constraints(t):
                    cursor.execute(self._ddl(AddConstraint(uq)))
                for index in secondary_indexes(t):
                    cursor.execute(self._ddl(CreateIndex(index)))
            for name in TABLE_ORDER:
                for fk in foreign_keys(table(name)):
                    cursor.execute(self._ddl(AddConstraint(fk)))
            for name in TABLE_ORDER:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                )
        self._raw.commit()
        self._raw.autocommit = True
        with self._raw.cursor() as cursor:
            for name in TABLE_ORDER:
                cursor.execute(f"ANALYZE {name}")
        self._raw.autocommit = False

    def close(self) -> None:
        if self._helpers is not None:
            self._helpers.close()
        if self._raw is not None and not self._raw.closed:
            self._raw.rollback()
        if self._connection is not None:
            self._connection.close()
