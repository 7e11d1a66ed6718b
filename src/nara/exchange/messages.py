"""Exchange messages in the X-Road message protocol for REST (PR-REST r1), and their evidence.

A request is `{METHOD} /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}[/path][?query]`
with any body and media type. Headers a caller sends (docs/exchange.md lists them):

| header | carries |
|---|---|
| `X-Road-Client` | the calling subsystem (the last one counts when repeated) |
| `X-Road-Id` | the message id; one is made when absent and returned |
| `X-Road-UserId` | the official or user on whose behalf |
| `X-Road-Issue` | free text: the case, application or document behind the call |
| `X-Road-Purpose` | the purpose of a personal-data read (a Nara extension header) |
| `X-Road-Represented-Party` | `[CLASS/]CODE` of a party the client acts for |
| `Content-Type`, `Accept`, others | passed to the provider service unmodified |

Hop-by-hop headers, `Host`, `User-Agent`, `Server`, `Content-Length`, `Expect`, and the
caller's credentials (`Authorization`, `Cookie`) stop at the caller's node. Header values are
ASCII; other characters are percent-encoded (UTF-8), as PR-REST asks of identifiers.

**The request hash.** The head of a request is X-Road's serialisation of it:

    {METHOD} CRLF /r1/{service id as sent}{path as sent}[?{query as sent}] CRLF
    then, one per line, "{name}:{value}" CRLF for its X-Road headers (`x-road-*`, name in
    lower case, value as sent with surrounding blanks removed, sorted by name, repeated
    headers in the order sent) and its `content-type`, leaving out `x-road-request-id` and
    `x-road-request-hash`; `x-road-id` is the message id (the one returned if none was sent).

`X-Road-Request-Hash` = base64(SHA-512(SHA-512(head) ‖ SHA-512(body))), or base64(SHA-512(head))
for an empty body: PR-REST 4.3. A caller recomputes it from what it sent. A response's hash is
made the same way over `{STATUS} CRLF`, its X-Road headers (the request hash among them) and
its `content-type`, and its body.

**Signatures** (between nodes, `X-Nara-Signed-At`, `X-Nara-Signature`, `X-Nara-Caller`): the
client member signs `nara-xroad-request/2 LF {signed at} LF {caller} LF {request hash}`, the
provider member `nara-xroad-response/2 LF {signed at} LF {response hash}`. The message log
keeps every part of both texts (heads, body digests, instants, caller), so a signature can be
checked again from the log alone.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any, Final, TypeVar
from urllib.parse import quote, unquote

from nara.core.errors import NaraError
from nara.exchange import errors
from nara.exchange.errors import ExchangeError, refused
from nara.exchange.trust.identifiers import ServiceId, SubsystemId

PROTOCOL: Final = "r1"
REQUEST_VERSION: Final = "nara-xroad-request/2"
RESPONSE_VERSION: Final = "nara-xroad-response/2"

H_CLIENT: Final = "x-road-client"
H_ID: Final = "x-road-id"
H_USER: Final = "x-road-userid"
H_ISSUE: Final = "x-road-issue"
H_PURPOSE: Final = "x-road-purpose"
H_REPRESENTED: Final = "x-road-represented-party"
H_SERVICE: Final = "x-road-service"
H_REQUEST_ID: Final = "x-road-request-id"
H_REQUEST_HASH: Final = "x-road-request-hash"
H_ERROR: Final = "x-road-error"
H_CONTENT_TYPE: Final = "content-type"
H_ACCEPT: Final = "accept"
H_SIGNED_AT: Final = "x-nara-signed-at"
H_SIGNATURE: Final = "x-nara-signature"
H_CALLER: Final = "x-nara-caller"

FILTERED: Final = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "user-agent",
        "server",
        "content-length",
        "expect",
        "authorization",
        "cookie",
    }
)
"""Headers that stop at the node they reach (PR-REST 4.3's filtered headers, and credentials)."""

_UNHASHED: Final = frozenset({H_REQUEST_ID, H_REQUEST_HASH})
MESSAGE_ID: Final = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_PARTY: Final = re.compile(r"[A-Za-z0-9'()+,\-.=?]{1,255}")
"""A represented party's class or code, once percent-decoded: X-Road identifier characters."""
PURPOSE: Final = re.compile(r"[a-z][a-z0-9-]{1,63}")
"""A purpose code (`nara.exchange.purposes.PURPOSE_CODE`)."""
MAX_USER_ID: Final = 128
MAX_ISSUE: Final = 1000
MAX_TARGET: Final = 4000
"""The longest request target (path and query) accepted (PR-REST 4.2 lets a node limit it)."""
_CRLF: Final = b"\r\n"


def new_message_id() -> str:
    return str(uuid.uuid4())


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
            f"{H_SIGNED_AT} must be an ISO 8601 instant with a time zone; got {text[:64]!r}.",
            f"{H_SIGNED_AT}는 시간대가 있는 ISO 8601 시각이어야 합니다: {text[:64]!r}",
        )
    return instant


