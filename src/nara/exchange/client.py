"""The client side of a call: build and sign the request, deliver it, trust only a sound answer.

The client's node signs every request with the client member's key and accepts only a
response signed by the provider's member for exactly that request (its `X-Road-Request-Hash`).
When the provider is another node, or could not be reached at all, the client's node keeps its
own message-log entry (`side = consumer`), as X-Road's security servers each do; in one install
the provider's entry, in the same database, is the record of both sides.
"""

from __future__ import annotations

import json
from typing import Any

from nara.core.db import keep_on_rollback
from nara.core.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Message,
    NaraError,
    NotFound,
    Unauthorized,
)
from nara.exchange import errors, messagelog
from nara.exchange.errors import ExchangeError, refused
from nara.exchange.gateway import log_entry
from nara.exchange.members import AGENCY_MEMBERS, subsystem_of
from nara.exchange.messages import (
    H_CLIENT,
    H_CONTENT_TYPE,
    H_ID,
    H_ISSUE,
    H_PURPOSE,
    H_REPRESENTED,
    H_REQUEST_ID,
    H_USER,
    Request,
    Response,
    ascii_header,
    client_text,
    instant_text,
    new_message_id,
    parse_instant,
    service_target,
)
from nara.exchange.services import CallContext, Exchange
from nara.exchange.trust.identifiers import ServiceId

JSON = "application/json"


def call_service(exchange: Exchange, service_id: str, ctx: CallContext, body: bytes) -> Response:
    """POST `body` (JSON) to an agency's service as `ctx.client`; the trusted 2xx response,
    or the provider's refusal raised as the Nara error it stands for."""
    request = build_request(exchange, service_id, ctx, body)
    response = send(exchange, request, ctx)
    raise_for_response(response)
    return response


def build_request(
    exchange: Exchange,
    service_id: str,
    ctx: CallContext,
    body: bytes,
    *,
    content_type: str = JSON,
) -> Request:
    """The signed request of `ctx.client` to `service_id` (`residents/person-summaries`)."""
    agency, _, code = service_id.partition("/")
    if agency not in AGENCY_MEMBERS or not code:
        raise refused(
            errors.CLIENT_PROXY_UNKNOWN_MEMBER,
            "service_unknown",
            f"No agency offers the service {service_id}.",
            f"{service_id} 서비스를 제공하는 기관이 없습니다.",
            nara_status=404,
            service=service_id,
        )
    if ctx.client not in AGENCY_MEMBERS:
        raise refused(
            errors.CLIENT_INVALID_CLIENT,
            "client_unknown",
            f"{ctx.client} is not a member subsystem of the exchange.",
            f"{ctx.client}은(는) 정보공유 체계의 회원 시스템이 아닙니다.",
            nara_status=403,
            client=ctx.client,
        )
    headers = [
        (H_CLIENT, client_text(subsystem_of(ctx.client))),
        (H_ID, new_message_id()),
        (H_USER, ascii_header(H_USER, ctx.user_id)),
    ]
    if ctx.case:
        headers.append((H_ISSUE, ascii_header(H_ISSUE, ctx.case)))
    if ctx.purpose:
        headers.append((H_PURPOSE, ctx.purpose))
    if ctx.represented_party:
        headers.append((H_REPRESENTED, ascii_header(H_REPRESENTED, ctx.represented_party)))
    headers += [(H_CONTENT_TYPE, content_type), (H_REQUEST_ID, new_message_id())]
    target = service_target(ServiceId(subsystem_of(agency), code))
    request = Request("POST", target, tuple(headers), body)
    return sign(exchange, request, ctx)


def sign(exchange: Exchange, request: Request, ctx: CallContext) -> Request:
    """`request` signed by its client member's key, now, for `ctx.caller`."""
    keystore = exchange.require_keystore()
    if exchange.ca_holder:
        keystore.ensure_signer(request.client.member)
    signed_at = instant_text(ctx.clock.now())
    unsigned = request.signed(signed_at=signed_at, caller=ctx.caller, signature="")
    signature = keystore.sign(request.client.member, unsigned.signing_text()).to_wire()
    return unsigned.signed(signed_at=signed_at, caller=ctx.caller, signature=signature)


