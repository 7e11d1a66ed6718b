"""Trust between installs over HTTP: the published configuration and the CA's signing desk.

- `GET /api/exchange/configuration` (public): this node's configuration, signed by its TLS
  key (`nara.exchange.configuration`): the CA, the members' signing certificates it holds,
  the subsystems and services it serves.
- `GET /api/exchange/log/head` (public): the message log's latest time-stamped head, for
  other parties to archive (an anchor outside the platform's own keys).
- `POST /api/exchange/tsa` (public, on the CA's holder): RFC 3161 time-stamps for other
  nodes' message logs.
- `POST /api/exchange/ca/certificates` (scope `exchange:ca`, on the node holding the CA):
  `{"kind": "member" | "node" | "client", "name": "...", "csr": "<PEM>"}` →
  `{"certificate": "<PEM>"}`, for a key made elsewhere (`nara.exchange.trust.requests`).
"""

from __future__ import annotations

import base64
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from nara.core.access import Caller, public, require
from nara.core.db import unit_of_work
from nara.core.errors import Conflict, Message, TooManyRequests
from nara.exchange.configuration import publish
from nara.exchange.directory_admin.platform import entries_served
from nara.exchange.http.tls import node_name
from nara.exchange.members import AGENCY_MEMBERS, subsystem_of
from nara.exchange.services import Exchange
from nara.exchange.timestamps import latest_stamp
from nara.exchange.trust import Keystore
from nara.exchange.trust.requests import certify

router = APIRouter(prefix="/api/exchange", tags=["exchange trust"])


@router.get(
    "/configuration",
    dependencies=[Depends(public("a node's certificates are public, for others to trust it"))],
)
async def configuration(request: Request) -> dict[str, Any]:
    """This node's published configuration, signed by the node."""
    state = request.app.state

    def work() -> dict[str, Any]:
        exchange: Exchange = state.exchange
        keystore: Keystore = state.keystore
        agencies = [a for a in AGENCY_MEMBERS if exchange.serves_locally(a)]
        members = {}
        for agency in agencies:
            info = AGENCY_MEMBERS[agency]
            if keystore.certificates(info.id):
                members[info.id] = (info.id, info.name_en, info.name_ko)
        with unit_of_work(state.session_factory) as session:
            entries = entries_served(session, [str(subsystem_of(a)) for a in agencies])
        return publish(
            keystore,
            instance="KR",
            node=node_name(state.settings.exchange_node_name),
            now=state.clock.now(),
            members=list(members.values()),
            entries=entries,
        )

    return await run_in_threadpool(work)


class CertificateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["member", "node", "client"]
    name: str = Field(
        min_length=1,
        max_length=300,
        description="A member id, a node's host name, or an information system's subsystem.",
    )
    csr: str = Field(min_length=1, max_length=20_000, description="A PEM PKCS #10 request.")


class CertificateIssued(BaseModel):
    certificate: str


@router.post("/ca/certificates", status_code=201)
def issue_certificate(
    *,
    body: CertificateRequest,
    request: Request,
    caller: Annotated[Caller, Depends(require("exchange:ca"))],
) -> CertificateIssued:
    """Certify a key made on another node or by an information system (this node holds the
    platform CA)."""
    keystore: Keystore = request.app.state.keystore
    if not keystore.holds_ca_key:
        raise Conflict(
            "ca_not_held",
            Message(
                "This node does not hold the platform CA; send the request to its holder.",
                "이 노드에는 플랫폼 인증기관이 없습니다. 인증기관을 가진 노드에 요청하십시오.",
            ),
        )
    pem = certify(keystore, body.csr.encode(), kind=body.kind, name=body.name)
    return CertificateIssued(certificate=pem.decode())


