"""PR-REST as written: any method, a service's own path and query, bodies of any media type and
the caller's headers reach the provider unmodified; the answer comes back with X-Road's headers;
the request hash is one the caller recomputes from what it sent."""

from __future__ import annotations

import base64
import hashlib

from fastapi.testclient import TestClient

from tests.exchange.world import LAND, World

XML = b'<?xml version="1.0"?><query><name>\xea\xb9\x80</name></query>'


def _call_echo(world: World, transport: str, message: str) -> tuple[dict[str, object], object]:
    headers = [
        ("Authorization", f"Bearer {world.token}"),
        ("X-Road-Client", "KR/GOV/SCOURT/nobody"),
        ("X-Road-Client", LAND),  # repeated: the last one counts (PR-REST 4.3)
        ("X-Road-Id", message),
        ("X-Road-UserId", "KR12345"),
        ("X-Road-Issue", "MT324223MSD"),
        ("X-Road-Represented-Party", "COM/12345678"),
        ("Content-Type", "application/xml; charset=utf-8"),
        ("Accept", "application/xml"),
        ("X-Custom-Thing", "first"),
        ("X-Custom-Thing", "second"),
    ]
    with TestClient(world.app(transport)) as http:
        answer = http.request(
            "GET",
            "/r1/KR/GOV/MOIS/residents/echo/v2/bar/zyggy?quu=1&quu=2&x=%20y",
            headers=headers,
            content=XML,
        )
    return {"headers": headers}, answer


def test_a_get_with_path_query_xml_body_and_headers_reaches_the_service_unmodified(
    world: World, transport: str
) -> None:
    message = f"echo-{transport}-0001"
    _, answer = _call_echo(world, transport, message)

    assert answer.status_code == 201, answer.text  # type: ignore[attr-defined]
    seen = answer.json()  # type: ignore[attr-defined]
    assert seen["method"] == "GET"
    assert seen["path"] == "/v2/bar/zyggy"
    assert seen["query"] == "quu=1&quu=2&x=%20y"
    assert base64.b64decode(seen["body"]) == XML
    received = [tuple(pair) for pair in seen["headers"]]
    for pair in [
        ("x-road-issue", "MT324223MSD"),
        ("x-road-represented-party", "COM/12345678"),
        ("content-type", "application/xml; charset=utf-8"),
        ("accept", "application/xml"),
        ("x-custom-thing", "first"),
        ("x-custom-thing", "second"),
        ("x-road-userid", "KR12345"),
    ]:
        assert pair in received, pair
    assert not any(name in {"authorization", "host"} for name, _ in received)
    assert (seen["issue"], seen["represented_party"], seen["user_id"], seen["client"]) == (
        "MT324223MSD",
        "COM/12345678",
        "KR12345",
        "land",
    )
    headers = answer.headers  # type: ignore[attr-defined]
    assert headers.get_list("x-echo") == ["yes", "twice"]
    assert headers["X-Road-Service"] == "KR/GOV/MOIS/residents/echo"
    assert headers["X-Road-Client"] == LAND
    assert headers["X-Road-Id"] == message
    assert headers["X-Road-Request-Id"]
    assert "X-Road-Error" not in headers
    entries = world.entries(message)
    sides = {entry.side for entry in entries}
    assert sides == ({"provider"} if transport == "inprocess" else {"provider", "consumer"})
    for entry in entries:
        assert (entry.issue, entry.represented_party, entry.status) == (
            "MT324223MSD",
            "COM/12345678",
            201,
        )
        assert entry.request_head is not None and "x-road-issue:MT324223MSD" in entry.request_head


def _request_hash(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> str:
    """The request hash as docs/exchange.md defines it, from what the caller sent."""
    hashed = sorted(
        (
            (name.lower(), value.strip())
            for name, value in headers
            if (name.lower().startswith("x-road-") or name.lower() == "content-type")
            and name.lower() not in {"x-road-request-id", "x-road-request-hash"}
        ),
        key=lambda pair: pair[0],
    )
    head = f"{method}\r\n{target}\r\n".encode()
    head += b"".join(f"{name}:{value}\r\n".encode() for name, value in hashed)
    inner = hashlib.sha512(head).digest()
    if body:
        inner = hashlib.sha512(inner + hashlib.sha512(body).digest()).digest()
    return base64.b64encode(inner).decode()


def test_the_caller_recomputes_the_request_hash_from_what_it_sent(
    world: World, transport: str
) -> None:
    message = f"echo-{transport}-0002"
    sent, answer = _call_echo(world, transport, message)

    expected = _request_hash(
        "GET",
        "/r1/KR/GOV/MOIS/residents/echo/v2/bar/zyggy?quu=1&quu=2&x=%20y",
        [(n, v) for n, v in sent["headers"] if n != "Authorization"],  # type: ignore[attr-defined]
        XML,
    )
    assert answer.headers["X-Road-Request-Hash"] == expected  # type: ignore[attr-defined]


def test_an_issue_outside_ascii_is_percent_encoded_or_refused(world: World) -> None:
    base = {
        "Authorization": f"Bearer {world.token}",
        "X-Road-Client": LAND,
        "X-Road-Purpose": "register-check",
    }
    with TestClient(world.local) as http:
        raw = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [1]},
            headers={**base, "X-Road-Issue": "2026-가-123".encode()},
        )
        encoded = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [1]},
            headers={
                **base,
                "X-Road-Issue": "2026-%EA%B0%80-123",
                "X-Road-Id": "encoded-issue-0001",
            },
        )

    assert raw.status_code == 400, raw.text
    assert raw.headers["X-Road-Error"] == "Client.BadRequest"
    assert raw.json()["code"] == "header_not_ascii"
    assert "2026-%EA%B0%80-123" in raw.json()["message"]
    assert encoded.status_code == 200, encoded.text
    [entry] = world.entries("encoded-issue-0001")
    assert entry.issue == "2026-가-123"


def _nested(depth: int) -> bytes:
    return b'{"person_ids":' + b"[" * depth + b"1" + b"]" * depth + b"}"


def test_deeply_nested_json_is_a_bad_request(world: World, transport: str) -> None:
    with TestClient(world.app(transport)) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            content=_nested(100_000),
            headers={
                "Authorization": f"Bearer {world.token}",
                "X-Road-Client": LAND,
                "X-Road-Purpose": "register-check",
                "Content-Type": "application/json",
            },
        )

    assert answer.status_code == 400, answer.text
    assert "X-Road-Error" not in answer.headers  # the service's own refusal (category 1)
    assert answer.json()["code"] == "body_invalid"


def test_a_body_larger_than_the_exchange_accepts_is_413(world: World) -> None:
    limit = world.local.state.exchange.max_body
    with TestClient(world.local) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/echo",
            content=b"x" * (limit + 1),
            headers={"Authorization": f"Bearer {world.token}", "X-Road-Client": LAND},
        )

    assert answer.status_code == 413, answer.text
    assert answer.headers["X-Road-Error"] == "Client.BadRequest"
    assert answer.json()["code"] == "body_too_large"
