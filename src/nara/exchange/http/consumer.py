"""The X-Road REST entry point for information systems: `/r1/...` on the main app.

An information system calls a service as X-Road's consumer security server lets it
(PR-REST r1): any method, `/r1/{service id}[/path][?query]`, any body and media type, the
headers of `nara.exchange.messages`. Who is calling is established first, and the claimed
`X-Road-Client` must be that caller's subsystem:

- a client TLS certificate the platform CA issued for the subsystem (`nara serve --tls`), or
- a bearer token bound to the subsystem (`nara token create --scope exchange:call --client S`).

A token bound to another subsystem, or to none, is refused (`Client.InvalidClientIdentifier`);
a certificate naming another subsystem likewise (`Server.ClientProxy.SslAuthenticationFailed`).
Nothing is sent, logged as a read, or changed. A missing or unknown token is refused like any
API call (problem+json, 401).

The node then signs the request with the client member's key, delivers it (in process, or
over HTTPS with mutual TLS to the node serving the provider), checks the provider's signed
response and returns it as it came: the provider's status, headers and body, with the X-Road
headers and the provider's signature. A refused write leaves nothing behind but the log entry.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

import structlog
from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import Response as HttpResponse

from nara.core.access import ACCESS_MARK, EXCHANGE_CALL, Caller, authenticate, require
from nara.core.db import unit_of_work
from nara.core.errors import Forbidden, Message, NaraError, Unauthorized
from nara.exchange import client as exchange_client
from nara.exchange import errors
from nara.exchange.errors import ExchangeError, as_exchange_error, refused
from nara.exchange.gateway import ServiceCrashed
from nara.exchange.http.tls import certificate_subject, peer_certificate, subsystem_of_certificate
from nara.exchange.http.wire import error_response, read_body, reply
from nara.exchange.members import AGENCY_MEMBERS, subsystem_of
from nara.exchange.messages import (
    H_ACCEPT,
    H_CLIENT,
    H_ID,
    H_REQUEST_ID,
    H_USER,
    check_caller_values,
    check_message_id,
    checked_headers,
    new_message_id,
    parse_client,
)
from nara.exchange.messages import (
    Request as XRequest,
)
from nara.exchange.services import CallContext
from nara.exchange.trust.identifiers import SubsystemId

router = APIRouter(tags=["exchange"])
log = structlog.get_logger("nara.exchange.consumer")

METHODS: Final = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class _Identity:
    """Who is calling `/r1`: the subsystem it may call as, and how it was established."""

    def __init__(
        self,
        client: SubsystemId | None,
        caller: str,
        actor: str,
        how: str,
        refusal: ExchangeError | None = None,
    ) -> None:
        self.client = client
        self.caller = caller
        self.actor = actor
        self.how = how
        self.refusal = refusal
        """Why the information system was not authenticated (no, unknown or unscoped token),
        answered as X-Road answers it (`Server.ClientProxy.SslAuthenticationFailed`)."""


def identify(request: HttpRequest) -> _Identity:
    """The caller of `/r1`: by its client certificate, else by its bearer token (a missing,
    unknown or unscoped token is its `refusal`)."""
    certificate = peer_certificate(request.scope)
    if certificate is not None:
        keystore = request.app.state.keystore
        subsystem = subsystem_of_certificate(
            certificate, keystore.ca_certificate, request.app.state.clock.now()
        )
        subject = f"certificate:{certificate_subject(certificate)}"[:300]
        return _Identity(subsystem, subject, subject, "certificate")
    try:
        caller = _token_caller(request)
    except NaraError as error:
        return _Identity(None, "", "", "token", as_exchange_error(error, errors.CLIENT_SSL_AUTH))
    client = None
    if caller.client:
        try:
            client = SubsystemId.parse(caller.client)
        except NaraError:
            client = None
    return _Identity(client, f"token:{caller.name}"[:300], caller.actor, "token")


setattr(identify, ACCESS_MARK, f"scope:{EXCHANGE_CALL} (or a subsystem's client certificate)")


async def xroad_call(
    request: HttpRequest, identity: Annotated[_Identity, Depends(identify)]
) -> HttpResponse:
    """Call a service of the exchange (X-Road message protocol for REST)."""
    accept = request.headers.get(H_ACCEPT)
    message_id = request.headers.get(H_ID, "")
    if identity.refusal is not None:
        return error_response(identity.refusal, message_id, accept)
    try:
        body = await read_body(request, request.app.state.exchange.max_body)
    except ExchangeError as error:
        return error_response(error, message_id, accept)
    target = request.scope.get("raw_path", b"").decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        target = f"{target}?{query}"
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    return await run_in_threadpool(
        lambda: _call(
            request.app.state,
            identity,
            method=request.method,
            target=target,
            raw_headers=headers,
            body=body,
        )
    )


for _method in METHODS:
    router.add_api_route(
        "/r1/{target:path}",
        xroad_call,
        methods=[_method],
        name=f"xroad_{_method.lower()}",
        operation_id=f"xroad_{_method.lower()}",
        summary="Call a service of the exchange (X-Road message protocol for REST)",
        description="Authenticate with a bearer token bound to the calling subsystem "
        "(scope exchange:call), or a client certificate of the subsystem over HTTPS.",
        response_class=HttpResponse,
    )


def _token_caller(request: HttpRequest) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized(
            "token_missing",
            Message(
                "Calling the exchange needs a bearer token bound to the calling subsystem, or "
                "its client certificate: Authorization: Bearer <token>.",
                "정보공유 체계 호출에는 호출 시스템에 묶인 인증 토큰이나 그 시스템의 클라이언트 "
                "인증서가 필요합니다: Authorization: Bearer <토큰>.",
            ),
        )
    with request.app.state.session_factory() as session:
        caller = authenticate(session, token.strip())
    if caller is None:
        raise Unauthorized(
            "token_invalid",
            Message("The token is unknown or revoked.", "알 수 없거나 폐기된 토큰입니다."),
        )
    if not caller.may(EXCHANGE_CALL):
        raise Forbidden(
            "scope_missing",
            Message(
                f"This token does not carry the scope '{EXCHANGE_CALL}'.",
                f"이 토큰에는 '{EXCHANGE_CALL}' 권한이 없습니다.",
            ),
            {"scope": EXCHANGE_CALL},
        )
    return caller


def _bound_client(identity: _Identity, claimed: SubsystemId) -> str:
    """The agency the caller may call as; refused unless `claimed` is the caller's own."""
    if identity.how == "certificate":
        if identity.client is None or identity.client != claimed:
            raise refused(
                errors.CLIENT_SSL_AUTH,
                "certificate_not_of_client",
                f"The client certificate ({identity.actor}) is not a certificate the platform "
                f"issued for {claimed}.",
                f"클라이언트 인증서({identity.actor})는 플랫폼이 {claimed}에 발급한 인증서가 "
                "아닙니다.",
                nara_status=403,
                client=str(claimed),
            )
    elif identity.client is None:
        raise refused(
            errors.CLIENT_INVALID_CLIENT,
            "token_unbound",
            "This token is bound to no client subsystem, so it cannot call the exchange; "
            "issue one with `nara token create --scope exchange:call --client <subsystem>`.",
            "이 토큰은 어떤 클라이언트 시스템에도 묶여 있지 않아 정보공유 체계를 호출할 수 "
            "없습니다. `nara token create --scope exchange:call --client <시스템>`으로 "
            "발급하십시오.",
            nara_status=403,
        )
    elif identity.client != claimed:
        raise refused(
            errors.CLIENT_INVALID_CLIENT,
            "client_not_bound",
            f"This token calls as {identity.client}, not as {claimed}.",
            f"이 토큰은 {claimed}가 아니라 {identity.client}로만 호출할 수 있습니다.",
            nara_status=403,
            client=str(claimed),
        )
    agency = claimed.subsystem_code
    if agency not in AGENCY_MEMBERS or subsystem_of(agency) != claimed:
        raise refused(
            errors.CLIENT_INVALID_CLIENT,
            "client_unknown",
            f"{claimed} is not a subsystem of this install; a node signs only for its own "
            "members' subsystems.",
            f"{claimed}은(는) 이 설치본의 시스템이 아닙니다. 노드는 자기 회원의 시스템을 "
            "위해서만 서명합니다.",
            nara_status=403,
            client=str(claimed),
        )
    return agency


