"""The provider side of the exchange: every request is checked, answered with a view, and logged.

For each signed request the gateway, in this order,

1. refuses a stale message (its signed instant outside the replay window) and checks the
   client member's signature over the request's hash (`Server.ServerProxy.InvalidMessage`,
   `SignatureVerification`, `CertValidation`);
2. refuses a message id the client has already used (`message_replayed`);
3. answers the metaservices (`listMethods`, `allowedMethods`, `getOpenAPI`) itself;
4. finds the service (`UnknownService`) and checks the directory: the service is enabled and
   the client holds a right on this method and path (`ServiceDisabled`, `AccessDenied`);
5. lets the service read the request (a typed service refuses a body that does not fit its
   contract with its own 400/422, as any provider service answers);
6. for a personal-data service: the purpose (`X-Road-Purpose`) must be one the service
   declares, the persons read must have consented unless the purpose's lawful basis waives
   consent, and the purpose's preconditions must hold (`AccessDenied`: `purpose_unknown`,
   `consent_missing`, `consent_withdrawn`, or the precondition's own code);
7. runs the handler, keeps only the fields of the purpose's view, signs the response;
8. logs the exchange in the hash-chained message log (the provider's side) and, for personal
   data, one usage row per person read (the citizen's "who viewed my data").

A refusal of the exchange is a signed response with `X-Road-Error` (`nara.exchange.errors`);
a refusal of the service (category 1) is its own problem document, signed the same way. Log
entries are kept even when the caller's transaction later rolls back (`keep_on_rollback`): a
read that happened, or a refusal, is evidence either way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.db import after_rollback, keep_on_rollback
from nara.core.errors import Message, NaraError
from nara.core.pii import PiiCipher
from nara.exchange import errors, messagelog, usage
from nara.exchange.consent.service import Grounds, grounds_for
from nara.exchange.errors import ExchangeError, as_exchange_error, refused, render_error
from nara.exchange.members import subsystem_of
from nara.exchange.messages import (
    H_ACCEPT,
    H_CONTENT_TYPE,
    Reply,
    Request,
    Response,
    check_caller_values,
    instant_text,
    json_default,
    parse_instant,
    xroad_headers,
)
from nara.exchange.policy import PolicyCache
from nara.exchange.purposes import Purpose
from nara.exchange.services import CallContext, Exchange, Service
from nara.exchange.views import project

PROBLEM_JSON: Final = "application/problem+json; charset=utf-8"
JSON: Final = "application/json; charset=utf-8"
_SIGNATURE_TYPES: Final = {
    "certificate_untrusted": errors.SERVER_CERT,
    "certificate_expired": errors.SERVER_CERT,
    "certificate_not_yet_valid": errors.SERVER_CERT,
}
_ACCESS_TYPES: Final = {
    "service_unknown": errors.SERVER_UNKNOWN_SERVICE,
    "service_disabled": errors.SERVER_SERVICE_DISABLED,
}


@dataclass(frozen=True)
class _Answer:
    reply: Reply
    service: Service | None = None
    purpose: Purpose | None = None
    grounds: Grounds | None = None
    subjects: tuple[int, ...] = ()
    error_type: str = ""


class Gateway:
    """Answers signed requests for the services registered in an `Exchange`."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self.policy = PolicyCache()

    def serve(
        self, request: Request, session: Session, clock: Clock, cipher: PiiCipher
    ) -> Response:
        """The signed response to `request`, after logging the exchange in `session`."""
        messagelog.become_writer(session)
        try:
            answer = self._answer(request, session, clock, cipher)
        except ExchangeError as error:
            answer = _Answer(error_reply(error, request), error_type=error.xroad_type)
        except NaraError as error:
            answer = _Answer(service_refusal(error))
        except Exception:  # noqa: BLE001  (logged, then raised again as ServiceCrashed)
            # An unexpected failure may leave the transaction unusable (PostgreSQL aborts it):
            # log the failure once the caller's work has rolled back, then let it propagate.
            failure = errors.service_failed()
            response = self._respond(
                request, error_reply(failure, request), clock, failure.xroad_type
            )
            after_rollback(session, self._logger(request, response, clock, None))
            raise ServiceCrashed(str(request.service)) from sys.exc_info()[1]
        response = self._respond(request, answer.reply, clock, answer.error_type)
        keep_on_rollback(session, self._logger(request, response, clock, answer))
        return response

    # -- the checks ---------------------------------------------------------------------------

    def _answer(
        self, request: Request, session: Session, clock: Clock, cipher: PiiCipher
    ) -> _Answer:
        now = clock.now()
        self._check_signature(request, now)
        check_caller_values(request)
        policy, seen = self.policy.current(
            session, client=str(request.client), message_id=request.message_id
        )
        if seen:
            raise refused(
                errors.SERVER_INVALID_MESSAGE,
                "message_replayed",
                f"The message {request.message_id} from {request.client} was already "
                "received; a message id is accepted once.",
                f"{request.client}의 메시지 {request.message_id}는 이미 수신되었습니다. "
                "메시지 id는 한 번만 받습니다.",
                nara_status=401,
            )
        from nara.exchange import metaservices

        if request.service.service_code in metaservices.CODES:
            return _Answer(metaservices.answer(self.exchange, policy, session, request))
        service = self._service(request)
        try:
            policy.check_access(
                client=request.client,
                service=request.service,
                method=request.method,
                path=request.path or "/",
            )
        except ExchangeError:
            raise
        except NaraError as error:
            raise as_exchange_error(
                error, _ACCESS_TYPES.get(error.code, errors.SERVER_ACCESS_DENIED)
            ) from None
        parsed = read_request(service, request)
        ctx = CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client=request.client.subsystem_code,
            purpose=request.purpose,
            user_id=request.user_id,
            case=request.issue,
            exchange=self.exchange,
            represented_party=request.represented_party,
            caller=request.caller,
            message_id=request.message_id,
            provider=service.provider,
        )
        purpose: Purpose | None = None
        grounds: Grounds | None = None
        subjects: tuple[int, ...] = ()
        if service.personal:
            purpose = _purpose_of(service, request)
            subjects = tuple(dict.fromkeys(service.subjects(parsed)))
            try:
                grounds = grounds_for(
                    session,
                    service=service.id,
                    purpose=purpose.code,
                    person_ids=subjects,
                    at=now,
                    agreements=policy.agreement,
                )
                for precondition in purpose.preconditions:
                    precondition(ctx, parsed)
            except NaraError as error:
                raise as_exchange_error(error, errors.SERVER_ACCESS_DENIED) from None
        reply, revealed, found = run_service(service, ctx, parsed, purpose)
        if found is not None:
            subjects = tuple(person for person in subjects if person in found)
        if revealed:
            subjects = tuple(dict.fromkeys([*subjects, *revealed]))
        return _Answer(reply, service, purpose, grounds, subjects)

    def _check_signature(self, request: Request, now: Any) -> None:
        keystore = self.exchange.require_keystore()
        if not request.signature or not request.signed_at:
            raise refused(
                errors.SERVER_SIGNATURE,
                "signature_missing",
                "The request is not signed by the client's node.",
                "요청에 클라이언트 노드의 서명이 없습니다.",
                nara_status=401,
            )
        signed_at = parse_instant(request.signed_at)
        window = self.exchange.replay_window
        if abs(now - signed_at) > window:
            raise refused(
                errors.SERVER_INVALID_MESSAGE,
                "message_stale",
                f"The message was signed at {request.signed_at}, outside the replay window "
                f"of {int(window.total_seconds())} s.",
                f"메시지 서명 시각 {request.signed_at}이(가) 허용 범위 "
                f"{int(window.total_seconds())}초를 벗어났습니다.",
                nara_status=401,
            )
        try:
            keystore.verify(
                request.client.member, request.signing_text(), request.signature, at=now
            )
        except NaraError as error:
            raise as_exchange_error(
                error, _SIGNATURE_TYPES.get(error.code, errors.SERVER_SIGNATURE)
            ) from None

    def _service(self, request: Request) -> Service:
        target = request.service
        agency = target.subsystem.subsystem_code
        service = self.exchange.find(f"{agency}/{target.service_code}")
        if (
            service is None
            or not self.exchange.serves_locally(agency)
            or _subsystem_of(agency) != target.subsystem
        ):
            raise refused(
                errors.SERVER_UNKNOWN_SERVICE,
                "service_unknown",
                f"No service {target} is offered here.",
                f"{target} 서비스는 여기에서 제공되지 않습니다.",
                nara_status=404,
                service=str(target),
            )
        return service

    # -- responses and logging ----------------------------------------------------------------

    def _respond(self, request: Request, reply: Reply, clock: Clock, error_type: str) -> Response:
        headers = [(H_CONTENT_TYPE, reply.content_type)] if reply.content_type else []
        headers += [
            (name.lower(), value)
            for name, value in reply.headers
            if not name.lower().startswith(("x-road-", "x-nara-"))
            and name.lower() != H_CONTENT_TYPE
        ]
        headers += xroad_headers(request, error_type=error_type)
        signed_at = instant_text(clock.now())
        response = Response(reply.status, tuple(headers), reply.body, signed_at=signed_at)
        keystore = self.exchange.require_keystore()
        signature = keystore.sign(request.service.member, response.signing_text()).to_wire()
        return response.signed(signed_at=signed_at, signature=signature)

    def _logger(
        self, request: Request, response: Response, clock: Clock, answer: _Answer | None
    ) -> Callable[[Session], None]:
        grounds = answer.grounds if answer is not None else None
        entry = log_entry(
            request,
            response,
            side="provider",
            legal_basis="" if grounds is None else _basis_text(grounds),
        )

        def write(session: Session) -> None:
            log_id = messagelog.record(session, clock, entry)
            if (
                answer is None
                or answer.service is None
                or answer.purpose is None
                or grounds is None
                or response.status >= 400
            ):
                return
            usage.record_reads(
                session,
                clock,
                usage.Read(
                    message_id=request.message_id,
                    log_id=log_id,
                    client=str(request.client),
                    user_id=request.user_id[:128],
                    service=answer.service.id,
                    purpose=answer.purpose.code,
                    lawful_basis=grounds.lawful_basis,
                    legal_reference=grounds.legal_reference,
                    fields=sorted(answer.purpose.fields),
                    user_asserted=entry.user_asserted or False,
                ),
                answer.subjects,
                grounds.consent_refs,
            )

        return write


