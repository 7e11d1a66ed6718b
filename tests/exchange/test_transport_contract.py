"""One contract, two transports: a call answers and refuses alike in process and over HTTPS.

The `https` transport runs the provider node (serving `residents` only) in a real uvicorn
server with mutual TLS, in a background thread, against a committed database; the client
exchange serves `land` itself and reaches `residents` over HTTPS. The `inprocess` transport
serves every agency in the caller's transaction. Every case checks the answer or refusal, the
signatures, and the entry the exchange left in the message log.
"""

from __future__ import annotations

import base64
import socket
import ssl
from dataclasses import replace

import httpx
import pytest
from fastapi.testclient import TestClient

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
from nara.exchange.messages import Request, Response, encode_params
from tests.exchange.world import HOUSEHOLDS, SUMMARIES, World


def _code(response: Response) -> str:
    code: str = response.json()["code"]
    return code


def _refused(response: Response, xroad_type: str, code: str) -> None:
    """An exchange refusal: 500 for the provider's side, its X-Road type in the header and
    the body, Nara's code in the body."""
    assert response.status == 500, response.body
    assert response.error_type == xroad_type
    assert (response.json()["type"], _code(response)) == (xroad_type, code)


def _signed_by_both(world: World, request: Request, response: Response) -> None:
    world.keystore.verify(request.client.member, request.signing_text(), request.signature)
    world.keystore.verify(request.service.member, response.signing_text(), response.signature)
    assert response.request_hash == request.request_hash


def test_a_granted_call_answers_with_the_purpose_view(world: World, transport: str) -> None:
    person = world.register_person()

    request, response = world.send(transport, SUMMARIES, {"person_ids": [person]})

    assert response.status == 200, response.body
    assert response.json() == {
        str(person): {
            "person_id": person,
            "name_ko": "이서연",
            "name_en": "Lee Seoyeon",
            "birth_date": response.json()[str(person)]["birth_date"],
            "sex": "F",
            "status": "alive",
        }
    }
    assert response.header("x-road-service") == str(service_id_for(SUMMARIES))
    _signed_by_both(world, request, response)
    assert world.logged(request.message_id) == [200]


def test_consent_purpose_views_fewer_fields(world: World, transport: str) -> None:
    person = world.register_person()
    _consent(world, person, give=True)

    request, response = world.send(
        transport, SUMMARIES, {"person_ids": [person]}, purpose="identity-confirmation"
    )

    assert response.status == 200, response.body
    assert set(response.json()[str(person)]) == {"person_id", "name_ko", "name_en", "status"}
    assert world.logged(request.message_id) == [200]


def test_a_client_without_a_right_is_denied(world: World, transport: str) -> None:
    request, response = world.send(transport, SUMMARIES, {"person_ids": [1]}, client="residents")

    _refused(response, "Server.ServerProxy.AccessDenied", "access_denied")
    _signed_by_both(world, request, response)
    assert world.logged(request.message_id) == [500]


def test_an_unknown_service_is_refused(world: World, transport: str) -> None:
    request, response = world.send(transport, "residents/no-such-service", {})

    _refused(response, "Server.ServerProxy.UnknownService", "service_unknown")
    _signed_by_both(world, request, response)
    assert world.logged(request.message_id) == [500]


def test_a_disabled_service_is_refused(world: World, transport: str) -> None:
    with world.session() as session:
        set_service_enabled(
            session,
            clock=world.clock,
            actor="test",
            service=service_id_for(HOUSEHOLDS),
            enabled=False,
        )

    request, response = world.send(
        transport, HOUSEHOLDS, {"person_id": 1}, purpose="household-check"
    )

    _refused(response, "Server.ServerProxy.ServiceDisabled", "service_disabled")
    _signed_by_both(world, request, response)
    assert world.logged(request.message_id) == [500]


def _consent(world: World, person: int, *, give: bool) -> None:
    with world.session() as session:
        action = give_consent if give else withdraw_consent
        action(
            session,
            clock=world.clock,
            sign=platform_signer(world.keystore),
            actor=f"person:{person}",
            agreement_id=agreement_uid(SUMMARIES, "identity-confirmation"),
            person_id=person,
        )


