"""Exchange messages in the X-Road message protocol for REST, signed by the sending member.

A request is `POST /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}` with a JSON body
(the service's parameters) and the headers

| header | carries |
|---|---|
| `X-Road-Client` | the calling subsystem, `KR/GOV/SCOURT/land` |
| `X-Road-Id` | a message id, unique per client (a replay is refused) |
| `X-Road-UserId` | the official or system user on whose behalf the call is made |
| `X-Road-Issue` | `purpose=<code>; basis=<lawful basis>[; case=<reference>]` |
| `X-Nara-Timestamp` | when it was signed (ISO 8601 UTC); outside the replay window it is stale |
| `X-Nara-Signature` | the client member's signature `<key id>.<base64url>` of `signing_text()` |

A response carries `X-Road-Id`, `X-Road-Service`, `X-Road-Request-Id`, `X-Road-Request-Hash`
(base64 SHA-512 of the request as signed, as X-Road computes it), `X-Nara-Timestamp` and
the provider member's `X-Nara-Signature` of its own `signing_text()`. A failure also carries
`X-Road-Error` (an X-Road error type such as `Server.ServerProxy.AccessDenied`) and a JSON
body `{"type", "message", "detail", "code", "message_ko", "status"}`.

The signing texts are line-based so that any client can build them: a version line, then the
fields, then the hex SHA-256 of the body (see `Request.signing_text`, `Response.signing_text`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Final

from nara.core.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Message,
    NaraError,
    NotFound,
    Unauthorized,
)
from nara.exchange.trust.identifiers import ServiceId, SubsystemId

REQUEST_VERSION: Final = "nara-xroad-request/1"
RESPONSE_VERSION: Final = "nara-xroad-response/1"

H_CLIENT: Final = "X-Road-Client"
H_ID: Final = "X-Road-Id"
H_USER: Final = "X-Road-UserId"
H_ISSUE: Final = "X-Road-Issue"
H_SERVICE: Final = "X-Road-Service"
H_REQUEST_ID: Final = "X-Road-Request-Id"
H_REQUEST_HASH: Final = "X-Road-Request-Hash"
H_ERROR: Final = "X-Road-Error"
H_TIMESTAMP: Final = "X-Nara-Timestamp"
H_SIGNATURE: Final = "X-Nara-Signature"

MESSAGE_ID: Final = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_ISSUE_KEYS: Final = ("purpose", "basis", "case")


def new_message_id() -> str:
    return uuid.uuid4().hex


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def instant_text(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_instant(text: str) -> dt.datetime:
    try:
        instant = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise bad_request(
            "timestamp_invalid",
            f"{H_TIMESTAMP} must be an ISO 8601 instant with a time zone; got {text!r}.",
            f"{H_TIMESTAMP}는 시간대가 있는 ISO 8601 시각이어야 합니다: {text!r}",
        )
    return instant


def encode_params(params: dict[str, Any]) -> bytes:
    """The JSON body of a call: sorted keys, dates as ISO text."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=_json_default).encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def bad_request(code: str, en: str, ko: str, **extra: Any) -> NaraError:
    """A malformed message (400): the base `NaraError` is a bad request."""
    return NaraError(code, Message(en, ko), extra)


@dataclass(frozen=True)
class Issue:
    """What `X-Road-Issue` carries: the purpose code, the lawful basis claimed, a case reference."""

    purpose: str
    basis: str = ""
    case: str = ""

    def __str__(self) -> str:
        parts = [f"purpose={self.purpose}"]
        if self.basis:
            parts.append(f"basis={self.basis}")
        if self.case:
            parts.append(f"case={self.case}")
        return "; ".join(parts)

    @classmethod
    def parse(cls, text: str) -> Issue:
        values: dict[str, str] = {}
        for part in text.split(";"):
            key, sep, value = part.strip().partition("=")
            if not sep or key not in _ISSUE_KEYS or key in values or not value.strip():
                raise bad_request(
                    "issue_invalid",
                    f"{H_ISSUE} is 'purpose=<code>; basis=<lawful basis>; case=<ref>'; "
                    f"got {text!r}.",
                    f"{H_ISSUE}는 'purpose=<코드>; basis=<법적 근거>; case=<번호>' "
                    f"형식입니다: {text!r}",
                )
            values[key] = value.strip()
        if "purpose" not in values:
            raise bad_request(
                "purpose_missing",
                f"{H_ISSUE} must name the purpose of the call (purpose=<code>).",
                f"{H_ISSUE}에 조회 목적(purpose=<코드>)이 있어야 합니다.",
            )
        return cls(values["purpose"], values.get("basis", ""), values.get("case", ""))