def log_entry(
    request: Request,
    response: Response | None,
    *,
    side: str,
    legal_basis: str = "",
    status: int | None = None,
    error_type: str = "",
) -> messagelog.LogEntry:
    """The message-log entry of an exchange, as one node saw it: every part of what the two
    signatures cover, so that both can be checked again from the log."""
    from nara.exchange.services import PLATFORM_CALLER

    return messagelog.LogEntry(
        message_id=request.message_id,
        client=_client_text(request),
        service=_service_text(request),
        user_id=request.user_id[:128],
        purpose=request.purpose[:255],
        legal_basis=legal_basis,
        request_hash=messagelog.body_hash(request.body),
        response_hash=None if response is None else messagelog.body_hash(response.body),
        status=status if status is not None else (502 if response is None else response.status),
        request_signature=request.signature or None,
        response_signature=None if response is None else (response.signature or None),
        side=side,
        caller=request.caller[:300] or None,
        # A user id is the calling system's word unless it is the platform's own call, or the
        # system named no user (its credential, as the consumer side fills it in).
        user_asserted=request.caller not in {PLATFORM_CALLER, request.user_id},
        issue=request.issue[:1000] or None,
        represented_party=request.represented_party[:600] or None,
        request_head=request.head.decode(),
        request_body_digest=request.body_digest,
        request_signed_at=request.signed_at or None,
        response_head=None if response is None else response.head.decode(),
        response_body_digest=None if response is None else response.body_digest,
        response_signed_at=None if response is None else (response.signed_at or None),
        error_type=(error_type or (response.error_type if response is not None else "")) or None,
    )


