"""No route reads a body beyond NARA_MAX_REQUEST_BYTES, whoever sends it and however; the
time-stamp authority reads at most one query's worth, and at most so many a minute."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from asn1crypto import tsp  # type: ignore[import-untyped]
from fastapi.testclient import TestClient

from nara.core.settings import Settings
from tests.conftest import TEST_PII_KEY

LIMIT = 65_536


@pytest.fixture
def settings(database_url: str, keys_dir: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        pii_key=TEST_PII_KEY,
        exchange_keys_dir=keys_dir,
        max_request_bytes=LIMIT,
        exchange_tsa_rate="3/minute",
    )


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * 1024
        sent += 1024


@pytest.mark.parametrize("path", ["/api/exchange/consent/mandates", "/signin"])
def test_a_declared_body_over_the_limit_is_refused_before_the_route(
    client: TestClient, path: str
) -> None:
    refused = client.post(path, content=b"{" * (LIMIT + 1))
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "body_too_large"


def test_a_chunked_body_is_stopped_once_it_passes_the_limit(client: TestClient) -> None:
    refused = client.post(
        "/api/exchange/consent/mandates",
        content=_chunks(LIMIT * 50),
        headers={"content-type": "application/json", "accept-language": "ko"},
    )
    assert refused.status_code == 413
    assert refused.json()["code"] == "body_too_large"
    assert "바이트" in refused.json()["detail"]


def test_a_body_within_the_limit_reaches_the_route(client: TestClient) -> None:
    answered = client.post("/api/exchange/consent/mandates", json={})
    assert answered.status_code in {401, 422}


def _query() -> bytes:
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(b"a log head").digest(),
            },
            "cert_req": True,
        }
    )
    return bytes(request.dump())


def test_the_time_stamp_authority_answers_a_few_a_minute_per_address(client: TestClient) -> None:
    answers = [
        client.post(
            "/api/exchange/tsa",
            content=_query(),
            headers={"content-type": "application/timestamp-query"},
        )
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["code"] == "time_stamp_rate"


def test_the_time_stamp_authority_reads_no_more_than_a_query(client: TestClient) -> None:
    refused = client.post("/api/exchange/tsa", content=_chunks(LIMIT - 1024))
    assert refused.status_code == 409
    assert refused.json()["code"] == "time_stamp_refused"