def send(exchange: Exchange, request: Request, ctx: CallContext) -> Response:
    """Deliver a signed request to the provider's node; its response once trusted.

    Refusals come back as responses (the caller decides what to raise); a provider that
    cannot be reached, or an answer that cannot be trusted, is an `ExchangeError` of the
    client's side, logged by the client's node.
    """
    agency = request.service.subsystem.subsystem_code
    transport = exchange.transport_for(agency)
    remote = transport is not None and transport is not exchange.local_transport()
    try:
        if agency not in AGENCY_MEMBERS or subsystem_of(agency) != request.service.subsystem:
            raise refused(
                errors.CLIENT_PROXY_UNKNOWN_MEMBER,
                "provider_unknown",
                f"No node of this exchange serves {request.service.subsystem}.",
                f"{request.service.subsystem}을(를) 제공하는 노드가 이 정보공유 체계에 없습니다.",
                nara_status=404,
            )
        if transport is None:
            raise refused(
                errors.CLIENT_PROXY_NETWORK,
                "provider_unreachable",
                f"No node serving the agency {agency} is configured (NARA_EXCHANGE_PEERS).",
                f"{agency} 기관을 제공하는 노드가 설정되어 있지 않습니다 (NARA_EXCHANGE_PEERS).",
                nara_status=502,
                agency=agency,
                cause="no_peer",
            )
        response = transport.deliver(request, ctx)
        _check_response(exchange, request, response)
    except ExchangeError as failure:
        _log_failure(ctx, request, failure)
        raise
    if remote:
        entry = log_entry(request, response, side="consumer")
        keep_on_rollback(ctx.session, lambda s: _record(s, ctx, entry))
    return response


def _record(session: Any, ctx: CallContext, entry: messagelog.LogEntry) -> None:
    messagelog.record(session, ctx.clock, entry)


def _log_failure(ctx: CallContext, request: Request, failure: ExchangeError) -> None:
    """The client's node's entry of a call that failed on its side (never reached, or
    answered in a way it cannot trust)."""
    entry = log_entry(
        request,
        None,
        side="consumer",
        status=failure.http_status,
        error_type=failure.xroad_type,
    )
    keep_on_rollback(ctx.session, lambda s: _record(s, ctx, entry))


def _check_response(exchange: Exchange, request: Request, response: Response) -> None:
    """Accept only a response signed by the provider's member for exactly this request."""
    keystore = exchange.require_keystore()
    problem = ""
    if not response.signature or not response.signed_at:
        problem = f"it is not signed (HTTP {response.status}"
        problem += f", {response.error_type})" if response.error_type else ")"
    elif response.message_id != request.message_id:
        problem = "it answers another message"
    elif response.request_hash != request.request_hash:
        problem = "its request hash does not match the request sent"
    else:
        try:
            keystore.verify(
                request.service.member,
                response.signing_text(),
                response.signature,
                at=parse_instant(response.signed_at),
            )
        except NaraError as error:
            problem = error.message.en
    if problem:
        raise refused(
            errors.CLIENT_PROXY_SIGNATURE,
            "response_untrusted",
            f"The provider's response could not be trusted: {problem}",
            f"제공기관의 응답을 신뢰할 수 없습니다: {problem}",
            nara_status=502,
        )


_BY_STATUS: dict[int, type[NaraError]] = {
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


def remote_error(status: int, body: dict[str, Any], *, xroad_type: str = "") -> NaraError:
    """The provider's refusal as the client raises it: the same class, code and messages."""
    extra = {
        k: v
        for k, v in body.items()
        if k not in {"type", "title", "message", "message_ko", "detail", "code", "status"}
    }
    if xroad_type:
        extra["xroad_error"] = xroad_type
    nara_status = body.get("status") if isinstance(body.get("status"), int) else status
    kind = _BY_STATUS.get(int(nara_status or status), ProviderFailed)
    message = str(body.get("message") or body.get("detail") or "")
    return kind(
        str(body.get("code", "exchange_error")),
        Message(message, str(body.get("message_ko") or message)),
        extra,
    )


def raise_for_response(response: Response) -> None:
    """Raise the provider's refusal (`remote_error`) when the response is one."""
    if response.status < 400:
        return
    try:
        body = json.loads(response.body)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"code": "exchange_error", "message": "The provider's error was not readable."}
    raise remote_error(response.status, body, xroad_type=response.error_type)


def answer_unreadable(service_id: str, error: Exception) -> NaraError:
    return ProviderFailed(
        "answer_invalid",
        Message(
            f"The answer of {service_id} does not fit its contract: {str(error)[:300]}",
            f"{service_id}의 응답이 계약과 맞지 않습니다: {str(error)[:300]}",
        ),
    )