def test_consent_is_missing_then_withdrawn(world: World, transport: str) -> None:
    person = world.register_person()
    params = {"person_ids": [person]}

    missing, refused = world.send(transport, SUMMARIES, params, purpose="identity-confirmation")
    _consent(world, person, give=True)
    _consent(world, person, give=False)
    withdrawn, refused_again = world.send(
        transport, SUMMARIES, params, purpose="identity-confirmation"
    )

    _refused(refused, "Server.ServerProxy.AccessDenied", "consent_missing")
    _refused(refused_again, "Server.ServerProxy.AccessDenied", "consent_withdrawn")
    _signed_by_both(world, withdrawn, refused_again)
    assert world.logged(missing.message_id) == [500]
    assert world.logged(withdrawn.message_id) == [500]


@pytest.mark.parametrize("tamper", ["body", "signature", "missing"])
def test_a_tampered_request_is_refused(world: World, transport: str, tamper: str) -> None:
    with world.session() as session:
        signed = exchange_client.build_request(
            world.exchange(transport),
            SUMMARIES,
            world.context(session),
            encode_params({"person_ids": [1]}),
        )
    if tamper == "body":
        request = replace(signed, body=encode_params({"person_ids": [2]}))
    elif tamper == "missing":
        request = replace(signed, signature="")
    else:
        key_id, _, value = signed.signature.partition(".")
        flipped = ("A" if value[0] != "A" else "B") + value[1:]
        request = replace(signed, signature=f"{key_id}.{flipped}")

    response = world.deliver(transport, request)

    expected = "signature_missing" if tamper == "missing" else "signature_invalid"
    _refused(response, "Server.ServerProxy.SignatureVerification", expected)
    world.keystore.verify(request.service.member, response.signing_text(), response.signature)
    assert response.request_hash == request.request_hash
    assert world.logged(request.message_id) == [500]


def test_a_replayed_request_is_refused(world: World, transport: str) -> None:
    with world.session() as session:
        request = exchange_client.build_request(
            world.exchange(transport),
            SUMMARIES,
            world.context(session),
            encode_params({"person_ids": [1]}),
        )

    first = world.deliver(transport, request)
    second = world.deliver(transport, request)

    assert first.status == 200, first.body
    _refused(second, "Server.ServerProxy.InvalidMessage", "message_replayed")
    _signed_by_both(world, request, second)
    assert world.logged(request.message_id) == [200, 500]


# -- HTTPS only ------------------------------------------------------------------------------


def test_the_node_refuses_a_handshake_without_a_client_certificate(world: World) -> None:
    context = ssl.create_default_context(cafile=str(world.keystore.ca_certificate_path))
    with (
        httpx.Client(verify=context) as http,
        pytest.raises((httpx.TransportError, ssl.SSLError)),
    ):
        http.post(f"https://127.0.0.1:{world.port}/r1/KR/GOV/MOIS/residents/person-summaries")


def test_the_node_answers_an_unreadable_request_with_a_client_error(world: World) -> None:
    context = client_ssl_context(world.keystore, "contract-client.test")
    base = f"https://127.0.0.1:{world.port}"
    with httpx.Client(verify=context, base_url=base) as http:
        no_client = http.post("/r1/KR/GOV/MOIS/residents/person-summaries", content=b"{}")
        unsigned = http.post(
            "/r1/KR/GOV/SCOURT/land/properties-of-owner",
            content=b"{}",
            headers={
                "X-Road-Client": "KR/GOV/SCOURT/land",
                "X-Road-Id": "message-elsewhere-1",
                "X-Road-Purpose": "register-check",
            },
        )

    assert no_client.status_code == 400
    assert no_client.headers["X-Road-Error"] == "Client.MissingHeader"
    assert no_client.json()["code"] == "client_missing"
    assert unsigned.status_code == 500
    assert unsigned.headers["X-Road-Error"] == "Server.ServerProxy.SignatureVerification"
    assert unsigned.headers["X-Road-Id"] == "message-elsewhere-1"


