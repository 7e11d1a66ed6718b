"""Errors of the exchange as X-Road gives them: a type in `X-Road-Error`, JSON or XML bodies.

PR-REST sorts failures into four categories. A provider service that refuses (a person not
found, a rule broken) answers with its own status and body, carried unmodified (category 1):
no `X-Road-Error`. Everything the exchange itself refuses or fails at carries the header
`X-Road-Error` with an X-Road error type and the body

    {"type": "<X-Road type>", "message": "...", "detail": "<message id>",
     "code": "<Nara's stable code>", "message_ko": "...", "status": <Nara's status>, ...}

with status 400 for `Client.*` (the caller's request does not follow the protocol, or is not
the caller's to send) and 500 for `Server.*` (`Server.ClientProxy.*` where the consumer's side
failed, `Server.ServerProxy.*` where the provider's side refused or failed); 413 marks a body
larger than the exchange accepts. The type names are X-Road's (`ErrorCodes.java`); `code`
keeps Nara's finer reason (`consent_missing` under `Server.ServerProxy.AccessDenied`) and
`status` the HTTP status Nara's own APIs give it, so a client inside Nara raises the same error
class. The body is JSON unless the caller's `Accept` prefers XML; either way with a charset.
"""

from __future__ import annotations

import json
from typing import Any, Final
from xml.sax.saxutils import escape

from nara.core.errors import Message, NaraError

JSON_TYPE: Final = "application/json; charset=utf-8"
XML_TYPE: Final = "application/xml; charset=utf-8"

# X-Road error types (ErrorCodes.java names, as security servers spell them).
CLIENT_BAD_REQUEST: Final = "Client.BadRequest"
CLIENT_INVALID_CLIENT: Final = "Client.InvalidClientIdentifier"
CLIENT_INVALID_PROTOCOL: Final = "Client.InvalidProtocolVersion"
CLIENT_MISSING_HEADER: Final = "Client.MissingHeader"
CLIENT_INVALID_HTTP_METHOD: Final = "Client.InvalidHttpMethod"
CLIENT_SSL_AUTH: Final = "Server.ClientProxy.SslAuthenticationFailed"
CLIENT_PROXY_NETWORK: Final = "Server.ClientProxy.NetworkError"
CLIENT_PROXY_UNKNOWN_MEMBER: Final = "Server.ClientProxy.UnknownMember"
CLIENT_PROXY_INTERNAL: Final = "Server.ClientProxy.InternalError"
CLIENT_PROXY_INCONSISTENT: Final = "Server.ClientProxy.InconsistentResponse"
CLIENT_PROXY_CERT: Final = "Server.ClientProxy.CertValidation"
CLIENT_PROXY_SIGNATURE: Final = "Server.ClientProxy.SignatureVerification"
SERVER_UNKNOWN_SERVICE: Final = "Server.ServerProxy.UnknownService"
SERVER_SERVICE_DISABLED: Final = "Server.ServerProxy.ServiceDisabled"
SERVER_ACCESS_DENIED: Final = "Server.ServerProxy.AccessDenied"
SERVER_INVALID_MESSAGE: Final = "Server.ServerProxy.InvalidMessage"
SERVER_SIGNATURE: Final = "Server.ServerProxy.SignatureVerification"
SERVER_CERT: Final = "Server.ServerProxy.CertValidation"
SERVER_SERVICE_FAILED: Final = "Server.ServerProxy.ServiceFailed"
SERVER_INTERNAL: Final = "Server.ServerProxy.InternalError"
SERVER_UNKNOWN_MEMBER: Final = "Server.ServerProxy.UnknownMember"


class ExchangeError(NaraError):
    """A refusal or failure of the exchange itself, with its X-Road error type.

    `http_status` follows the type on the X-Road interface (400 `Client.*`, 500 `Server.*`,
    413 for a body too large); `status` is the one Nara's own APIs give the same reason (403
    for consent), which a client inside the platform raises again.
    """

    def __init__(
        self,
        code: str,
        message: Message,
        extra: dict[str, Any] | None = None,
        xroad_type: str = CLIENT_BAD_REQUEST,
        nara_status: int = 400,
    ) -> None:
        super().__init__(code, message, extra or {})
        self.xroad_type = xroad_type
        self.nara_status = nara_status

    @property
    def status(self) -> int:  # type: ignore[override]  # NaraError.status is a class constant
        return self.nara_status

    @property
    def http_status(self) -> int:
        if self.code == "body_too_large":
            return 413
        return 400 if self.xroad_type.startswith("Client.") else 500


def refused(
    xroad_type: str, code: str, en: str, ko: str, *, nara_status: int = 400, **extra: Any
) -> ExchangeError:
    """An exchange refusal of an X-Road type, with Nara's code, messages and status."""
    return ExchangeError(code, Message(en, ko), dict(extra), xroad_type, nara_status)


def as_exchange_error(error: NaraError, xroad_type: str) -> ExchangeError:
    """A Nara error raised by the exchange's checks, under an X-Road type (its status kept)."""
    if isinstance(error, ExchangeError):
        return error
    return ExchangeError(error.code, error.message, dict(error.extra), xroad_type, error.status)


def error_document(error: ExchangeError, message_id: str) -> dict[str, Any]:
    """The fields of an error body, X-Road's first (`type`, `message`, `detail`)."""
    return {
        "type": error.xroad_type,
        "message": error.message.en,
        "detail": message_id,
        "code": error.code,
        "message_ko": error.message.ko,
        "status": error.nara_status,
        **{k: v for k, v in error.extra.items() if k not in _RESERVED},
    }


_RESERVED: Final = frozenset({"type", "message", "detail", "code", "message_ko", "status"})


def wants_xml(accept: str | None) -> bool:
    """Whether an `Accept` header prefers XML to JSON (JSON when absent or equal)."""
    if not accept:
        return False
    best_json = best_xml = -1.0
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if media in {"application/xml", "text/xml"} or media.endswith("+xml"):
            best_xml = max(best_xml, quality)
        elif media in {"application/json", "application/*", "*/*"} or media.endswith("+json"):
            best_json = max(best_json, quality)
    return best_xml > 0 and best_xml > best_json


def render_error(error: ExchangeError, message_id: str, accept: str | None) -> tuple[bytes, str]:
    """The body and content type of an error, in the format the caller accepts."""
    document = error_document(error, message_id)
    if wants_xml(accept):
        return to_xml("error", document), XML_TYPE
    return json.dumps(document, ensure_ascii=False, default=str).encode(), JSON_TYPE


def to_xml(root: str, document: dict[str, Any]) -> bytes:
    """A flat XML document of `document` (lists repeat their element; nested dicts nest)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', f"<{root}>"]
    _xml_fields(parts, document)
    parts.append(f"</{root}>")
    return "".join(parts).encode()


def _xml_fields(parts: list[str], document: dict[str, Any]) -> None:
    for key, value in document.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                parts.append(f"<{key}/>")
            elif isinstance(item, dict):
                parts.append(f"<{key}>")
                _xml_fields(parts, item)
                parts.append(f"</{key}>")
            else:
                text = str(item).lower() if isinstance(item, bool) else str(item)
                parts.append(f"<{key}>{escape(text)}</{key}>")


def service_failed() -> ExchangeError:
    return refused(
        SERVER_SERVICE_FAILED,
        "provider_failed",
        "The provider failed to answer.",
        "제공기관이 응답하지 못했습니다.",
        nara_status=502,
    )
