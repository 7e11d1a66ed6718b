"""Callers are who they are: a token calls as the one subsystem it is bound to, an information
system's client certificate names its subsystem, and the log keeps who was authenticated next
to the user id the calling system asserted."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from nara.core.access import ApiToken, digest, issue_token
from nara.core.errors import Invalid
from nara.exchange.http.tls import web_tls_options
from nara.exchange.trust import SubsystemId
from nara.exchange.trust.requests import certify, make_request
from nara.exchange.usage import ExchangeDataUsage
from nara.residents.models import Person
from tests.exchange.world import LAND, World, free_listener, running

WELFARE = "KR/GOV/MOHW/welfare"
GOV24 = "KR/GOV/MOIS/gov24"


def _headers(world: World, client: str, token: str | None = None, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token or world.token}",
        "X-Road-Client": client,
        "X-Road-UserId": "official:minister <script>alert(1)</script>",
        **extra,
    }


def _usage_rows(world: World) -> int:
    with world.session() as session:
        return int(session.scalar(select(func.count()).select_from(ExchangeDataUsage)) or 0)


def _logged_count(world: World) -> int:
    with world.session() as session:
        return int(session.scalar(text("SELECT count(*) FROM exchange_message_log")) or 0)


@pytest.mark.parametrize("claimed", [WELFARE, GOV24, "KR/GOV/SCOURT/family"])
def test_a_token_bound_to_land_cannot_read_as_another_subsystem(
    world: World, transport: str, claimed: str
) -> None:
    person = world.register_person()
    usage, logged = _usage_rows(world), _logged_count(world)
    with TestClient(world.app(transport)) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers=_headers(world, claimed, **{"X-Road-Purpose": "register-check"}),
        )

    assert answer.status_code == 400, answer.text
    assert answer.headers["X-Road-Error"] == "Client.InvalidClientIdentifier"
    assert answer.json()["code"] == "client_not_bound"
    assert (_usage_rows(world), _logged_count(world)) == (usage, logged)


def test_a_token_bound_to_land_cannot_write_as_the_single_window(
    world: World, transport: str
) -> None:
    person = world.register_person()
    with TestClient(world.app(transport)) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/death-report",
            json={"person_id": person, "died_on": "2026-01-01", "step_key": f"death:{person}"},
            headers=_headers(world, GOV24, **{"X-Road-Purpose": "death-report"}),
        )

    assert answer.status_code == 400, answer.text
    assert answer.headers["X-Road-Error"] == "Client.InvalidClientIdentifier"
    with world.session() as session:
        assert session.get_one(Person, person).status == "alive"


def test_a_token_calls_as_its_own_subsystem(world: World, transport: str) -> None:
    person = world.register_person()
    message = f"own-call-{person}-{transport}"
    with TestClient(world.app(transport)) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers=_headers(
                world, LAND, **{"X-Road-Purpose": "register-check", "X-Road-Id": message}
            ),
        )

    assert answer.status_code == 200, answer.text
    [entry, *rest] = [e for e in world.entries(message) if e.side == "provider"]
    assert rest == []
    assert (entry.caller, entry.user_id, entry.user_asserted) == (
        "token:contract",
        "official:minister <script>alert(1)</script>",
        True,
    )
    with world.session() as session:
        [read] = session.scalars(
            select(ExchangeDataUsage).where(ExchangeDataUsage.message_id == message)
        ).all()
    assert read.user_asserted is True


def test_a_call_naming_no_user_is_the_systems_own(world: World, transport: str) -> None:
    person = world.register_person()
    message = f"own-user-{person}-{transport}"
    headers = _headers(world, LAND, **{"X-Road-Purpose": "register-check", "X-Road-Id": message})
    del headers["X-Road-UserId"]
    with TestClient(world.app(transport)) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers=headers,
        )

    assert answer.status_code == 200, answer.text
    [entry] = [e for e in world.entries(message) if e.side == "provider"]
    assert (entry.caller, entry.user_id, entry.user_asserted) == (
        "token:contract",
        "token:contract",
        False,
    )


@pytest.mark.parametrize("scopes", [["exchange:call"], ["*"], ["exchange:*"]])
def test_a_token_bound_to_nobody_cannot_call(world: World, scopes: list[str]) -> None:
    with world.session() as session:
        # A token issued before tokens were bound (or with a wildcard scope): no client.
        name = f"unbound-{'-'.join(scopes).replace('*', 'all').replace(':', '')}"
        session.add(
            ApiToken(
                name=name,
                scopes=" ".join(scopes),
                token_sha256=digest(f"nara_{name}"),
                client=None,
                created_at=world.clock.now(),
                revoked_at=None,
            )
        )
    with TestClient(world.local) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [1]},
            headers=_headers(world, LAND, token=f"nara_{name}"),
        )

    assert answer.status_code == 400, answer.text
    assert answer.headers["X-Road-Error"] == "Client.InvalidClientIdentifier"
    assert answer.json()["code"] == "token_unbound"


def test_a_token_for_the_exchange_is_issued_bound_to_a_subsystem(world: World) -> None:
    with world.session() as session, pytest.raises(Invalid) as refused:
        issue_token(session, name="unbound", scopes=["exchange:call"], now=world.clock.now())
    assert refused.value.code == "token_client_missing"


def _client_certificate(world: World, folder: Path, subsystem: str) -> tuple[Path, Path]:
    """An information system's key (made here, as the system would) and the certificate the
    platform CA issues for it from its signing request."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = certify(world.keystore, make_request(key, subsystem), kind="client", name=subsystem)
    key_path = folder / f"{subsystem.replace('/', '_')}.key"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path = folder / f"{subsystem.replace('/', '_')}.pem"
    cert_path.write_bytes(pem)
    return cert_path, key_path


