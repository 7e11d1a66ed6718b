"""Every operation of the API, fed generated input (schemathesis, from the OpenAPI document):
no input makes the platform fail, and every refusal is a problem document with a code.

The caller holds a token with every scope, so requests reach the routes' own validation;
citizen and official routes answer 401 without a session, which is checked the same way.
A fixed number of examples per operation keeps the run short.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

SCOPES = [
    f"{area}:{right}"
    for area in (
        "residents",
        "family",
        "land",
        "vehicles",
        "business",
        "tax",
        "welfare",
        "passports",
        "finance",
    )
    for right in ("read", "write")
] + [
    "exchange:admin",
    "exchange:call",
    "exchange:read",
    "exchange:subscribe",
    "exchange:usage",
    "consent:read",
    "consent:write",
    "consent:audit",
    "documents:issue",
    "documents:revoke",
]
CLIENT = "KR/GOV/SCOURT/land"
"""The subsystem the token's `exchange:call` is bound to."""
EXAMPLES = 2
_TOKENS: weakref.WeakKeyDictionary[Callable[..., dict[str, str]], dict[str, str]] = (
    weakref.WeakKeyDictionary()
)
"""One token per test (database), not one per generated request."""


@schemathesis.serializer(
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/octet-stream",
    "application/timestamp-query",
)
def _raw_bytes(_context: Any, value: Any) -> bytes:
    """Uploads (a PDF to verify, an attachment) are sent as raw bytes of whatever was
    generated: mostly not a valid file, which must be refused cleanly."""
    if isinstance(value, bytes):
        return value
    return str(value).encode()


@pytest.fixture
def api_schema(app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


XROAD_PREFIX = "/r1/"
"""The X-Road REST interface answers the exchange's refusals in X-Road's own form
(`X-Road-Error`, 400 `Client.*` or 500 `Server.*`); the platform's (a missing token, bad
input) as problem documents."""
METADATA = ("/listClients", "/listMethods", "/allowedMethods", "/getOpenAPI")
"""X-Road's and GovStack's metaservice paths, which refuse in X-Road's form too."""


def _xroad_refusal(path: str, response: Any) -> bool:
    """An X-Road refusal of the exchange's interface: never an internal error."""
    kind = response.headers.get("x-road-error")
    kind = kind[-1] if isinstance(kind, list) else kind
    if not kind or not (path.startswith(XROAD_PREFIX) or path.endswith(METADATA)):
        return False
    assert not kind.endswith(".InternalError"), (kind, response.text[:300])
    return True


def _problem_documents(path: str, response: Any) -> None:
    """A refusal is `application/problem+json` with a stable `code` (or, on the X-Road
    interface, carries the `X-Road-Error` header)."""
    if response.status_code < 400:
        return
    if _xroad_refusal(path, response):
        return
    media_type = response.headers.get("content-type", [""])
    media_type = media_type[0] if isinstance(media_type, list) else media_type
    assert media_type.startswith("application/problem+json"), (
        f"{response.status_code} answered as {media_type!r}"
    )
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], body


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_makes_the_api_fail(case: Any, auth: Callable[..., dict[str, str]]) -> None:
    if auth not in _TOKENS:
        _TOKENS[auth] = auth(*SCOPES, client=CLIENT)
    headers = _TOKENS[auth]
    response = case.call(headers=headers)
    if not (response.status_code == 500 and _xroad_refusal(case.path, response)):
        case.validate_response(response, checks=[not_a_server_error])
    _problem_documents(case.path, response)
