"""The provider side of the exchange: every request is checked, answered with a view, and logged.

For each signed request the gateway, in this order,

1. refuses a stale message (its signed timestamp outside the replay window);
2. verifies the client member's signature (`signature_*`, `certificate_*` refusals);
3. refuses a message id the client has already used (`message_replayed`);
4. finds the service (`service_unknown`) and checks the directory: the service is enabled
   and the client holds a right on this endpoint (`service_disabled`, `access_denied`);
5. for a personal-data service: the purpose must be one the service declares, and the
   persons read must have consented to its data agreement unless its lawful basis waives
   consent (`purpose_unknown`, `consent_missing`, `consent_withdrawn`);
6. runs the handler, keeps only the fields of the purpose's view, signs the response;
7. logs the exchange in the hash-chained message log and, for personal data, one usage
   row per person read (the citizen's "who viewed my data"; the worker announces them as
   `personal_data.read` events).

A refusal is a signed response with `X-Road-Error`, logged like an answer. Log entries are
kept even when the caller's transaction later rolls back (`keep_on_rollback`): a read that
happened, or a refusal, is evidence either way.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.db import after_rollback, keep_on_rollback
from nara.core.errors import Forbidden, Message, NaraError, NotFound, Unauthorized
from nara.core.pii import PiiCipher
from nara.exchange import messagelog, usage
from nara.exchange.consent.service import Grounds, grounds_for
from nara.exchange.messages import (
    Request,
    Response,
    bad_request,
    error_body,
    error_type,
    instant_text,
)
from nara.exchange.messages import _json_default as json_default
from nara.exchange.policy import PolicyCache
from nara.exchange.purposes import PURPOSE_CODE, Purpose
from nara.exchange.services import CallContext, Exchange, Service
from nara.exchange.views import project


@dataclass(frozen=True)
class _Answer:
    body: bytes
    service: Service | None = None
    purpose: Purpose | None = None
    grounds: Grounds | None = None
    subjects: tuple[int, ...] = ()


class Gateway:
    """Answers signed requests for the services registered in an `Exchange`."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self.policy = PolicyCache()
        self._signatures: dict[str, inspect.Signature] = {}

    def serve(
        self, request: Request, session: Session, clock: Clock, cipher: PiiCipher
    ) -> Response:
        """The signed response to `request`, after logging the exchange in `session`."""
        messagelog.become_writer(session)
        try:
            answer = self._answer(request, session, clock, cipher)
        except NaraError as error:
            response = self._respond(
                request,
                error.status,
                error_body(error, request.message_id),
                clock,
                error_type(error.code, error.status),
            )
            keep_on_rollback(session, self._logger(request, response, clock, None))
            return response
        except Exception:
            # An unexpected failure may leave the transaction unusable (PostgreSQL aborts it):
            # log the failure once the caller's work has rolled back, then let it propagate.
            failure = NaraError(
                "provider_failed",
                Message("The provider failed to answer.", "제공기관이 응답하지 못했습니다."),
            )
            response = self._respond(
                request,
                500,
                error_body(failure, request.message_id),
                clock,
                "Server.ServerProxy.InternalError",
            )
            after_rollback(session, self._logger(request, response, clock, None))
            raise
        response = self._respond(request, 200, answer.body, clock, "")
        keep_on_rollback(session, self._logger(request, response, clock, answer))
        return response

    # -- the checks ---------------------------------------------------------------------------

    def _answer(
        self, request: Request, session: Session, clock: Clock, cipher: PiiCipher
    ) -> _Answer:
        keystore = self.exchange.require_keystore()
        now = clock.now()
        if abs(now - request.timestamp) > self.exchange.replay_window:
            raise Unauthorized(
                "message_stale",
                Message(
                    f"The message was signed at {instant_text(request.timestamp)}, outside the "
                    f"replay window of {int(self.exchange.replay_window.total_seconds())} s.",
                    f"메시지 서명 시각 {instant_text(request.timestamp)}이(가) 허용 범위 "
                    f"{int(self.exchange.replay_window.total_seconds())}초를 벗어났습니다.",
                ),
            )
        if not request.signature:
            raise Unauthorized(
                "signature_missing",
                Message("The request is not signed.", "요청에 서명이 없습니다."),
            )
        keystore.verify(request.client.member, request.signing_text(), request.signature, at=now)
        policy, seen = self.policy.current(
            session, client=str(request.client), message_id=request.message_id
        )
        if seen:
            raise Unauthorized(
                "message_replayed",
                Message(
                    f"The message {request.message_id} from {request.client} was already "
                    "received; a message id is accepted once.",
                    f"{request.client}의 메시지 {request.message_id}는 이미 수신되었습니다. "
                    "메시지 id는 한 번만 받습니다.",
                ),
            )
        service = self.exchange.find(
            f"{request.service.subsystem.subsystem_code}/{request.service.service_code}"
        )
        if service is None or service.provider != request.service.subsystem.subsystem_code:
            raise NotFound(
                "service_unknown",
                Message(
                    f"No service {request.service} is offered here.",
                    f"{request.service} 서비스는 여기에서 제공되지 않습니다.",
                ),
                {"service": str(request.service)},
            )
        policy.check_access(
            client=request.client,
            service=request.service,
            method=request.method,
            path=request.path or "/",
        )
        params = _params(request.body)
        self._check_params(service, params)
        purpose: Purpose | None = None
        grounds: Grounds | None = None
        subjects: tuple[int, ...] = ()
        if service.personal:
            purpose = service.purpose(request.issue.purpose)
            if purpose is None:
                raise Forbidden(
                    "purpose_unknown",
                    Message(
                        f"The service {service.id} may not be called for the purpose "
                        f"'{request.issue.purpose}'; its purposes are "
                        f"{', '.join(p.code for p in service.purposes)}.",
                        f"{service.id} 서비스는 '{request.issue.purpose}' 목적으로 조회할 수 "
                        f"없습니다. 허용 목적: {', '.join(p.code for p in service.purposes)}.",
                    ),
                    {"purposes": [p.code for p in service.purposes]},
                )
            subjects = tuple(dict.fromkeys(service.subjects(params)))
            grounds = grounds_for(
                session,
                service=service.id,
                purpose=purpose.code,
                person_ids=subjects,
                at=now,
                agreements=policy.agreement,
            )
        elif not PURPOSE_CODE.fullmatch(request.issue.purpose):
            raise bad_request(
                "purpose_invalid",
                f"'{request.issue.purpose}' is not a purpose code.",
                f"'{request.issue.purpose}'은(는) 목적 코드가 아닙니다.",
            )
        ctx = CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client=request.client.subsystem_code,
            purpose=request.issue.purpose,
            user_id=request.user_id,
            case=request.issue.case,
            exchange=self.exchange,
        )
        result = service.handler(ctx, **params)
        if purpose is not None:
            if service.answer_subjects is not None:
                subjects = tuple(dict.fromkeys([*subjects, *service.answer_subjects(result)]))
            result = project(result, purpose.fields)
        body = json.dumps(result, ensure_ascii=False, separators=(",", ":"), default=json_default)
        return _Answer(body.encode(), service, purpose, grounds, subjects)

    def _check_params(self, service: Service, params: Mapping[str, Any]) -> None:
        signature = self._signatures.get(service.id)
        if signature is None:
            signature = inspect.signature(service.handler)
            self._signatures[service.id] = signature
        try:
            signature.bind(None, **params)
        except TypeError as error:
            raise bad_request(
                "params_invalid",
                f"The parameters do not fit the service {service.id}: {error}.",
                f"{service.id} 서비스의 매개변수가 맞지 않습니다: {error}.",
            ) from None

    # -- responses and logging ----------------------------------------------------------------

    def _respond(
        self, request: Request, status: int, body: bytes, clock: Clock, error: str
    ) -> Response:
        response = Response(
            status=status,
            service=request.service,
            message_id=request.message_id,
            request_hash=request.request_hash(),
            timestamp=clock.now(),
            body=body,
            error_type=error,
        )
        keystore = self.exchange.require_keystore()
        return response.signed(
            keystore.sign(request.service.member, response.signing_text()).to_wire()
        )

    def _logger(
        self, request: Request, response: Response, clock: Clock, answer: _Answer | None
    ) -> Any:
        grounds = answer.grounds if answer is not None else None
        basis = "" if grounds is None else _basis_text(grounds)
        entry = messagelog.LogEntry(
            message_id=request.message_id,
            client=str(request.client),
            service=str(request.service),
            user_id=request.user_id[:128],
            purpose=request.issue.purpose[:255],
            legal_basis=basis,
            request_hash=messagelog.body_hash(request.body),
            response_hash=messagelog.body_hash(response.body),
            status=response.status,
            request_signature=request.signature or None,
            response_signature=response.signature,
        )

        def write(session: Session) -> None:
            log_id = messagelog.record(session, clock, entry)
            if (
                answer is None
                or answer.service is None
                or answer.purpose is None
                or grounds is None
            ):
                return
            usage.record_reads(
                session,
                clock,
                usage.Read(
                    message_id=request.message_id,
                    log_id=log_id,
                    client=str(request.client),
                    user_id=request.user_id,
                    service=answer.service.id,
                    purpose=answer.purpose.code,
                    lawful_basis=grounds.lawful_basis,
                    legal_reference=grounds.legal_reference,
                    fields=sorted(answer.purpose.fields),
                ),
                answer.subjects,
                grounds.consent_refs,
            )

        return write


def _basis_text(grounds: Grounds) -> str:
    text = grounds.lawful_basis
    if grounds.legal_reference:
        text = f"{text}: {grounds.legal_reference}"
    return text[:255]


def _params(body: bytes) -> dict[str, Any]:
    try:
        params = json.loads(body) if body else {}
    except ValueError:
        params = None
    if not isinstance(params, dict):
        raise bad_request(
            "body_invalid",
            "The request body must be a JSON object of the service's parameters.",
            "요청 본문은 서비스 매개변수의 JSON 객체여야 합니다.",
        )
    return params


class InProcessTransport:
    """Delivers requests to the gateway in this process, inside the caller's transaction."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def deliver(self, request: Request, ctx: CallContext) -> Response:
        return self.gateway.serve(request, ctx.session, ctx.clock, ctx.cipher)
