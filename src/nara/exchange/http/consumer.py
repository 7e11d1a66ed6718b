"""The X-Road REST entry point for information systems: `POST /r1/...` on the main app.

An information system calls a service as X-Road's consumer security server lets it:

    POST /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}
    X-Road-Client: KR/GOV/SCOURT/land        (the calling subsystem, an agency of this install)
    X-Road-Id: <message id>                   (optional: generated when absent)
    X-Road-UserId: <official>                 (optional: the token's holder when absent)
    X-Road-Issue: purpose=<code>[; basis=<lawful basis>][; case=<reference>]
    Authorization: Bearer <token with the scope exchange:call>
    Content-Type: application/json            (the service's parameters)

The node signs the request with the client member's key (it holds this install's members'
keys), delivers it through the `Exchange` (in process, or over HTTPS with mutual TLS to the
node serving the provider agency), checks the provider's signed response, and answers with the
provider's status and body and the headers `X-Road-Id`, `X-Road-Service`,
`X-Road-Request-Id`, `X-Road-Request-Hash` (base64 SHA-512 of the request as signed), the
provider's `X-Nara-Timestamp` and `X-Nara-Signature`, and on failure `X-Road-Error` with a JSON
body `{"type", "message", "detail", "code", ...}`. A request refused before it is sent (a bad
header, an unknown client or service, an untrusted response) gets the same unsigned error form.
A missing or invalid token is refused like any API call (problem+json, 401/403).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import Response as HttpResponse

from nara.core.access import Caller, require
from nara.core.db import unit_of_work
from nara.core.errors import Forbidden, Message, NaraError, NotFound
from nara.exchange import client as exchange_client
from nara.exchange.http.wire import client_of, error_response, message_id_of, reply
from nara.exchange.members import AGENCY_MEMBERS, SERVICE_VERSION, subsystem_of
from nara.exchange.messages import H_CLIENT, H_ID, H_ISSUE, H_USER, Issue, new_message_id
from nara.exchange.services import CallContext
from nara.exchange.trust.identifiers import ServiceId, SubsystemId

router = APIRouter(tags=["exchange"])
log = structlog.get_logger("nara.exchange.consumer")


class _Failed(NaraError):
    status = 500


@router.post(
    "/r1/{instance}/{member_class}/{member_code}/{subsystem_code}/{service_code}",
    summary="Call a service of the exchange (X-Road message protocol for REST)",
    response_class=HttpResponse,
)
async def xroad_call(
    request: HttpRequest,
    *,
    instance: str,
    member_class: str,
    member_code: str,
    subsystem_code: str,
    service_code: str,
    caller: Annotated[Caller, Depends(require("exchange:call"))],
) -> HttpResponse:
    body = await request.body()
    path = (instance, member_class, member_code, subsystem_code, service_code)
    return await run_in_threadpool(_call, request.app.state, caller, path, request.headers, body)


def _call(
    state: Any,
    caller: Caller,
    path: tuple[str, str, str, str, str],
    headers: Mapping[str, str],
    body: bytes,
) -> HttpResponse:
    message_id = headers.get(H_ID) or new_message_id()
    try:
        message_id_of(message_id)
    except NaraError as error:
        return error_response(error)
    try:
        service = _service(path)
        client = client_of(headers, H_CLIENT)
        agency = _agency_of(client)
        issue = Issue.parse(headers.get(H_ISSUE, ""))
        user_id = (headers.get(H_USER) or caller.actor)[:128]
        with unit_of_work(state.session_factory) as session:
            ctx = CallContext(
                session=session,
                clock=state.clock,
                cipher=state.cipher,
                client=agency,
                purpose=issue.purpose,
                user_id=user_id,
                case=issue.case,
            )
            _, response = exchange_client.send(
                state.exchange,
                f"{service.subsystem.subsystem_code}/{service.service_code}",
                ctx,
                body,
                message_id=message_id,
                issue=issue,
            )
    except NaraError as error:
        return error_response(error, message_id)
    except Exception:
        log.exception("exchange_call_failed", service="/".join(path))
        failure = _Failed(
            "exchange_failed",
            Message("The call could not be completed.", "호출을 완료하지 못했습니다."),
        )
        return error_response(failure, message_id)
    return reply(response)


def _service(path: tuple[str, str, str, str, str]) -> ServiceId:
    unknown = NotFound(
        "service_unknown",
        Message(
            f"No service {'/'.join(path)} is offered on the exchange.",
            f"{'/'.join(path)} 서비스는 정보공유 체계에서 제공되지 않습니다.",
        ),
        {"service": "/".join(path)},
    )
    try:
        subsystem = SubsystemId(*path[:4])
        service = subsystem.service(path[4], SERVICE_VERSION)
    except NaraError:
        raise unknown from None
    agency = subsystem.subsystem_code
    if agency not in AGENCY_MEMBERS or subsystem_of(agency) != subsystem:
        raise unknown
    return service


def _agency_of(client: SubsystemId) -> str:
    agency = client.subsystem_code
    if agency not in AGENCY_MEMBERS or subsystem_of(agency) != client:
        raise Forbidden(
            "client_unknown",
            Message(
                f"{client} is not a subsystem of this install; a node signs only for its own "
                "agencies.",
                f"{client}은(는) 이 설치본의 시스템이 아닙니다. 노드는 자기 기관을 위해서만 "
                "서명합니다.",
            ),
            {"client": str(client)},
        )
    return agency
