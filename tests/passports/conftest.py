"""Fixtures of the passport office's tests: tokens, persons, parents, photos, 'nothing written'."""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from nara.family.models import Parentage
from tests.factories import make_person
from tests.support import count_rows

TABLES = (
    "passports_application",
    "passports_photo",
    "passports_passport",
    "passports_restriction",
    "passports_change",
    "core_outbox",
)
ADULT = "1990-05-05"
"""Born so that the applicant is 35 on the tests' day (2026-03-02)."""
TEEN = "2014-01-10"
"""12 on the tests' day: a minor paying the 8–17 fee."""
INFANT = "2021-07-01"
"""4 on the tests' day: a minor paying the under-8 fee."""

Api = Callable[..., Any]


def jpeg(width: int = 413, height: int = 531, **save: Any) -> bytes:
    """A real JPEG photo of this size."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (210, 190, 170)).save(buffer, "JPEG", quality=90, **save)
    return buffer.getvalue()


def png(width: int = 700, height: int = 900) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (210, 190, 170)).save(buffer, "PNG")
    return buffer.getvalue()


@functools.cache
def png_bomb(side: int = 15_000) -> bytes:
    """A real PNG decompression bomb: a 1-bit image `side`×`side` of zeros, a few KB packed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.fixture
def headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    """An official's token that may read and write the passport office's records."""
    return auth("passports:read", "passports:write")


@pytest.fixture
def person(session: Session, cipher: PiiCipher) -> Callable[..., int]:
    """`person(born="1990-01-01", status="deceased")` → the id of a new resident."""

    def make(born: str = ADULT, **fields: Any) -> int:
        return make_person(session, cipher, birth=dt.date.fromisoformat(born), **fields).id

    return make


@pytest.fixture
def parent_of(session: Session) -> Callable[[int, int], None]:
    """`parent_of(child, parent)` records a birth parentage in the family register."""

    def link(child: int, parent: int) -> None:
        session.add(
            Parentage(
                child_id=child,
                parent_id=parent,
                parent_role="mother",
                kind="birth",
                established_on=dt.date(2000, 1, 1),
                ended_on=None,
                end_cause=None,
            )
        )
        session.flush()

    return link


@pytest.fixture
def api(client: TestClient, headers: dict[str, str]) -> Api:
    """`api("post", "applications", json=..., status=201)` → the JSON answer, status checked."""

    def call(method: str, path: str, *, status: int = 200, **kwargs: Any) -> Any:
        response = client.request(method, f"/api/passports/{path}", headers=headers, **kwargs)
        assert response.status_code == status, response.text
        return response.json()

    return call


@pytest.fixture
def draft(api: Api, person: Callable[..., int]) -> Callable[..., dict[str, Any]]:
    """`draft(person_id=..., kind="new")` → a new draft application (its JSON)."""

    def make(**overrides: Any) -> dict[str, Any]:
        body = {"kind": "new", "pages": 58} | overrides
        body.setdefault("person_id", person())
        result: dict[str, Any] = api("post", "applications", json=body, status=201)
        return result

    return make


@pytest.fixture
def submitted(api: Api, draft: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """`submitted(...)` → an application with photo and paid fee, submitted for review."""

    def make(**overrides: Any) -> dict[str, Any]:
        application = draft(**overrides)
        path = f"applications/{application['id']}"
        api("put", f"{path}/photo", files={"photo": ("me.jpg", jpeg(), "image/jpeg")})
        api("post", f"{path}/payment", json={"amount_won": application["fee_won"]})
        result: dict[str, Any] = api("post", f"{path}/submit")
        return result

    return make


@pytest.fixture
def issued(api: Api, submitted: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """`issued(...)` → a passport issued on a new, approved application (its JSON)."""

    def make(**overrides: Any) -> dict[str, Any]:
        application = submitted(**overrides)
        path = f"applications/{application['id']}"
        api("post", f"{path}/decision", json={"outcome": "approve"})
        result: dict[str, Any] = api("post", f"{path}/issuance", status=201)
        return result

    return make


@pytest.fixture
def unchanged(session: Session) -> Callable[[], Callable[[], None]]:
    """`check = unchanged()` before a refused write; `check()` asserts nothing was written."""

    def snapshot() -> Callable[[], None]:
        before = {table: count_rows(session, table) for table in TABLES}

        def check() -> None:
            assert {table: count_rows(session, table) for table in TABLES} == before

        return check

    return snapshot