def _client_text(request: Request) -> str:
    try:
        return str(request.client)
    except NaraError:
        return (request.header("x-road-client") or "")[:255]


def _service_text(request: Request) -> str:
    try:
        return str(request.service)
    except NaraError:
        return request.target[:255]


def _subsystem_of(agency: str) -> Any:
    try:
        return subsystem_of(agency)
    except ValueError:
        return None


def _purpose_of(service: Service, request: Request) -> Purpose:
    purpose = service.purpose(request.purpose)
    if purpose is not None:
        return purpose
    codes = ", ".join(p.code for p in service.purposes)
    if not request.purpose:
        raise refused(
            errors.SERVER_ACCESS_DENIED,
            "purpose_missing",
            f"The service {service.id} reads personal data: name the purpose of the call in "
            f"X-Road-Purpose (one of {codes}).",
            f"{service.id} 서비스는 개인정보를 조회합니다. X-Road-Purpose 헤더에 조회 목적"
            f"({codes} 중 하나)을 밝히십시오.",
            nara_status=403,
            purposes=[p.code for p in service.purposes],
        )
    raise refused(
        errors.SERVER_ACCESS_DENIED,
        "purpose_unknown",
        f"The service {service.id} may not be called for the purpose "
        f"'{request.purpose[:80]}'; its purposes are {codes}.",
        f"{service.id} 서비스는 '{request.purpose[:80]}' 목적으로 조회할 수 없습니다. "
        f"허용 목적: {codes}.",
        nara_status=403,
        purposes=[p.code for p in service.purposes],
    )


