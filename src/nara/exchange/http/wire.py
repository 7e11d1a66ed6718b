"""X-Road REST on the wire: reading a request's path and headers, writing answers and errors."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import Response as HttpResponse

from nara.core.errors import NaraError
from nara.exchange.members import SERVICE_VERSION
from nara.exchange.messages import (
    H_ERROR,
    H_ID,
    MESSAGE_ID,
    Response,
    bad_request,
    error_body,
    error_type,
)
from nara.exchange.trust.identifiers import ServiceId, SubsystemId

JSON = "application/json"


def error_response(
    error: NaraError, message_id: str = "", headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """An unsigned X-Road error: the JSON body `error_body` and the `X-Road-Error` header."""
    found = {H_ERROR: error_type(error.code, error.status), **(headers or {})}
    if message_id:
        found[H_ID] = message_id
    return HttpResponse(
        error_body(error, message_id), status_code=error.status, headers=found, media_type=JSON
    )


def reply(response: Response, headers: Mapping[str, str] | None = None) -> HttpResponse:
    """A provider's signed `Response` as an HTTP answer (status, X-Road headers, body)."""
    found = response.headers()
    found.pop("Content-Type", None)
    found.update(headers or {})
    return HttpResponse(response.body, status_code=response.status, headers=found, media_type=JSON)


def service_of_path(path: str) -> tuple[ServiceId, str]:
    """`/r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/rest]` → the service and the rest."""
    parts = path.split("/")
    if len(parts) < 7 or parts[0] != "" or parts[1] != "r1":
        raise bad_request(
            "service_id_invalid",
            f"The path must be /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE; got {path!r}.",
            f"경로는 /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE 형식이어야 합니다: {path!r}",
        )
    rest = "/" + "/".join(parts[7:]) if len(parts) > 7 else ""
    try:
        service = SubsystemId(*parts[2:6]).service(parts[6], SERVICE_VERSION)
    except NaraError as error:
        raise bad_request("service_id_invalid", error.message.en, error.message.ko) from None
    return service, rest


def client_of(headers: Mapping[str, str], name: str) -> SubsystemId:
    """The calling subsystem a header (`X-Road-Client`) names."""
    text = headers.get(name)
    if not text:
        raise bad_request(
            "client_id_invalid",
            f"The header {name} must name the calling subsystem INSTANCE/CLASS/MEMBER/SUBSYSTEM.",
            f"{name} 헤더에 호출하는 시스템(INSTANCE/CLASS/MEMBER/SUBSYSTEM)이 있어야 합니다.",
        )
    try:
        return SubsystemId.parse(text)
    except NaraError as error:
        raise bad_request("client_id_invalid", error.message.en, error.message.ko) from None


def message_id_of(text: str) -> str:
    if not MESSAGE_ID.fullmatch(text):
        raise bad_request(
            "message_id_invalid",
            f"{H_ID} must be 8 to 128 characters of A-Z a-z 0-9 . _ : -; got {text[:140]!r}.",
            f"{H_ID}는 A-Z a-z 0-9 . _ : - 로 된 8~128자여야 합니다: {text[:140]!r}",
        )
    return text


def required(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if not value:
        raise bad_request(
            "header_missing",
            f"The request has no {name} header.",
            f"요청에 {name} 헤더가 없습니다.",
            header=name,
        )
    return value