def bad_request(code: str, en: str, ko: str, **extra: Any) -> ExchangeError:
    """The caller's message does not follow the protocol (400 `Client.BadRequest`)."""
    return refused(errors.CLIENT_BAD_REQUEST, code, en, ko, **extra)


def digest(data: bytes) -> str:
    """Base64 SHA-512 of some bytes (`""` for none), as the message log keeps body digests."""
    return base64.b64encode(hashlib.sha512(data).digest()).decode() if data else ""


def message_hash(head: bytes, body_digest: str) -> str:
    """PR-REST's hash of a message from its head and its body's digest (`digest(body)`)."""
    inner = hashlib.sha512(head).digest()
    if body_digest:
        inner = hashlib.sha512(inner + base64.b64decode(body_digest)).digest()
        return base64.b64encode(inner).decode()
    return base64.b64encode(inner).decode()


def request_signing_text(signed_at: str, caller: str, request_hash: str) -> bytes:
    return f"{REQUEST_VERSION}\n{signed_at}\n{caller}\n{request_hash}".encode()


def response_signing_text(signed_at: str, response_hash: str) -> bytes:
    return f"{RESPONSE_VERSION}\n{signed_at}\n{response_hash}".encode()


def ascii_header(name: str, value: str) -> str:
    """A header value as it may travel: printable ASCII, other characters percent-encoded."""
    if value.isascii() and value.isprintable():
        return value
    return quote(value, safe="".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%"))


def checked_headers(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Received headers (names lower-cased) without the filtered ones; 400 `header_not_ascii`
    for a value that is not printable ASCII (it must be percent-encoded)."""
    kept: list[tuple[str, str]] = []
    for name, value in pairs:
        lowered = name.lower()
        if lowered in FILTERED or lowered.startswith("x-nara-"):
            continue
        if not (value.isascii() and value.isprintable()):
            raise bad_request(
                "header_not_ascii",
                f"The header {lowered} holds characters outside printable ASCII: percent-encode "
                f"them as UTF-8 (for example {ascii_header(lowered, _latin1_as_utf8(value))}).",
                f"{lowered} 헤더에 ASCII가 아닌 문자가 있습니다. UTF-8 퍼센트 인코딩하십시오 "
                f"(예: {ascii_header(lowered, _latin1_as_utf8(value))}).",
                header=lowered,
            )
        kept.append((lowered, value.strip()))
    return tuple(kept)


def _latin1_as_utf8(value: str) -> str:
    """What a header's raw bytes (decoded as Latin-1 by the server) meant as UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


_T = TypeVar("_T")


def _last_values(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each header's last value, by (lower-case) name."""
    return dict(headers)


def _keep_derived(source: object, copy: _T, names: tuple[str, ...]) -> _T:
    """`copy` (a `replace` of `source` that changed only its signature fields) with what
    `source` already derived from its unchanged head and body, so it is not derived again."""
    derived = vars(source)
    kept = vars(copy)
    for name in names:
        if name in derived:
            kept[name] = derived[name]
    return copy


def parse_target(target: str) -> tuple[ServiceId, str, str]:
    """`/r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/path][?query]` → service, path, query.

    Parts are percent-decoded (UTF-8); the path and query are kept as sent.
    """
    if len(target) > MAX_TARGET:
        raise bad_request(
            "target_too_long",
            f"The request URI is longer than {MAX_TARGET} characters.",
            f"요청 URI가 {MAX_TARGET}자를 넘습니다.",
        )
    raw_path, _, query = target.partition("?")
    parts = raw_path.split("/", 7)
    if len(parts) < 7 or parts[0] != "":
        raise bad_request(
            "service_id_invalid",
            "The request URI is /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/path][?query]; "
            f"got {raw_path[:200]!r}.",
            "요청 URI는 /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/경로][?질의] 형식입니다: "
            f"{raw_path[:200]!r}",
        )
    if parts[1] != PROTOCOL:
        raise refused(
            errors.CLIENT_INVALID_PROTOCOL,
            "protocol_version_invalid",
            f"The protocol version is {PROTOCOL}; got {parts[1][:20]!r}.",
            f"프로토콜 버전은 {PROTOCOL}입니다: {parts[1][:20]!r}",
        )
    try:
        service = _service_of(tuple(parts[2:7]))
    except (NaraError, UnicodeDecodeError) as error:
        message = error.message if isinstance(error, NaraError) else None
        raise bad_request(
            "service_id_invalid",
            message.en if message else "The service id is not percent-encoded UTF-8.",
            message.ko if message else "서비스 id가 퍼센트 인코딩된 UTF-8이 아닙니다.",
        ) from None
    path = "/" + parts[7] if len(parts) == 8 else ""
    return service, path, query


@lru_cache(maxsize=4096)
def _service_of(parts: tuple[str, ...]) -> ServiceId:
    """The service a target's five percent-encoded parts name (cached: a few services are
    called over and over)."""
    return ServiceId(
        SubsystemId(*(unquote(p, errors="strict") for p in parts[:4])),
        unquote(parts[4], errors="strict"),
    )


@lru_cache(maxsize=4096)
def _client_of(text: str) -> SubsystemId:
    parts = text.split("/")
    if len(parts) != 4:
        raise ValueError(text)
    return SubsystemId(*(unquote(p, errors="strict") for p in parts))


def parse_client(text: str | None) -> SubsystemId:
    """The subsystem `X-Road-Client` names (percent-decoded parts); 400 when malformed."""
    if not text:
        raise refused(
            errors.CLIENT_MISSING_HEADER,
            "client_missing",
            "The header X-Road-Client must name the calling subsystem "
            "INSTANCE/CLASS/MEMBER/SUBSYSTEM.",
            "X-Road-Client 헤더에 호출하는 시스템(INSTANCE/CLASS/MEMBER/SUBSYSTEM)이 있어야 "
            "합니다.",
            header=H_CLIENT,
        )
    try:
        return _client_of(text)
    except (ValueError, NaraError, UnicodeDecodeError):
        raise refused(
            errors.CLIENT_INVALID_CLIENT,
            "client_id_invalid",
            "X-Road-Client must be a subsystem INSTANCE/CLASS/MEMBER/SUBSYSTEM; "
            f"got {text[:200]!r}.",
            f"X-Road-Client는 INSTANCE/CLASS/MEMBER/SUBSYSTEM 형식이어야 합니다: {text[:200]!r}",
            header=H_CLIENT,
        ) from None


def parse_represented_party(text: str) -> str:
    """`[CLASS/]CODE`, each part percent-decoded and then of X-Road identifier characters."""
    parts = [unquote(p, errors="replace") for p in text.split("/")]
    if len(parts) > 2 or not all(_PARTY.fullmatch(p) for p in parts):
        raise bad_request(
            "represented_party_invalid",
            f"X-Road-Represented-Party is [CLASS/]CODE; got {text[:200]!r}.",
            f"X-Road-Represented-Party는 [CLASS/]CODE 형식입니다: {text[:200]!r}",
            header=H_REPRESENTED,
        )
    return "/".join(parts)


def _decoded(text: str) -> str:
    decoded = unquote(text, errors="replace")
    return decoded if decoded.isprintable() else text


def check_caller_values(request: Request) -> None:
    """What the caller states of its call must be fit to keep in the log and show a citizen:
    400 `Client.BadRequest` for a purpose that is not a purpose code, a user id or issue that
    is too long or decodes to control characters, a represented party that is not
    `[CLASS/]CODE` of identifier characters."""
    purpose = request.header(H_PURPOSE)
    if purpose and not PURPOSE.fullmatch(purpose):
        raise bad_request(
            "purpose_invalid",
            f"X-Road-Purpose is a purpose code (a-z, 0-9, -; 2 to 64); got {purpose[:80]!r}.",
            f"X-Road-Purpose는 목적 코드(a-z, 0-9, -; 2~64자)입니다: {purpose[:80]!r}",
            header=H_PURPOSE,
        )
    for name, limit, code in ((H_USER, MAX_USER_ID, "user_id"), (H_ISSUE, MAX_ISSUE, "issue")):
        sent = request.header(name) or ""
        decoded = unquote(sent, errors="replace")
        if len(decoded) > limit or not decoded.isprintable():
            raise bad_request(
                f"{code}_invalid",
                f"{name} is printable text of at most {limit} characters once percent-decoded.",
                f"{name}는 퍼센트 디코딩 후 {limit}자 이하의 출력 가능한 문자열이어야 합니다.",
                header=name,
            )
    request.represented_party  # noqa: B018  (parsed now: a malformed party is refused here)


def check_message_id(text: str) -> str:
    if not MESSAGE_ID.fullmatch(text):
        raise bad_request(
            "message_id_invalid",
            f"X-Road-Id must be 8 to 128 characters of A-Z a-z 0-9 . _ : -; got {text[:140]!r}.",
            f"X-Road-Id는 A-Z a-z 0-9 . _ : - 로 된 8~128자여야 합니다: {text[:140]!r}",
            header=H_ID,
        )
    return text


@dataclass(frozen=True)
class Request:
    """A request as the client sent it (`target` and headers raw), with the node's signature.

    `headers` are lower-cased, filtered, in the order received, and always carry `x-road-id`
    and `x-road-client`; `x-road-request-id` is the client node's id of this exchange.
    """

    method: str
    target: str
    """The request target as sent: `/r1/<service id>[/path][?query]`."""
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    signed_at: str = ""
    caller: str = ""
    """Who the client's node authenticated: `token:<name>`, `certificate:<subject>`, or
    `platform` for Nara's own code."""
    signature: str = ""

    @cached_property
    def _parsed(self) -> tuple[ServiceId, str, str]:
        return parse_target(self.target)

    @property
    def service(self) -> ServiceId:
        return self._parsed[0]

    @property
    def path(self) -> str:
        """The service's own path after its code (`""` when none)."""
        return self._parsed[1]

    @property
    def query(self) -> str:
        return self._parsed[2]

    @cached_property
    def _by_name(self) -> dict[str, str]:
        return _last_values(self.headers)

    def header(self, name: str) -> str | None:
        """The last value of a header (lower-case name), or None."""
        return self._by_name.get(name)

    @cached_property
    def client(self) -> SubsystemId:
        return parse_client(self.header(H_CLIENT))

    @property
    def message_id(self) -> str:
        return self.header(H_ID) or ""

    @property
    def request_id(self) -> str:
        return self.header(H_REQUEST_ID) or ""

    @cached_property
    def user_id(self) -> str:
        """`X-Road-UserId` percent-decoded; as sent when that would not be printable text."""
        return _decoded(self.header(H_USER) or "")

    @cached_property
    def issue(self) -> str:
        """`X-Road-Issue` percent-decoded; as sent when that would not be printable text."""
        return _decoded(self.header(H_ISSUE) or "")

    @property
    def purpose(self) -> str:
        return self.header(H_PURPOSE) or ""

    @cached_property
    def represented_party(self) -> str:
        text = self.header(H_REPRESENTED)
        return "" if text is None else parse_represented_party(text)

    @property
    def content_type(self) -> str:
        return self.header(H_CONTENT_TYPE) or ""

    @cached_property
    def head(self) -> bytes:
        """X-Road's serialisation of the request line and its hashed headers (module doc)."""
        lines = [self.method.encode(), _CRLF, self.target.encode(), _CRLF]
        for name, value in sorted((h for h in self.headers if _hashed(h[0])), key=lambda h: h[0]):
            lines += [name.encode(), b":", value.encode(), _CRLF]
        return b"".join(lines)

    @cached_property
    def body_digest(self) -> str:
        return digest(self.body)

    @cached_property
    def request_hash(self) -> str:
        return message_hash(self.head, self.body_digest)

    def signing_text(self) -> bytes:
        return request_signing_text(self.signed_at, self.caller, self.request_hash)

    def signed(self, *, signed_at: str, caller: str, signature: str) -> Request:
        copy = replace(self, signed_at=signed_at, caller=caller, signature=signature)
        return _keep_derived(self, copy, _REQUEST_DERIVED)

    def wire_headers(self) -> list[tuple[str, str]]:
        """The headers between nodes: the client's, and the client node's signature."""
        return [
            *self.headers,
            (H_SIGNED_AT, self.signed_at),
            (H_CALLER, ascii_header(H_CALLER, self.caller)),
            (H_SIGNATURE, self.signature),
        ]

    def service_headers(self) -> list[tuple[str, str]]:
        """What the provider service sees: every header the client sent (no signatures)."""
        return list(self.headers)


_REQUEST_DERIVED: Final = (
    "_parsed",
    "_by_name",
    "client",
    "user_id",
    "issue",
    "represented_party",
    "head",
    "body_digest",
    "request_hash",
)


def _hashed(name: str) -> bool:
    return (name.startswith("x-road-") and name not in _UNHASHED) or name == H_CONTENT_TYPE


@dataclass(frozen=True)
class Response:
    """A provider's answer: its status, headers (lower-case) and body, signed by its member."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    signed_at: str = ""
    signature: str = ""

    @cached_property
    def _by_name(self) -> dict[str, str]:
        return _last_values(self.headers)

    def header(self, name: str) -> str | None:
        return self._by_name.get(name)

    @property
    def error_type(self) -> str:
        return self.header(H_ERROR) or ""

    @property
    def request_hash(self) -> str:
        return self.header(H_REQUEST_HASH) or ""

    @property
    def message_id(self) -> str:
        return self.header(H_ID) or ""

    @property
    def content_type(self) -> str:
        return self.header(H_CONTENT_TYPE) or ""

    @cached_property
    def head(self) -> bytes:
        lines = [str(self.status).encode(), _CRLF]
        for name, value in sorted(
            (h for h in self.headers if h[0].startswith("x-road-") or h[0] == H_CONTENT_TYPE),
            key=lambda h: h[0],
        ):
            lines += [name.encode(), b":", value.encode(), _CRLF]
        return b"".join(lines)

    @cached_property
    def body_digest(self) -> str:
        return digest(self.body)

    @cached_property
    def response_hash(self) -> str:
        return message_hash(self.head, self.body_digest)

    def signing_text(self) -> bytes:
        return response_signing_text(self.signed_at, self.response_hash)

    def signed(self, *, signed_at: str, signature: str) -> Response:
        copy = replace(self, signed_at=signed_at, signature=signature)
        return _keep_derived(self, copy, ("_by_name", "head", "body_digest", "response_hash"))

    def wire_headers(self) -> list[tuple[str, str]]:
        return [*self.headers, (H_SIGNED_AT, self.signed_at), (H_SIGNATURE, self.signature)]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """What a provider service answers (before the provider's node adds X-Road's headers)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def xroad_headers(
    request: Request, *, error_type: str = "", service: ServiceId | None = None
) -> list[tuple[str, str]]:
    """The X-Road headers a provider's node adds to a response (PR-REST 4.3)."""
    found = [
        (H_CLIENT, request.header(H_CLIENT) or ""),
        (H_SERVICE, _service_text(service or request.service)),
        (H_ID, request.message_id),
        (H_REQUEST_ID, request.request_id),
        (H_REQUEST_HASH, request.request_hash),
    ]
    if error_type:
        found.append((H_ERROR, error_type))
    return found


@lru_cache(maxsize=4096)
def _service_text(service: ServiceId) -> str:
    parts = (*_parts(service.subsystem), service.service_code)
    return "/".join(quote(p, safe="") for p in parts)


def _parts(subsystem: SubsystemId) -> tuple[str, str, str, str]:
    return (
        subsystem.instance,
        subsystem.member_class,
        subsystem.member_code,
        subsystem.subsystem_code,
    )


def service_target(service: ServiceId, path: str = "", query: str = "") -> str:
    """The request target of a call: `/r1/<service id, each part percent-encoded>[path][?q]`."""
    target = f"/{PROTOCOL}/{_service_text(service)}{path}"
    return f"{target}?{query}" if query else target


@lru_cache(maxsize=4096)
def client_text(client: SubsystemId) -> str:
    return "/".join(quote(p, safe="") for p in _parts(client))


def encode_params(params: dict[str, Any]) -> bytes:
    """The JSON body of a call: sorted keys, dates as ISO text."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=_json_default).encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


json_default = _json_default
