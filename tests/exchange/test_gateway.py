"""The gateway's rules that do not depend on the transport: views, the usage log, evidence.

Refusals common to both transports (rights, consent, signatures, replays) are in
`test_transport_contract.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import FixedClock
from nara.core.db import unit_of_work
from nara.core.errors import Conflict, Message, NaraError
from nara.core.outbox import OutboxEvent
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.exchange.client import build_request
from nara.exchange.consent.service import agreement_uid, give_consent, platform_signer
from nara.exchange.gateway import Gateway
from nara.exchange.messagelog import MessageLogRow, chain_pending, verify
from nara.exchange.messages import Request, Response, encode_params
from nara.exchange.services import Exchange
from nara.exchange.usage import ExchangeDataUsage, ExchangeUsageRelay, RelayPass, relay_reads
from nara.residents.models import Person
from tests.factories import make_person
from tests.support import call_json, call_wire, count_rows, grant

Auth = Callable[..., dict[str, str]]


def _ctx(session: Session, clock: FixedClock, cipher: PiiCipher, **kw: str) -> CallContext:
    values = {"client": "land", "purpose": "register-check", "user_id": "official:kim"} | kw
    return CallContext(session=session, clock=clock, cipher=cipher, **values)


@pytest.fixture
def exchange(app: FastAPI) -> Exchange:
    found: Exchange = app.state.exchange
    return found


@pytest.fixture
def kim(session: Session, cipher: PiiCipher) -> Person:
    return make_person(session, cipher, name_ko="김민준", name_en="Kim Minjun")


@pytest.fixture
def lee(session: Session, cipher: PiiCipher) -> Person:
    return make_person(session, cipher, name_ko="이서연", name_en="Lee Seoyeon", sex="F")


def test_each_purpose_sees_only_its_view(
    exchange: Exchange, session: Session, clock: FixedClock, cipher: PiiCipher, kim: Person
) -> None:
    grant(session, clock, "welfare", "residents/person-summaries")
    give_consent(
        session,
        clock=clock,
        sign=platform_signer(exchange.require_keystore()),
        actor="citizen",
        agreement_id=agreement_uid("residents/person-summaries", "identity-confirmation"),
        person_id=kim.id,
    )
    full = call_wire(
        exchange, "residents/person-summaries", _ctx(session, clock, cipher), person_ids=[kim.id]
    )
    narrow = call_wire(
        exchange,
        "residents/person-summaries",
        _ctx(session, clock, cipher, client="welfare", purpose="identity-confirmation"),
        person_ids=[kim.id],
    )

    assert set(full[str(kim.id)]) == {
        "person_id",
        "name_ko",
        "name_en",
        "birth_date",
        "sex",
        "status",
    }
    assert narrow == {
        str(kim.id): {
            "person_id": kim.id,
            "name_ko": "김민준",
            "name_en": "Kim Minjun",
            "status": "alive",
        }
    }


def test_every_read_is_logged_for_the_person_read(
    exchange: Exchange, session: Session, clock: FixedClock, cipher: PiiCipher, kim: Person
) -> None:
    call_json(
        exchange,
        "residents/person-summaries",
        _ctx(session, clock, cipher),
        person_ids=[kim.id, 99_999],
    )

    [entry] = session.scalars(select(MessageLogRow)).all()
    assert (entry.client, entry.service, entry.status, entry.user_id) == (
        "KR/GOV/SCOURT/land",
        "KR/GOV/MOIS/residents/person-summaries",
        200,
        "official:kim",
    )
    assert entry.legal_basis.startswith("public_task: 전자정부법 제36조")
    assert entry.request_signature and entry.response_signature
    assert (entry.side, entry.caller, entry.user_asserted) == ("provider", "platform", False)
    reads = session.scalars(select(ExchangeDataUsage)).all()
    assert [(r.person_id, r.log_id, r.purpose, r.consent_ref) for r in reads] == [
        # 99_999 names nobody: no one's data was read (a later resident given that id
        # must not find a read from before he existed).
        (kim.id, entry.id, "register-check", None),
    ]
    assert reads[0].fields == sorted(
        ["person_id", "name_ko", "name_en", "birth_date", "sex", "status"]
    )


def test_a_citizen_sees_exactly_the_reads_of_his_data(
    *,
    client: TestClient,
    auth: Auth,
    exchange: Exchange,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    kim: Person,
    lee: Person,
) -> None:
    call_json(
        exchange, "residents/person-summaries", _ctx(session, clock, cipher), person_ids=[kim.id]
    )
    clock.advance(dt.timedelta(minutes=1))
    call_json(
        exchange,
        "residents/person-summaries",
        _ctx(session, clock, cipher, client="vehicles", user_id="official:lee"),
        person_ids=[kim.id, lee.id],
    )
    session.commit()
    headers = auth("exchange:usage") | {"Information-Mediator-Client": "KR/GOV/MOIS/portal"}
    url = "/api/exchange/data/myPersonalDataUsage"

    mine = client.get(url, params={"userId": kim.id}, headers=headers).json()
    hers = client.get(url, params={"userId": lee.id}, headers=headers).json()

    assert mine["total"] == 2
    newest = mine["items"][0]
    assert (newest["readerApplicationName"], newest["readerId"], newest["purpose"]) == (
        "KR/GOV/MOLIT/vehicles",
        "official:lee",
        "register-check",
    )
    assert (newest["readerInstitutionId"], newest["readerInstitutionNameKo"]) == (
        "KR/GOV/MOLIT",
        "국토교통부",
    )
    assert newest["lawfulBasis"] == "public_task"
    assert [i["readerApplicationName"] for i in hers["items"]] == ["KR/GOV/MOLIT/vehicles"]
    assert {i["refrences"][0]["ReferenceID"] for i in hers["items"]} <= {
        i["refrences"][0]["ReferenceID"] for i in mine["items"]
    }
    nobody = client.get(url, params={"userId": 424_242}, headers=headers).json()
    assert nobody == {"items": [], "page": 1, "size": 50, "total": 0}
    assert client.get(url, params={"userId": kim.id}).status_code == 401
    no_client = client.get(url, params={"userId": kim.id}, headers=auth("exchange:usage"))
    assert no_client.status_code == 422


def test_reads_are_announced_once_for_real_time_alerts(
    exchange: Exchange, session: Session, clock: FixedClock, cipher: PiiCipher, kim: Person
) -> None:
    call_json(
        exchange, "residents/person-summaries", _ctx(session, clock, cipher), person_ids=[kim.id]
    )
    call_json(exchange, "business/summaries", _ctx(session, clock, cipher), business_ids=[1])

    assert relay_reads(session, clock).announced == 0  # nothing is announced before chaining
    assert chain_pending(session) == 2
    assert relay_reads(session, clock) == RelayPass(scanned=2, announced=1)  # business: nobody
    assert relay_reads(session, clock) == RelayPass(scanned=0, announced=0)
    [event] = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type == "personal_data.read")
    ).all()
    assert event.payload["person_ids"] == [kim.id]
    assert event.payload["client"] == "KR/GOV/SCOURT/land"


def test_the_relay_looks_at_each_logged_call_once_read_or_not(
    exchange: Exchange, session: Session, clock: FixedClock, cipher: PiiCipher, kim: Person
) -> None:
    for _ in range(3):
        call_json(
            exchange,
            "residents/person-summaries",
            _ctx(session, clock, cipher),
            person_ids=[kim.id],
        )
    for _ in range(3):
        call_json(exchange, "business/summaries", _ctx(session, clock, cipher), business_ids=[1])
    chain_pending(session)
    last = session.scalar(select(func.max(MessageLogRow.seq)))

    assert relay_reads(session, clock, limit=2) == RelayPass(scanned=2, announced=2)
    assert relay_reads(session, clock, limit=2) == RelayPass(scanned=2, announced=1)
    assert relay_reads(session, clock, limit=2) == RelayPass(scanned=2, announced=0)
    # the cursor is past the calls that read nobody: later passes do not look at them again
    assert session.scalar(select(ExchangeUsageRelay.last_seq)) == last
    assert relay_reads(session, clock) == RelayPass(scanned=0, announced=0)


def test_a_refusal_is_logged_even_when_the_callers_work_rolls_back(
    app: FastAPI, session_factory: sessionmaker[Session], clock: FixedClock, cipher: PiiCipher
) -> None:
    exchange: Exchange = app.state.exchange
    with pytest.raises(NaraError) as refused, unit_of_work(session_factory) as work:
        call_json(
            exchange,
            "residents/person-summaries",
            _ctx(work, clock, cipher, purpose="curiosity"),
            person_ids=[1],
        )

    assert (refused.value.code, refused.value.status) == ("purpose_unknown", 403)
    with session_factory() as session:
        [entry] = session.scalars(select(MessageLogRow)).all()
        assert (entry.purpose, entry.status) == ("curiosity", 500)
        assert entry.error_type == "Server.ServerProxy.AccessDenied"
        assert verify(session).pending == 1
        chain_pending(session)
        assert verify(session).ok
        assert verify(session).pending == 0


def test_a_read_is_logged_even_when_the_callers_work_then_fails(
    app: FastAPI,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    exchange: Exchange = app.state.exchange
    with session_factory() as setup:
        kim = make_person(setup, cipher)
        setup.commit()
    with pytest.raises(Conflict), unit_of_work(session_factory) as work:
        call_json(
            exchange, "residents/person-summaries", _ctx(work, clock, cipher), person_ids=[kim.id]
        )
        raise Conflict("later_rule", Message("A later rule refused the work.", "나중 규칙 위반"))

    with session_factory() as session:
        assert count_rows(session, "exchange_message_log") == 1
        assert [r.person_id for r in session.scalars(select(ExchangeDataUsage))] == [kim.id]


def test_a_stale_message_is_refused(
    exchange: Exchange, session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    earlier = FixedClock(clock.now() - dt.timedelta(minutes=6))
    old = build_request(
        exchange,
        "residents/person-summaries",
        _ctx(session, earlier, cipher),
        encode_params({"person_ids": [1]}),
    )

    response = Gateway(exchange).serve(old, session, clock, cipher)

    assert (response.status, response.json()["code"]) == (500, "message_stale")
    assert response.error_type == "Server.ServerProxy.InvalidMessage"
    assert session.scalars(select(MessageLogRow.status)).all() == [500]


def test_a_response_that_does_not_answer_the_request_is_refused_and_logged(
    exchange: Exchange, session: Session, clock: FixedClock, cipher: PiiCipher, kim: Person
) -> None:
    class Tampering:
        def deliver(self, request: Request, ctx: CallContext) -> Response:
            genuine = Gateway(exchange).serve(request, ctx.session, ctx.clock, ctx.cipher)
            return dataclasses.replace(genuine, body=genuine.body.replace(b"alive", b"dead!"))

    exchange._local = Tampering()  # the provider's answer altered on the way
    with pytest.raises(NaraError) as refused:
        call_json(
            exchange,
            "residents/person-summaries",
            _ctx(session, clock, cipher),
            person_ids=[kim.id],
        )

    assert (refused.value.code, refused.value.status) == ("response_untrusted", 502)
    logged = session.execute(
        select(MessageLogRow.side, MessageLogRow.status, MessageLogRow.error_type).order_by(
            MessageLogRow.id
        )
    ).all()
    # the provider's answer, then the client's refusal of it
    assert [tuple(row) for row in logged] == [
        ("provider", 200, None),
        ("consumer", 500, "Server.ClientProxy.SignatureVerification"),
    ]


def test_an_error_keeps_its_code_status_and_korean_message_across_the_exchange(
    exchange: Exchange, session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    grant(session, clock, "tax", "family/relations")
    with pytest.raises(NaraError) as refused:
        call_wire(
            exchange,
            "family/relations",
            _ctx(session, clock, cipher, client="tax", purpose="family-register"),
            person_id=1,
            on="2026-02-30",
        )

    assert (refused.value.code, refused.value.status) == ("params_invalid", 422)
    assert "매개변수" in refused.value.message.ko
    assert [e["field"] for e in refused.value.extra["errors"]] == ["on"]
    assert session.execute(text("SELECT status FROM exchange_message_log")).scalar_one() == 422