@pytest.fixture(scope="module")
def https_platform(world: World) -> Any:
    """The all-local install served over HTTPS (`nara serve --tls`)."""
    listener = free_listener()
    options = web_tls_options(world.keystore, "localhost")
    config = uvicorn.Config(world.local, log_level="warning", access_log=False, **options)
    with running(config, listener):
        yield f"https://localhost:{listener.getsockname()[1]}"


def _tls_client(world: World, cert: tuple[Path, Path] | None) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(world.keystore.ca_certificate_path))
    if cert is not None:
        context.load_cert_chain(*cert)
    return httpx.Client(verify=context, timeout=10)


def test_an_information_system_calls_with_its_client_certificate(
    world: World, https_platform: str, tmp_path: Path
) -> None:
    person = world.register_person()
    certificate = _client_certificate(world, tmp_path, LAND)
    message = f"cert-call-{person}"
    with _tls_client(world, certificate) as http:
        answer = http.post(
            f"{https_platform}/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers={
                "X-Road-Client": LAND,
                "X-Road-Id": message,
                "X-Road-Purpose": "register-check",
            },
        )
        elsewhere = http.post(
            f"{https_platform}/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers={"X-Road-Client": WELFARE, "X-Road-Purpose": "register-check"},
        )
    with _tls_client(world, None) as http:
        anonymous = http.post(
            f"{https_platform}/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers={"X-Road-Client": LAND, "X-Road-Purpose": "register-check"},
        )

    assert answer.status_code == 200, answer.text
    assert answer.json()[str(person)]["status"] == "alive"
    [entry] = world.entries(message)
    assert entry.caller == f"certificate:{LAND}"
    assert entry.user_id == f"certificate:{LAND}"  # no X-Road-UserId: the system itself
    assert elsewhere.status_code == 500
    assert elsewhere.headers["X-Road-Error"] == "Server.ClientProxy.SslAuthenticationFailed"
    assert anonymous.status_code == 500  # neither a certificate nor a token
    assert anonymous.json()["code"] == "token_missing"


def test_a_certificate_not_issued_by_the_platform_is_refused_at_the_handshake(
    world: World, https_platform: str, tmp_path: Path
) -> None:
    from nara.exchange.trust.ca import create_root_ca, issue_client_certificate

    now = dt.datetime.now(dt.UTC)
    other_key, other_ca = create_root_ca(now=now, validity=dt.timedelta(days=1), name="Other")
    key = ec.generate_private_key(ec.SECP256R1())
    forged = issue_client_certificate(
        ca_key=other_key,
        ca_certificate=other_ca,
        subsystem=SubsystemId.parse(LAND),
        public_key=key.public_key(),
        now=now,
        validity=dt.timedelta(days=1),
    )
    key_path, cert_path = tmp_path / "forged.key", tmp_path / "forged.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(forged.public_bytes(serialization.Encoding.PEM))

    with (
        _tls_client(world, (cert_path, key_path)) as http,
        pytest.raises((httpx.TransportError, ssl.SSLError)),
    ):
        answer = http.post(
            f"{https_platform}/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [1]},
            headers={"X-Road-Client": LAND, "X-Road-Purpose": "register-check"},
        )
        # TLS 1.3 reports the refused certificate on the first read.
        answer.read()


def test_the_citizen_sees_which_reader_ids_a_calling_system_asserted(
    world: World, transport: str
) -> None:
    person = world.register_person()
    with TestClient(world.app(transport)) as http:
        http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person]},
            headers=_headers(world, LAND, **{"X-Road-Purpose": "register-check"}),
        )
    with world.session() as session:
        token = issue_token(
            session,
            name=f"portal-{person}-{transport}",
            scopes=["exchange:usage"],
            now=world.clock.now(),
        )
    with TestClient(world.local) as http:
        usage = http.get(
            "/api/exchange/data/myPersonalDataUsage",
            params={"userId": person},
            headers={
                "Authorization": f"Bearer {token}",
                "Information-Mediator-Client": "KR/GOV/MOIS/gov24",
            },
        ).json()

    asserted = [item for item in usage["items"] if item["readerApplicationName"] == LAND]
    assert asserted and all(item["readerIdAssertedBySystem"] for item in asserted)
    assert asserted[0]["readerId"] == "official:minister <script>alert(1)</script>"


def test_only_persons_on_the_register_are_recorded_read(world: World) -> None:
    person = world.register_person()
    nobody = 10**12
    message = f"found-persons-{person}"
    with TestClient(world.local) as http:
        answer = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": [person, nobody]},
            headers=_headers(
                world, LAND, **{"X-Road-Purpose": "register-check", "X-Road-Id": message}
            ),
        )
        too_many = http.post(
            "/r1/KR/GOV/MOIS/residents/person-summaries",
            json={"person_ids": list(range(1, 1002))},
            headers=_headers(world, LAND, **{"X-Road-Purpose": "register-check"}),
        )

    assert answer.status_code == 200, answer.text
    assert list(answer.json()) == [str(person)]
    with world.session() as session:
        read = session.scalars(
            select(ExchangeDataUsage.person_id).where(ExchangeDataUsage.message_id == message)
        ).all()
    assert read == [person]
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "params_invalid"
