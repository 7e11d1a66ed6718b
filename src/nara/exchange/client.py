"""The client side of a call: build and sign the request, deliver it, trust only a sound answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nara.core.db import keep_on_rollback
from nara.core.errors import Forbidden, Message, NaraError, NotFound
from nara.exchange import messagelog
from nara.exchange.members import AGENCY_MEMBERS, service_id_for, subsystem_of
from nara.exchange.messages import (
    Issue,
    Request,
    Response,
    encode_params,
    new_message_id,
    raise_for_response,
)
from nara.exchange.services import CallContext, Exchange

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def call(exchange: Exchange, service_id: str, ctx: CallContext, params: dict[str, Any]) -> Any:
    _, response = send(exchange, service_id, ctx, encode_params(params))
    raise_for_response(response)
    return response.json()


def send(
    exchange: Exchange,
    service_id: str,
    ctx: CallContext,
    body: bytes,
    *,
    message_id: str | None = None,
    issue: Issue | None = None,
) -> tuple[Request, Response]:
    """Sign `body` as a request of `ctx.client` to `service_id` and deliver it.

    The response is returned once it is trusted (signed by the provider for exactly this
    request), whether it is an answer or a refusal; `message_id` and `issue` default to a new
    id and `purpose=<ctx.purpose>; case=<ctx.case>`.
    """
    request = build_request(exchange, service_id, ctx, body, message_id=message_id, issue=issue)
    agency = service_id.partition("/")[0]
    response = exchange.transport_for(agency).deliver(request, ctx)
    _check_response(exchange, request, response, ctx)
    return request, response


def build_request(
    exchange: Exchange,
    service_id: str,
    ctx: CallContext,
    body: bytes,
    *,
    message_id: str | None = None,
    issue: Issue | None = None,
) -> Request:
    """The request of `ctx.client` to `service_id` (`residents/person-summaries`), signed."""
    keystore = exchange.require_keystore()
    agency, _, code = service_id.partition("/")
    if agency not in AGENCY_MEMBERS or not code:
        raise NotFound(
            "service_unknown",
            Message(
                f"No agency offers the service {service_id}.",
                f"{service_id} 서비스를 제공하는 기관이 없습니다.",
            ),
            {"service": service_id},
        )
    if ctx.client not in AGENCY_MEMBERS:
        raise Forbidden(
            "client_unknown",
            Message(
                f"{ctx.client} is not a member subsystem of the exchange.",
                f"{ctx.client}은(는) 정보공유 체계의 회원 시스템이 아닙니다.",
            ),
            {"client": ctx.client},
        )
    client = subsystem_of(ctx.client)
    request = Request(
        service=service_id_for(service_id),
        client=client,
        message_id=message_id or new_message_id(),
        user_id=ctx.user_id,
        issue=issue or Issue(ctx.purpose, "", ctx.case),
        timestamp=ctx.clock.now(),
        body=body,
    )
    return request.signed(keystore.sign(client.member, request.signing_text()).to_wire())


def _check_response(
    exchange: Exchange, request: Request, response: Response, ctx: CallContext
) -> None:
    """Accept only a response signed by the provider's member for exactly this request."""
    keystore = exchange.require_keystore()
    problem = ""
    if not response.signature:
        problem = f"it is not signed (HTTP {response.status}"
        problem += f", {response.error_type})" if response.error_type else ")"
    elif response.message_id != request.message_id:
        problem = "it answers another message"
    elif response.request_hash != request.request_hash():
        problem = "its request hash does not match the request sent"
    else:
        try:
            keystore.verify(request.service.member, response.signing_text(), response.signature)
        except NaraError as error:
            problem = error.message.en
    if not problem:
        return
    entry = messagelog.LogEntry(
        message_id=request.message_id,
        client=str(request.client),
        service=str(request.service),
        user_id=request.user_id[:128],
        purpose=request.issue.purpose[:255],
        legal_basis="",
        request_hash=messagelog.body_hash(request.body),
        response_hash=messagelog.body_hash(response.body),
        status=502,
        request_signature=request.signature,
        response_signature=response.signature or None,
    )

    def write(session: Session) -> None:
        messagelog.record(session, ctx.clock, entry)

    keep_on_rollback(ctx.session, write)
    raise exchange.response_untrusted(problem)
