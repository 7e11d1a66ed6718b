"""Installs on one committed database for the exchange's transport-level tests.

`World` holds two apps on the same database and keystore: `local` serves every agency in
process; `remote` serves `land` and reaches `residents` over HTTPS with mutual TLS, on a real
uvicorn node listener running in a background thread (`PROVIDER_NODE`). Both apps and the
node also offer a REST test service, `residents/echo`, which answers what it received.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from nara.core.clock import FixedClock
from nara.core.db import make_session_factory, unit_of_work
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange import client as exchange_client
from nara.exchange.messagelog import MessageLogRow
from nara.exchange.messages import Reply, Request, Response, encode_params
from nara.exchange.services import Service
from nara.exchange.trust import Keystore
from tests.factories import regional_rrn

TRANSPORTS = ["inprocess", "https"]
SUMMARIES = "residents/person-summaries"
HOUSEHOLDS = "residents/household-members"
ECHO = "residents/echo"
PROVIDER_NODE = "provider.test"
LAND = "KR/GOV/SCOURT/land"


def echo(ctx: CallContext, request: Request) -> Reply:
    """A REST service that answers, as JSON, everything it received."""
    seen = {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "headers": [list(pair) for pair in request.service_headers()],
        "body": base64.b64encode(request.body).decode(),
        "issue": ctx.case,
        "represented_party": ctx.represented_party,
        "user_id": ctx.user_id,
        "client": ctx.client,
    }
    return Reply(
        status=201,
        body=json.dumps(seen).encode(),
        content_type="application/json; charset=utf-8",
        headers=(("X-Echo", "yes"), ("X-Echo", "twice")),
    )


ECHO_SERVICE = Service.rest_service(
    ECHO, echo, description="Answers what it received (a test service)."
)


def offer_echo(app: FastAPI) -> None:
    exchange: Exchange = app.state.exchange
    if exchange.find(ECHO) is None:
        exchange.offer(ECHO_SERVICE)


@dataclass
class World:
    """Two installs on one committed database: all-local, and `land` here + `residents` there."""

    engine: Engine
    clock: FixedClock
    cipher: PiiCipher
    keystore: Keystore
    local: FastAPI
    remote: FastAPI
    port: int
    token: str

    def exchange(self, transport: str) -> Exchange:
        app = self.local if transport == "inprocess" else self.remote
        exchange: Exchange = app.state.exchange
        return exchange

    def app(self, transport: str) -> FastAPI:
        return self.local if transport == "inprocess" else self.remote

    def session(self) -> Any:
        return unit_of_work(make_session_factory(self.engine))

    def context(self, session: Any, client: str = "land", purpose: str = "register-check") -> Any:
        return CallContext(session, self.clock, self.cipher, client=client, purpose=purpose)

    def send(
        self, transport: str, service: str, params: dict[str, Any], **ctx: Any
    ) -> tuple[Request, Response]:
        with self.session() as session:
            context = self.context(session, **ctx)
            exchange = self.exchange(transport)
            request = exchange_client.build_request(
                exchange, service, context, encode_params(params)
            )
            return request, exchange_client.send(exchange, request, context)

    def deliver(self, transport: str, request: Request) -> Response:
        agency = request.service.subsystem.subsystem_code
        with self.session() as session:
            found = self.exchange(transport).transport_for(agency)
            assert found is not None
            return found.deliver(request, self.context(session))

    def logged(self, message_id: str, side: str = "provider") -> list[int]:
        with self.session() as session:
            rows = session.scalars(
                select(MessageLogRow.status)
                .where(MessageLogRow.message_id == message_id, MessageLogRow.side == side)
                .order_by(MessageLogRow.id)
            )
            return list(rows)

    def entries(self, message_id: str) -> list[MessageLogRow]:
        with self.session() as session:
            return list(
                session.scalars(
                    select(MessageLogRow)
                    .where(MessageLogRow.message_id == message_id)
                    .order_by(MessageLogRow.id)
                )
            )

    def register_person(self) -> int:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=next(_births))
        payload = {
            "rrn": regional_rrn(birth, "F"),
            "name_ko": "이서연",
            "name_en": "Lee Seoyeon",
            "sex": "F",
            "birth_date": birth.isoformat(),
            "nationality": "KOR",
            "registered_on": birth.isoformat(),
        }
        with TestClient(self.local) as http:
            answer = http.post(
                "/api/residents/persons",
                json=payload,
                headers={"Authorization": f"Bearer {self.token}"},
            )
        assert answer.status_code == 201, answer.text
        person_id: int = answer.json()["id"]
        return person_id


_births = itertools.count(0, 37)


def free_listener() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    return listener


@contextmanager
def running(config: uvicorn.Config, listener: socket.socket) -> Iterator[uvicorn.Server]:
    """A uvicorn server in a background thread, on `listener`, until the block ends."""
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the server did not start"
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(10)
