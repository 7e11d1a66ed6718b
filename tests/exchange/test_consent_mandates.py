"""Mandates: an official's system gives or withdraws consent for an individual only under a
mandate recorded for him, held by its token and in force; recording and revoking mandates
is for `consent:mandate`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import FixedClock
from nara.core.outbox import OutboxEvent
from nara.exchange.consent.mandates import revoke_mandate
from nara.exchange.consent.models import ExchangeConsentChange
from tests.exchange.test_consent_api import (
    GIVE,
    HEADER,
    HOLDER,
    MANDATE,
    RECORDS,
    TABLES,
    consent_client,
    mandate_for,
    system,
)
from tests.support import assert_problem, count_rows

Auth = Callable[..., dict[str, str]]
MANDATES = "/api/exchange/consent/mandates"
MANDATE_TABLES = ("exchange_consent_mandate", "exchange_consent_change", "core_outbox")
COURT_ORDER = "서울가정법원 2026느단1234"


def _counts(session_factory: sessionmaker[Session], tables: tuple[str, ...]) -> dict[str, int]:
    with session_factory() as session:
        return {table: count_rows(session, table) for table in tables}


@pytest.fixture
def api(
    app: FastAPI, session_factory: sessionmaker[Session], clock: FixedClock
) -> Iterator[TestClient]:
    yield from consent_client(app, session_factory, clock)


@pytest.fixture
def registrar(auth: Auth) -> dict[str, str]:
    return auth("consent:mandate")


@pytest.fixture
def care(session_factory: sessionmaker[Session], clock: FixedClock) -> dict[str, str]:
    """The token of the care system, which mandates name as `token:care-system`."""
    return system(session_factory, clock, HOLDER, "consent:write")


def _record(api: TestClient, registrar: dict[str, str], **body: Any) -> Any:
    terms = {
        "individual_id": 7,
        "holder": f"token:{HOLDER}",
        "kind": "legal_guardian",
        "document_reference": COURT_ORDER,
    } | body
    return api.post(MANDATES, json=terms, headers=registrar)


# The register of mandates ---------------------------------------------------------------------


def test_recording_listing_and_revoking_a_mandate(
    api: TestClient,
    registrar: dict[str, str],
    care: dict[str, str],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    recorded = _record(api, registrar, valid_until="2027-03-02T00:00:00+09:00")
    assert recorded.status_code == 201, recorded.text
    mandate = recorded.json()
    assert (
        mandate
        | {
            "individual_id": 7,
            "holder": f"token:{HOLDER}",
            "kind": "legal_guardian",
            "document_reference": COURT_ORDER,
            "valid_from": "2026-03-02T00:00:00Z",
            "valid_until": "2027-03-01T15:00:00Z",
            "revoked_at": None,
            "in_force": True,
        }
        == mandate
    )
    assert mandate["recorded_by"].startswith("token:")
    _record(api, registrar, individual_id=8)

    page = api.get(MANDATES, params={"individual_id": 7}, headers=registrar).json()
    assert (page["total"], [m["id"] for m in page["items"]]) == (1, [mandate["id"]])

    clock.advance(dt.timedelta(hours=1))
    revoked = api.post(f"{MANDATES}/{mandate['id']}/revoke", headers=registrar)
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["revoked_at"], revoked.json()["in_force"]) == (
        "2026-03-02T01:00:00Z",
        False,
    )
    assert_problem(
        api.post(f"{MANDATES}/{mandate['id']}/revoke", headers=registrar), 409, "mandate_revoked"
    )
    assert_problem(api.post(f"{MANDATES}/nope/revoke", headers=registrar), 404, "mandate_unknown")

    with session_factory() as session:
        changes = session.scalars(
            select(ExchangeConsentChange)
            .where(ExchangeConsentChange.entity == "mandate")
            .order_by(ExchangeConsentChange.id)
        ).all()
        events = session.scalars(
            select(OutboxEvent.event_type)
            .where(OutboxEvent.event_type.startswith("consent.mandate"))
            .order_by(OutboxEvent.id)
        ).all()
    assert [(c.action, c.data["mandate_id"]) for c in changes if c.data["person_id"] == 7] == [
        ("mandate_recorded", mandate["id"]),
        ("mandate_revoked", mandate["id"]),
    ]
    assert list(events) == [
        "consent.mandate_recorded",
        "consent.mandate_recorded",
        "consent.mandate_revoked",
    ]


def test_only_consent_mandate_records_or_revokes_mandates(
    api: TestClient,
    auth: Auth,
    registrar: dict[str, str],
    care: dict[str, str],
    session_factory: sessionmaker[Session],
) -> None:
    mandate = _record(api, registrar).json()["id"]
    before = _counts(session_factory, MANDATE_TABLES)

    for scopes in (("consent:write",), ("consent:read", "consent:audit")):
        token = auth(*scopes)
        assert_problem(_record(api, token), 403, "scope_missing")
        assert_problem(api.get(MANDATES, headers=token), 403, "scope_missing")
        assert_problem(
            api.post(f"{MANDATES}/{mandate}/revoke", headers=token), 403, "scope_missing"
        )

    assert _counts(session_factory, MANDATE_TABLES) == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"document_reference": ""}, 422, "validation_failed"),
        ({"document_reference": "   "}, 422, "validation_failed"),
        ({"kind": "neighbour"}, 422, "validation_failed"),
        ({"individual_id": 0}, 422, "validation_failed"),
        ({"valid_until": "2027-01-01T00:00:00"}, 422, "validation_failed"),
        ({"holder": "care-system"}, 422, "mandate_holder_unknown"),
        ({"holder": "token:nobody"}, 422, "mandate_holder_unknown"),
        ({"valid_until": "2026-03-01T00:00:00+09:00"}, 422, "mandate_period_invalid"),
        (
            {"valid_from": "2026-05-01T00:00:00+09:00", "valid_until": "2026-04-01T00:00:00+09:00"},
            422,
            "mandate_period_invalid",
        ),
    ],
)
def test_a_mandate_is_refused_without_its_proof_or_a_holder_in_use(
    *,
    api: TestClient,
    registrar: dict[str, str],
    care: dict[str, str],
    session_factory: sessionmaker[Session],
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    before = _counts(session_factory, MANDATE_TABLES)

    assert_problem(_record(api, registrar, **body), status, code)

    assert _counts(session_factory, MANDATE_TABLES) == before


def test_korean_messages_name_the_refusal(
    api: TestClient, registrar: dict[str, str], care: dict[str, str]
) -> None:
    body = assert_problem(
        api.post(f"{MANDATES}/nope/revoke", headers={**registrar, "Accept-Language": "ko"}),
        404,
        "mandate_unknown",
    )
    assert body["detail"] == "위임이 없습니다: nope"


# Acting under a mandate -----------------------------------------------------------------------


def test_a_system_under_a_mandate_in_force_gives_and_withdraws_consent(
    api: TestClient,
    care: dict[str, str],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    mandate = mandate_for(session_factory, clock, 7)
    headers = {**care, HEADER: "7", MANDATE: mandate}

    given = api.post(GIVE, json={}, headers=headers)
    assert given.status_code == 200, given.text
    assert given.json()["consent_record"]["individual_id"] == 7
    assert given.json()["revision"]["actor"] == f"token:{HOLDER} (mandate {mandate})"
    record = given.json()["consent_record"]["id"]
    withdrawn = api.put(f"{RECORDS}/{record}", json={"opt_in": False}, headers=headers)
    assert withdrawn.json()["revision"]["actor"] == f"token:{HOLDER} (mandate {mandate})"
    history = api.get(f"{RECORDS}/{record}/revisions", headers=headers).json()
    assert history["verification"]["valid"] is True

    with session_factory() as session:
        changes = session.scalars(
            select(ExchangeConsentChange)
            .where(ExchangeConsentChange.entity == "consent_record")
            .order_by(ExchangeConsentChange.id.desc())
            .limit(2)
        ).all()
        events = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.event_type.in_(["consent.given", "consent.withdrawn"]))
            .order_by(OutboxEvent.id.desc())
            .limit(2)
        ).all()
    assert [(c.action, c.data["mandate_id"]) for c in changes] == [
        ("consent_withdrawn", mandate),
        ("consent_given", mandate),
    ]
    assert [e.payload["mandate_id"] for e in events] == [mandate, mandate]


def _revoked(session_factory: sessionmaker[Session], clock: FixedClock) -> str:
    mandate = mandate_for(session_factory, clock, 7)
    with session_factory() as session:
        revoke_mandate(session, clock=clock, actor="token:registrar", mandate_id=mandate)
        session.commit()
    return mandate


MandateOf = Callable[[sessionmaker[Session], FixedClock], str]
REFUSED: list[tuple[str, MandateOf, str]] = [
    ("revoked", _revoked, "mandate_not_in_force"),
    (
        "expired",
        lambda factory, clock: mandate_for(
            factory,
            clock,
            7,
            valid_from=clock.now() - dt.timedelta(days=30),
            valid_until=clock.now() + dt.timedelta(minutes=1),
        ),
        "mandate_not_in_force",
    ),
    (
        "not yet started",
        lambda factory, clock: mandate_for(
            factory, clock, 7, valid_from=clock.now() + dt.timedelta(days=1)
        ),
        "mandate_not_in_force",
    ),
    (
        "another holder's",
        lambda factory, clock: mandate_for(factory, clock, 7, holder="other-system"),
        "mandate_not_held",
    ),
    (
        "another individual's",
        lambda factory, clock: mandate_for(factory, clock, 8),
        "individual_mismatch",
    ),
    ("unknown", lambda factory, clock: "3f2a0000-0000-4000-8000-000000000000", "mandate_unknown"),
]


@pytest.mark.parametrize(
    ("case", "mandate_of", "code"), REFUSED, ids=[case for case, _, _ in REFUSED]
)
def test_a_mandate_not_in_force_or_not_his_lets_nothing_be_written(
    *,
    api: TestClient,
    care: dict[str, str],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    case: str,
    mandate_of: MandateOf,
    code: str,
) -> None:
    system(session_factory, clock, "other-system", "consent:write")
    on_time = mandate_for(session_factory, clock, 7)
    record = api.post(GIVE, json={}, headers={**care, HEADER: "7", MANDATE: on_time}).json()
    mandate = mandate_of(session_factory, clock)
    clock.advance(dt.timedelta(minutes=2))
    before = _counts(session_factory, TABLES)
    headers = {**care, HEADER: "7", MANDATE: mandate}

    refusals = [
        api.post(GIVE, json={"opt_in": False}, headers=headers),
        api.post(GIVE, json={"expires_at": "2027-01-01T00:00:00+09:00"}, headers=headers),
        api.put(
            f"{RECORDS}/{record['consent_record']['id']}",
            json={"opt_in": False},
            headers=headers,
        ),
        api.get(RECORDS, headers=headers),
    ]

    for refused in refusals:
        body = assert_problem(refused, 403, code)
        assert body["mandate_id"] == mandate
    if code == "mandate_not_in_force":
        expected = {"revoked": "revoked", "expired": "expired", "not yet started": "not_started"}
        assert body["reason"] == expected[case]
    assert _counts(session_factory, TABLES) == before