def test_an_unreachable_node_is_a_provider_failure(world: World) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    transport = HttpsTransport(
        f"https://127.0.0.1:{closed}",
        ssl_context=client_ssl_context(world.keystore, "contract-client.test"),
        timeout=2,
    )
    try:
        with world.session() as session:
            request = exchange_client.build_request(
                world.exchange("https"), SUMMARIES, world.context(session), b"{}"
            )
            with pytest.raises(Exception) as raised:
                transport.deliver(request, world.context(session))
    finally:
        transport.close()
    assert getattr(raised.value, "code", None) == "provider_unreachable"
    assert getattr(raised.value, "status", None) == 502
    assert getattr(raised.value, "xroad_type", None) == "Server.ClientProxy.NetworkError"
    assert raised.value.extra["cause"] == "connection_refused"


XROAD_HEADERS = {
    "X-Road-Client": "KR/GOV/SCOURT/land",
    "X-Road-UserId": "official-7",
    "X-Road-Issue": "2026-77",
    "X-Road-Purpose": "register-check",
}


def test_an_information_system_calls_through_the_rest_entry_point(world: World) -> None:
    person = world.register_person()
    with TestClient(world.remote) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers={
                **XROAD_HEADERS,
                "X-Road-Id": "is-call-0001",
                "Authorization": f"Bearer {world.token}",
            },
        )
        anonymous_id = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers={**XROAD_HEADERS, "Authorization": f"Bearer {world.token}"},
        )

    assert answer.status_code == 200, answer.text
    assert answer.json()[str(person)]["status"] == "alive"
    assert answer.headers["X-Road-Id"] == "is-call-0001"
    assert answer.headers["X-Road-Service"] == "KR/GOV/MOIS/residents/person-summaries"
    assert answer.headers["X-Road-Request-Id"]
    request_hash = answer.headers["X-Road-Request-Hash"]
    assert len(request_hash) == 88
    assert len(base64.b64decode(request_hash, validate=True)) == 64
    assert "X-Road-Error" not in answer.headers
    assert world.logged("is-call-0001") == [200]
    assert world.logged("is-call-0001", side="consumer") == [200]
    assert anonymous_id.status_code == 200
    assert len(anonymous_id.headers["X-Road-Id"]) >= 8
    assert world.logged(anonymous_id.headers["X-Road-Id"]) == [200]


@pytest.mark.parametrize(
    ("headers", "status", "error", "code"),
    [
        (
            {"X-Road-Purpose": "tax-assessment"},
            500,
            "Server.ServerProxy.AccessDenied",
            "purpose_unknown",
        ),
        (
            {"X-Road-Client": "KR/GOV/ACME/shop"},
            400,
            "Client.InvalidClientIdentifier",
            "client_not_bound",
        ),
        (
            {"X-Road-Client": "not-a-subsystem"},
            400,
            "Client.InvalidClientIdentifier",
            "client_id_invalid",
        ),
        ({"X-Road-Purpose": ""}, 500, "Server.ServerProxy.AccessDenied", "purpose_missing"),
        ({"X-Road-Id": "short"}, 400, "Client.BadRequest", "message_id_invalid"),
    ],
)
def test_the_rest_entry_point_answers_failures_with_xroad_errors(
    world: World, headers: dict[str, str], status: int, error: str, code: str
) -> None:
    with TestClient(world.remote) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [1]},
            headers={**XROAD_HEADERS, **headers, "Authorization": f"Bearer {world.token}"},
        )

    assert answer.status_code == status, answer.text
    assert answer.headers["X-Road-Error"] == error
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert (body["code"], body["type"]) == (code, error)


def test_the_rest_entry_point_needs_a_token_with_the_exchange_scope(world: World) -> None:
    with TestClient(world.remote) as http:
        anonymous = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries", json={}, headers=XROAD_HEADERS
        )
    # An information system not authenticated, as X-Road's client proxy answers it.
    assert anonymous.status_code == 500
    assert anonymous.headers["X-Road-Error"] == "Server.ClientProxy.SslAuthenticationFailed"
    assert (anonymous.json()["code"], anonymous.json()["status"]) == ("token_missing", 401)
