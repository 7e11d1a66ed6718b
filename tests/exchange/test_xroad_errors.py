"""Every refusal of the exchange, as X-Road gives it: 400 for `Client.*`, 500 for `Server.*`
(`Server.ClientProxy.*` on the caller's side, `Server.ServerProxy.*` on the provider's), the
type in `X-Road-Error` and the body, Nara's code kept in the body, JSON or XML as `Accept`
asks, with a charset."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from nara.core.access import ApiToken, digest
from nara.core.clock import FixedClock
from nara.exchange import client as exchange_client
from nara.exchange.consent.service import (
    agreement_uid,
    give_consent,
    platform_signer,
    withdraw_consent,
)
from nara.exchange.directory_admin.service import set_service_enabled
from nara.exchange.http.tls import client_ssl_context
from nara.exchange.http.transport import HttpsTransport
from nara.exchange.members import service_id_for
from nara.exchange.messages import Request, encode_params
from nara.exchange.services import Exchange
from tests.exchange.world import HOUSEHOLDS, LAND, SUMMARIES, World

SUMMARIES_URL = "/r1/KR/GOV/MOIS/residents/person-summaries"


@dataclass
class Call:
    """A call to `/r1` of the all-local install (or, `node`, a message to the node)."""

    path: str = SUMMARIES_URL
    method: str = "POST"
    headers: dict[str, Any] = field(default_factory=dict)
    body: bytes = b'{"person_ids": [1]}'
    token: str | None = None
    app: str = "local"
    node: bool = False


Setup = Callable[[World], Call]


def _base(world: World, **headers: str) -> dict[str, str]:
    return {
        "X-Road-Client": LAND,
        "X-Road-Purpose": "register-check",
        "Content-Type": "application/json",
        **headers,
    }


def _token(world: World, name: str, client: str | None, scopes: str = "exchange:call") -> str:
    with world.session() as session:
        if session.query(ApiToken).filter_by(name=name).first() is None:
            session.add(
                ApiToken(
                    name=name,
                    scopes=scopes,
                    token_sha256=digest(f"nara_{name}"),
                    client=client,
                    created_at=world.clock.now(),
                    revoked_at=None,
                )
            )
    return f"nara_{name}"


def _signed(world: World, *, at: dt.datetime | None = None, **changes: Any) -> Request:
    clock = FixedClock(at or world.clock.now())
    with world.session() as session:
        ctx = world.context(session)
        ctx = dataclasses.replace(ctx, clock=clock)
        request = exchange_client.build_request(
            world.exchange("inprocess"), SUMMARIES, ctx, encode_params({"person_ids": [1]})
        )
    return dataclasses.replace(request, **changes)


def _to_node(request: Request) -> Call:
    return Call(
        path=request.target,
        headers=dict(request.wire_headers()),
        body=request.body,
        node=True,
    )


def _replayed(world: World) -> Call:
    request = _signed(world)
    world.deliver("https", request)
    return _to_node(request)


def _withdrawn(world: World) -> Call:
    person = world.register_person()
    with world.session() as session:
        for action in (give_consent, withdraw_consent):
            action(
                session,
                clock=world.clock,
                sign=platform_signer(world.keystore),
                actor=f"person:{person}",
                agreement_id=agreement_uid(SUMMARIES, "identity-confirmation"),
                person_id=person,
            )
    return Call(
        headers=_base(world, **{"X-Road-Purpose": "identity-confirmation"}),
        body=b'{"person_ids": [%d]}' % person,
    )


_DISABLED: list[bool] = []


def _disabled(world: World) -> Call:
    with world.session() as session:
        set_service_enabled(
            session,
            clock=world.clock,
            actor="test",
            service=service_id_for(HOUSEHOLDS),
            enabled=False,
        )
    _DISABLED.append(True)
    return Call(
        path="/r1/KR/GOV/MOIS/residents/household-members",
        headers=_base(world, **{"X-Road-Purpose": "household-check"}),
        body=b'{"person_id": 1}',
    )


CASES: dict[str, tuple[Setup, int, str]] = {
    "client_missing": (
        lambda w: Call(headers={"X-Road-Purpose": "register-check"}),
        400,
        "Client.MissingHeader",
    ),
    "client_id_invalid": (
        lambda w: Call(headers=_base(w, **{"X-Road-Client": "KR/GOV/MOIS"})),
        400,
        "Client.InvalidClientIdentifier",
    ),
    "client_not_bound": (
        lambda w: Call(headers=_base(w, **{"X-Road-Client": "KR/GOV/MOHW/welfare"})),
        400,
        "Client.InvalidClientIdentifier",
    ),
    "token_unbound": (
        lambda w: Call(headers=_base(w), token=_token(w, "errors-unbound", None)),
        400,
        "Client.InvalidClientIdentifier",
    ),
    "client_unknown": (
        lambda w: Call(
            headers=_base(w, **{"X-Road-Client": "KR/COM/ACME/shop"}),
            token=_token(w, "errors-acme", "KR/COM/ACME/shop"),
        ),
        400,
        "Client.InvalidClientIdentifier",
    ),
    "message_id_invalid": (
        lambda w: Call(headers=_base(w, **{"X-Road-Id": "short"})),
        400,
        "Client.BadRequest",
    ),
    "header_not_ascii": (
        lambda w: Call(headers={**_base(w), "X-Road-UserId": "김".encode()}),
        400,
        "Client.BadRequest",
    ),
    "user_id_invalid": (
        lambda w: Call(headers=_base(w, **{"X-Road-UserId": "u" * 129})),
        400,
        "Client.BadRequest",
    ),
    "token_invalid": (
        lambda w: Call(headers=_base(w), token="nara_no-such-token"),
        500,
        "Server.ClientProxy.SslAuthenticationFailed",
    ),
    "scope_missing": (
        lambda w: Call(headers=_base(w), token=_token(w, "errors-unscoped", LAND, "land:read")),
        500,
        "Server.ClientProxy.SslAuthenticationFailed",
    ),
    "issue_invalid": (
        lambda w: Call(headers=_base(w, **{"X-Road-Issue": "case%0a2026"})),
        400,
        "Client.BadRequest",
    ),
    "provider_unknown": (
        lambda w: Call(path="/r1/KR/GOV/NOPE/x/anything", headers=_base(w)),
        500,
        "Server.ClientProxy.UnknownMember",
    ),
    "represented_party_invalid": (
        lambda w: Call(headers=_base(w, **{"X-Road-Represented-Party": "A/B/C"})),
        400,
        "Client.BadRequest",
    ),
    "service_id_invalid": (
        lambda w: Call(path="/r1/KR/GOV/MOIS", headers=_base(w)),
        400,
        "Client.BadRequest",
    ),
    "body_too_large": (
        lambda w: Call(headers=_base(w), body=b" " * (w.local.state.exchange.max_body + 1)),
        413,
        "Client.BadRequest",
    ),
    "purpose_invalid": (
        lambda w: Call(
            path="/r1/KR/GOV/MOIS/residents/echo", headers=_base(w, **{"X-Road-Purpose": "X!"})
        ),
        400,
        "Client.BadRequest",
    ),
    "method_not_allowed": (
        lambda w: Call(path="/r1/KR/GOV/MOIS/residents/listMethods", headers=_base(w)),
        400,
        "Client.InvalidHttpMethod",
    ),
    "service_unknown": (
        lambda w: Call(path="/r1/KR/GOV/MOIS/residents/no-such-service", headers=_base(w)),
        500,
        "Server.ServerProxy.UnknownService",
    ),
    "access_denied": (
        lambda w: Call(path="/r1/KR/GOV/MOHW/welfare/benefits-of-person", headers=_base(w)),
        500,
        "Server.ServerProxy.AccessDenied",
    ),
    "purpose_missing": (
        lambda w: Call(headers={**_base(w), "X-Road-Purpose": ""}),
        500,
        "Server.ServerProxy.AccessDenied",
    ),
    "purpose_unknown": (
        lambda w: Call(headers=_base(w, **{"X-Road-Purpose": "curiosity"})),
        500,
        "Server.ServerProxy.AccessDenied",
    ),
    "consent_missing": (
        lambda w: Call(
            headers=_base(w, **{"X-Road-Purpose": "identity-confirmation"}),
            body=b'{"person_ids": [%d]}' % w.register_person(),
        ),
        500,
        "Server.ServerProxy.AccessDenied",
    ),
    "consent_withdrawn": (
        _withdrawn,
        500,
        "Server.ServerProxy.AccessDenied",
    ),
    "service_disabled": (
        _disabled,
        500,
        "Server.ServerProxy.ServiceDisabled",
    ),
    "provider_unreachable": (
        lambda w: Call(headers=_base(w), app="unreachable"),
        500,
        "Server.ClientProxy.NetworkError",
    ),
    "response_untrusted": (
        lambda w: Call(headers=_base(w), app="tampered"),
        500,
        "Server.ClientProxy.SignatureVerification",
    ),
    "provider_failed": (
        lambda w: Call(headers=_base(w), app="crashing"),
        500,
        "Server.ServerProxy.ServiceFailed",
    ),
    "signature_missing": (
        lambda w: _to_node(_signed(w, signature="")),
        500,
        "Server.ServerProxy.SignatureVerification",
    ),
    "signature_invalid": (
        lambda w: _to_node(_signed(w, body=b'{"person_ids":[2]}')),
        500,
        "Server.ServerProxy.SignatureVerification",
    ),
    "message_stale": (
        lambda w: _to_node(_signed(w, at=w.clock.now() - dt.timedelta(minutes=10))),
        500,
        "Server.ServerProxy.InvalidMessage",
    ),
    "message_replayed": (_replayed, 500, "Server.ServerProxy.InvalidMessage"),
}


@contextmanager
def _swapped(exchange: Exchange, kind: str, world: World) -> Iterator[None]:
    """The all-local install with its provider unreachable, tampering or crashing."""
    saved_local, saved_transports = exchange._local, dict(exchange.transports)
    saved_agencies = exchange.local_agencies
    try:
        if kind == "unreachable":
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                closed = probe.getsockname()[1]
            exchange.local_agencies = frozenset({"land"})
            exchange.transports["residents"] = HttpsTransport(
                f"https://127.0.0.1:{closed}",
                ssl_context=client_ssl_context(world.keystore, "errors.test"),
                timeout=2,
            )
        elif kind == "tampered":
            genuine = exchange.local_transport()

            class Tampering:
                def deliver(self, request: Any, ctx: Any) -> Any:
                    response = genuine.deliver(request, ctx)
                    return dataclasses.replace(response, body=response.body + b" ")

            exchange._local = Tampering()
        elif kind == "crashing":

            class Crashing:
                def deliver(self, request: Any, ctx: Any) -> Any:
                    from nara.exchange.gateway import ServiceCrashed

                    raise ServiceCrashed("residents") from ZeroDivisionError("a bug")

            exchange._local = Crashing()
        yield
    finally:
        exchange._local, exchange.transports = saved_local, saved_transports
        exchange.local_agencies = saved_agencies


def _send(world: World, call: Call, accept: str) -> httpx.Response:
    headers = {**call.headers, "Accept": accept}
    if call.node:
        context = client_ssl_context(world.keystore, "errors-client.test")
        with httpx.Client(verify=context, base_url=f"https://127.0.0.1:{world.port}") as http:
            return http.request(call.method, call.path, headers=headers, content=call.body)
    headers["Authorization"] = f"Bearer {call.token or world.token}"
    exchange: Exchange = world.local.state.exchange
    with _swapped(exchange, call.app, world), TestClient(world.local) as http:
        return http.request(call.method, call.path, headers=headers, content=call.body)


@pytest.mark.parametrize("accept", ["application/json", "application/xml"])
@pytest.mark.parametrize("code", list(CASES))
def test_every_refusal_has_its_status_type_and_both_body_forms(
    world: World, code: str, accept: str
) -> None:
    setup, status, xroad_type = CASES[code]
    try:
        answer = _send(world, setup(world), accept)
    finally:
        if _DISABLED:
            with world.session() as session:
                set_service_enabled(
                    session,
                    clock=world.clock,
                    actor="test",
                    service=service_id_for(HOUSEHOLDS),
                    enabled=True,
                )
            _DISABLED.clear()

    assert answer.status_code == status, answer.text
    assert answer.headers["X-Road-Error"] == xroad_type
    media = answer.headers["content-type"]
    assert "charset=utf-8" in media
    if accept == "application/xml":
        assert media.startswith("application/xml")
        root = ET.fromstring(answer.content)
        assert root.tag == "error"
        assert (root.findtext("type"), root.findtext("code")) == (xroad_type, code)
        assert root.findtext("message") and root.findtext("message_ko")
    else:
        assert media.startswith("application/json")
        body = answer.json()
        assert (body["type"], body["code"]) == (xroad_type, code)
        assert body["message"] and body["message_ko"] and "detail" in body


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("X-Road-UserId", "a%0d%0aX-Evil: 1", "user_id_invalid"),
        ("X-Road-UserId", "a%00", "user_id_invalid"),
        ("X-Road-Issue", "a%0d%0ab%00", "issue_invalid"),
        ("X-Road-Purpose", "x" * 256, "purpose_invalid"),
        ("X-Road-Represented-Party", "PERSON/%C2%B2", "represented_party_invalid"),
        ("X-Road-Represented-Party", "PERSON/%D9%A9", "represented_party_invalid"),
        ("X-Road-Represented-Party", "PERSON/%0a", "represented_party_invalid"),
    ],
)
def test_what_a_caller_states_must_decode_to_text_fit_for_the_log(
    world: World, header: str, value: str, code: str
) -> None:
    message = f"stated-{abs(hash((header, value))):x}"
    call = Call(headers=_base(world, **{header: value, "X-Road-Id": message}), body=b"{}")

    answer = _send(world, call, "application/json")

    assert answer.status_code == 400, answer.text
    assert (answer.headers["X-Road-Error"], answer.json()["code"]) == ("Client.BadRequest", code)
    for entry in world.entries(message):
        assert all(
            text is None or text.isprintable()
            for text in (entry.user_id, entry.purpose, entry.issue, entry.represented_party)
        )