def read_request(service: Service, request: Request) -> Any:
    """The request as the service reads it: itself (REST) or its contract's model (typed).
    A body that does not fit is the service's refusal."""
    if service.rest:
        return request
    if request.method != "POST" or request.path not in {"", "/"}:
        raise _ServiceRefusal(
            405 if request.path in {"", "/"} else 404,
            "method_not_allowed" if request.path in {"", "/"} else "path_unknown",
            Message(
                f"The service {service.id} answers POST {request.target.split('?')[0]} "
                "with a JSON body.",
                f"{service.id} 서비스는 JSON 본문의 POST 요청에 답합니다.",
            ),
        )
    try:
        return service.typed_contract.request.model_validate_json(request.body or b"{}")
    except ValidationError as error:
        raise _invalid_body(service, error) from None


def _invalid_body(service: Service, error: ValidationError) -> NaraError:
    problems = error.errors(include_url=False, include_context=False, include_input=False)
    if any(p.get("type") in {"json_invalid", "recursion_loop"} for p in problems) or any(
        "recursion" in str(p.get("msg", "")).lower() for p in problems
    ):
        return _ServiceRefusal(
            400,
            "body_invalid",
            Message(
                "The request body is not JSON the service can read (malformed or nested too "
                "deeply).",
                "요청 본문을 읽을 수 없습니다 (JSON 형식 오류 또는 너무 깊은 중첩).",
            ),
        )
    fields = ", ".join(".".join(str(p) for p in problem["loc"]) for problem in problems[:10])
    return _ServiceRefusal(
        422,
        "params_invalid",
        Message(
            f"The parameters do not fit the service {service.id}: {fields}.",
            f"{service.id} 서비스의 매개변수가 맞지 않습니다: {fields}.",
        ),
        {
            "errors": [
                {"field": ".".join(str(p) for p in problem["loc"]), "message": problem["msg"]}
                for problem in problems[:50]
            ]
        },
    )


class _ServiceRefusal(NaraError):
    """A refusal a service gives with a status of its own (405, 404 for a path, 400)."""

    def __init__(
        self, status: int, code: str, message: Message, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(code, message, extra or {})
        self._status = status

    @property
    def http_status(self) -> int:
        return self._status


def run_service(
    service: Service, ctx: CallContext, parsed: Any, purpose: Purpose | None
) -> tuple[Reply, tuple[int, ...], frozenset[int] | None]:
    """Run the handler; its reply (the purpose's view of a JSON answer), the further persons
    the answer reveals, and the persons asked about it holds a record of (`Service.found`)."""
    if service.rest:
        reply: Reply = service.handler(ctx, parsed)
        return reply, (), None
    contract = service.typed_contract
    answer = service.handler(ctx, parsed)
    revealed = tuple(service.answer_subjects(answer)) if service.answer_subjects else ()
    found = frozenset(service.found(answer)) if service.found else None
    if purpose is None:
        return Reply(body=contract.answers.dump_json(answer), content_type=JSON), revealed, found
    result = project(contract.answers.dump_python(answer, mode="json"), purpose.fields)
    return _json_reply(result), revealed, found


def _json_reply(result: Any) -> Reply:
    body = json.dumps(result, ensure_ascii=False, separators=(",", ":"), default=json_default)
    return Reply(body=body.encode(), content_type=JSON)


def service_refusal(error: NaraError) -> Reply:
    """A service's own refusal (PR-REST category 1): a problem document, no `X-Road-Error`."""
    status = error.http_status if isinstance(error, _ServiceRefusal) else error.status
    body = {
        "type": f"https://nara.example/problems/{error.code}",
        "title": error.title.en,
        "status": status,
        "code": error.code,
        "detail": error.message.en,
        "message": error.message.en,
        "message_ko": error.message.ko,
        **{k: v for k, v in error.extra.items() if k not in _PROBLEM_KEYS},
    }
    text = json.dumps(body, ensure_ascii=False, default=str)
    return Reply(status=status, body=text.encode(), content_type=PROBLEM_JSON)


_PROBLEM_KEYS: Final = frozenset(
    {"type", "title", "status", "code", "detail", "message", "message_ko"}
)


def error_reply(error: ExchangeError, request: Request) -> Reply:
    """An exchange refusal as the caller accepts it (JSON or XML)."""
    body, content_type = render_error(error, request.message_id, request.header(H_ACCEPT))
    return Reply(status=error.http_status, body=body, content_type=content_type)


def _basis_text(grounds: Grounds) -> str:
    text = grounds.lawful_basis
    if grounds.legal_reference:
        text = f"{text}: {grounds.legal_reference}"
    return text[:255]


class ServiceCrashed(Exception):
    """A provider's handler failed unexpectedly (its cause chained): the caller's work rolls
    back, and an information system is told `Server.ServerProxy.ServiceFailed`."""


class InProcessTransport:
    """Delivers requests to the gateway in this process, inside the caller's transaction."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def deliver(self, request: Request, ctx: CallContext) -> Response:
        return self.gateway.serve(request, ctx.session, ctx.clock, ctx.cipher)