def _call(
    state: Any,
    identity: _Identity,
    *,
    method: str,
    target: str,
    raw_headers: list[tuple[str, str]],
    body: bytes,
) -> HttpResponse:
    accept = next((v for k, v in reversed(raw_headers) if k.lower() == H_ACCEPT), None)
    message_id = ""
    try:
        headers = list(checked_headers(raw_headers))
        sent_id = _last(headers, H_ID)
        message_id = check_message_id(sent_id) if sent_id is not None else new_message_id()
        if sent_id is None:
            headers.append((H_ID, message_id))
        claimed = parse_client(_last(headers, H_CLIENT))
        agency = _bound_client(identity, claimed)
        if _last(headers, H_USER) is None:
            # No user named: the call is the system's own, as its credential establishes.
            headers.append((H_USER, identity.caller))
        headers = [(k, v) for k, v in headers if k != H_REQUEST_ID]
        headers.append((H_REQUEST_ID, new_message_id()))
        request = XRequest(method, target, tuple(headers), body)
        request.service  # noqa: B018  (parse the target now: a bad one is the caller's error)
        check_caller_values(request)
        exchange = state.exchange
        try:
            with unit_of_work(state.session_factory) as session:
                ctx = CallContext(
                    session=session,
                    clock=state.clock,
                    cipher=state.cipher,
                    client=agency,
                    purpose=request.purpose,
                    user_id=request.user_id,
                    case=request.issue,
                    caller=identity.caller,
                    message_id=message_id,
                )
                signed = exchange_client.sign(exchange, request, ctx)
                response = exchange_client.send(exchange, signed, ctx)
                if response.status >= 400:
                    raise _Refused(response)
        except _Refused as refusal:
            response = refusal.response
    except ExchangeError as error:
        return error_response(error, message_id, accept)
    except ServiceCrashed:
        log.exception("exchange_service_failed", target=target[:200])
        return error_response(errors.service_failed(), message_id, accept)
    except Exception:
        log.exception("exchange_call_failed", target=target[:200])
        failure = refused(
            errors.CLIENT_PROXY_INTERNAL,
            "exchange_failed",
            "The call could not be completed.",
            "호출을 완료하지 못했습니다.",
            nara_status=500,
        )
        return error_response(failure, message_id, accept)
    return reply(response)


class _Refused(Exception):
    """A refusal to pass back after the unit of work rolled back (its writes undone)."""

    def __init__(self, response: Any) -> None:
        super().__init__(response.status)
        self.response = response


def _last(headers: list[tuple[str, str]], name: str) -> str | None:
    found = None
    for key, value in headers:
        if key == name:
            found = value
    return found


__all__ = ["Request", "require", "router"]