@dataclass(frozen=True)
class Request:
    """A signed request from a client subsystem to a service."""

    service: ServiceId
    client: SubsystemId
    message_id: str
    user_id: str
    issue: Issue
    timestamp: dt.datetime
    body: bytes
    method: str = "POST"
    path: str = ""
    """The rest of the URL after the service code (empty for our function-like services)."""
    signature: str = ""

    @property
    def url_path(self) -> str:
        return f"/r1/{self.service.subsystem}/{self.service.service_code}{self.path}"

    def signing_text(self) -> bytes:
        """The bytes the client member signs (computed once per request)."""
        return self._text

    @cached_property
    def _text(self) -> bytes:
        return "\n".join(
            (
                REQUEST_VERSION,
                self.method,
                self.url_path,
                str(self.client),
                self.message_id,
                self.user_id,
                str(self.issue),
                instant_text(self.timestamp),
                body_sha256(self.body),
            )
        ).encode()

    def request_hash(self) -> str:
        """X-Road's request hash: base64 SHA-512 of the request as signed (text + signature)."""
        return self._hash

    @cached_property
    def _hash(self) -> str:
        digest = hashlib.sha512(self.signing_text() + b"\n" + self.signature.encode()).digest()
        return base64.b64encode(digest).decode()

    def signed(self, signature: str) -> Request:
        return replace(self, signature=signature)

    def headers(self) -> dict[str, str]:
        return {
            H_CLIENT: str(self.client),
            H_ID: self.message_id,
            H_USER: self.user_id,
            H_ISSUE: str(self.issue),
            H_TIMESTAMP: instant_text(self.timestamp),
            H_SIGNATURE: self.signature,
            "Content-Type": "application/json",
        }


@dataclass(frozen=True)
class Response:
    """A provider's signed answer to a request (a result or an X-Road error)."""

    status: int
    service: ServiceId
    message_id: str
    request_hash: str
    timestamp: dt.datetime
    body: bytes
    request_id: str = field(default_factory=new_message_id)
    error_type: str = ""
    signature: str = ""

    def signing_text(self) -> bytes:
        return "\n".join(
            (
                RESPONSE_VERSION,
                str(self.status),
                str(self.service),
                self.message_id,
                self.request_id,
                self.request_hash,
                self.error_type,
                instant_text(self.timestamp),
                body_sha256(self.body),
            )
        ).encode()

    def signed(self, signature: str) -> Response:
        return replace(self, signature=signature)

    def headers(self) -> dict[str, str]:
        headers = {
            H_ID: self.message_id,
            H_SERVICE: str(self.service),
            H_REQUEST_ID: self.request_id,
            H_REQUEST_HASH: self.request_hash,
            H_TIMESTAMP: instant_text(self.timestamp),
            H_SIGNATURE: self.signature,
            "Content-Type": "application/json",
        }
        if self.error_type:
            headers[H_ERROR] = self.error_type
        return headers

    def json(self) -> Any:
        return json.loads(self.body)


# Errors on the wire ----------------------------------------------------------------------------

_CLIENT_CODES: Final = frozenset(
    {
        "issue_invalid",
        "purpose_missing",
        "timestamp_invalid",
        "message_id_invalid",
        "client_id_invalid",
        "service_id_invalid",
        "body_invalid",
        "signature_malformed",
        "signature_missing",
        "method_not_allowed",
    }
)


def error_type(code: str, status: int) -> str:
    """The X-Road error type of a problem code, e.g. `access_denied` → `...AccessDenied`."""
    camel = "".join(part.capitalize() for part in code.split("_"))
    if code in _CLIENT_CODES or status == 400:
        return f"Client.{camel}"
    return f"Server.ServerProxy.{camel}"


def error_body(error: NaraError, message_id: str) -> bytes:
    body = {
        "type": error_type(error.code, error.status),
        "message": error.message.en,
        "message_ko": error.message.ko,
        "detail": message_id,
        "code": error.code,
        "status": error.status,
        **{k: v for k, v in error.extra.items() if k not in {"type", "message", "code"}},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()


_BY_STATUS: Final[dict[int, type[NaraError]]] = {
    400: NaraError,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: Invalid,
}


class ProviderFailed(NaraError):
    """The provider could not answer (a 5xx): the call may be retried later."""

    status = 502
    title = Message("The providing agency failed", "제공기관 오류")


def remote_error(status: int, body: dict[str, Any]) -> NaraError:
    """The provider's refusal as the client raises it: the same class, code and messages."""
    extra = {
        k: v
        for k, v in body.items()
        if k not in {"type", "message", "message_ko", "detail", "code", "status"}
    }
    extra["xroad_error"] = str(body.get("type", ""))
    kind = _BY_STATUS.get(status, ProviderFailed)
    return kind(
        str(body.get("code", "exchange_error")),
        Message(str(body.get("message", "")), str(body.get("message_ko", ""))),
        extra,
    )


def raise_for_response(response: Response) -> None:
    """Raise the provider's error (`remote_error`) when the response is one."""
    if response.status < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"code": "exchange_error", "message": "The provider's error was not readable."}
    raise remote_error(response.status, body)