@router.get(
    "/log/head",
    dependencies=[
        Depends(public("the log's stamped head is published for others to archive and compare"))
    ],
)
async def log_head(request: Request) -> dict[str, Any]:
    """The message log's latest time-stamped head: the hash of entry `seq` (which depends on
    every entry before it) and the RFC 3161 token over it, for others to archive. An archived
    head that the log no longer has is proof of tampering, whoever holds the platform's keys."""
    state = request.app.state

    def work() -> dict[str, Any]:
        with unit_of_work(state.session_factory) as session:
            stamp = latest_stamp(session)
        if stamp is None:
            return {"seq": 0, "entry_hash": None, "time_stamp": None}
        return {
            "seq": stamp.last_seq,
            "entry_hash": stamp.digest,
            "time_stamp": {
                "gen_time": stamp.gen_time.isoformat(),
                "tsa": stamp.tsa,
                "token": base64.b64encode(stamp.token).decode(),
            },
        }

    return await run_in_threadpool(work)


TSA_QUERY_BYTES: Final = 16_384
"""An RFC 3161 query is a hash and a few fields: anything longer is refused unread."""


class _TsaLimiter:
    def __init__(self, rate: str) -> None:
        self.rate = rate
        self.item = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, address: str) -> bool:
        return self.limiter.hit(self.item, "exchange-tsa", address)


def _tsa_limiter(request: Request) -> _TsaLimiter:
    """The per-address limit of time-stamp requests (`NARA_EXCHANGE_TSA_RATE`), per process."""
    state = request.app.state
    limiter = getattr(state, "exchange_tsa_limiter", None)
    rate: str = state.settings.exchange_tsa_rate
    if not isinstance(limiter, _TsaLimiter) or limiter.rate != rate:
        limiter = _TsaLimiter(rate)
        state.exchange_tsa_limiter = limiter
    return limiter


@router.post(
    "/tsa",
    dependencies=[Depends(public("an RFC 3161 time-stamp authority answers anyone"))],
    response_class=Response,
    openapi_extra={
        "requestBody": {"content": {"application/timestamp-query": {"schema": {"type": "string"}}}}
    },
)
async def time_stamp(request: Request) -> Response:
    """The platform's time-stamp authority over HTTP (RFC 3161 `application/timestamp-query`),
    on the node holding the CA: other nodes stamp their message logs here
    (`NARA_EXCHANGE_TSA_URL`), anchoring them outside their own keys."""
    from asn1crypto import tsp  # type: ignore[import-untyped]

    from nara.exchange.timestamps.authority import LocalAuthority

    state = request.app.state
    keystore: Keystore = state.keystore
    if not _tsa_limiter(request).hit(request.client.host if request.client else ""):
        raise TooManyRequests(
            "time_stamp_rate",
            Message(
                "Too many time-stamp requests from this address; try again in a minute.",
                "이 주소에서 타임스탬프 요청이 너무 많습니다. 1분 뒤 다시 시도하십시오.",
            ),
        )
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > TSA_QUERY_BYTES:
            break
    if len(body) > TSA_QUERY_BYTES or not keystore.holds_ca_key:
        raise Conflict(
            "time_stamp_refused",
            Message(
                "This node time-stamps nothing: it does not hold the platform CA, or the "
                "request is too large.",
                "이 노드는 타임스탬프를 발급하지 않습니다. 플랫폼 인증기관이 없거나 요청이 "
                "너무 큽니다.",
            ),
        )
    authority = LocalAuthority(keystore, state.clock)
    try:
        query = tsp.TimeStampReq.load(body)
        query.native  # noqa: B018  (parse it all now: a malformed query is refused here)
        answer = await run_in_threadpool(authority.respond, query)
    except Exception:  # noqa: BLE001  (asn1crypto raises many kinds on malformed input)
        raise Conflict(
            "time_stamp_query_invalid",
            Message("Not an RFC 3161 time-stamp query.", "RFC 3161 타임스탬프 요청이 아닙니다."),
        ) from None
    return Response(answer.dump(), media_type="application/timestamp-reply")
