"""A fingerprint of the registers' logical content, equal across SQLite and PostgreSQL.

Rows are read in id order; each value is written in a backend-neutral text form (dates and
instants ISO 8601, decimals normalised, binary as hex, NULL as `\\N`). RRN ciphertexts carry
random nonces, so the digest covers the decrypted number instead of the ciphertext.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from nara.core.pii import PiiCipher
from nara.nation.schema import registry_tables


def _decimal(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


_FORMATS: tuple[tuple[type | tuple[type, ...], Callable[[Any], str]], ...] = (
    (bytes, bytes.hex),
    (dt.datetime, lambda v: v.astimezone(dt.UTC).isoformat()),
    (dt.date, dt.date.isoformat),
    (Decimal, _decimal),
    (float, lambda v: _decimal(Decimal(repr(v)))),  # SQLite's NUMERIC holds a REAL
    ((dict, list), lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False)),
)


def _text(value: object) -> str:
    if value is None:
        return "\\N"
    for kind, render in _FORMATS:
        if isinstance(value, kind):
            return render(value)
    return str(value)


def nation_digest(engine: Engine, cipher: PiiCipher) -> str:
    """Hex SHA-256 over every register table's rows (change logs included)."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for t in registry_tables():
            digest.update(f"#{t.name}\n".encode())
            names = [c.name for c in t.columns]
            rrn = names.index("rrn_cipher") if "rrn_cipher" in names else -1
            result = connection.execution_options(yield_per=20_000).execute(
                select(t).order_by(*t.primary_key.columns)
            )
            for row in result:
                values = list(row)
                if rrn >= 0:
                    values[rrn] = cipher.decrypt(values[rrn])
                digest.update(("\x1f".join(map(_text, values)) + "\n").encode())
    return digest.hexdigest()
