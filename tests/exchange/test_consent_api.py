"""The consent API under /api/exchange/consent: agreements, the citizen channel, audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nara.core.access import access_of
from nara.core.clock import FixedClock
from nara.core.outbox import OutboxEvent
from nara.exchange.consent import PLATFORM_MEMBER, register_agreements
from nara.exchange.consent.routes import router
from nara.exchange.purposes import Purpose
from nara.exchange.trust import Keystore
from tests.support import api_routes, assert_problem, count_rows

Auth = Callable[..., dict[str, str]]
BASE = "/api/exchange/consent"
SERVICE = "testing/consent-probe"  # not a declared service: start-up sync never touches it
LOAN_ID = "testing.consent-probe.loan-screening"
OWNERSHIP_ID = "testing.consent-probe.ownership-check"
GIVE = f"{BASE}/service/individual/record/data-agreement/{LOAN_ID}"
RECORDS = f"{BASE}/service/individual/record/consent-record"
HEADER = "X-ConsentBB-IndividualId"
TABLES = (
    "exchange_consent_record",
    "exchange_consent_revision",
    "exchange_consent_change",
    "core_outbox",
)
LOAN = Purpose(
    code="loan-screening",
    fields=frozenset({"name", "birth_date"}),
    lawful_basis="consent",
    legal_reference="",
    en="Screening a loan application",
    ko="대출 심사",
)
OWNERSHIP = Purpose(
    code="ownership-check",
    fields=frozenset({"name"}),
    lawful_basis="public_task",
    legal_reference="부동산등기법 제29조",
    en="Checking the owner of a registered property",
    ko="등기 소유자 확인",
)


@pytest.fixture
def api(
    app: FastAPI, session_factory: sessionmaker[Session], clock: FixedClock
) -> Iterator[TestClient]:
    """The app with the consent routes (mounted here until the app mounts them itself) and the
    two agreements of `SERVICE` registered."""
    if not any(getattr(r, "path", "").startswith(BASE) for r in api_routes(app.routes)):
        app.include_router(router)
    with session_factory() as session:
        register_agreements(session, clock, [(SERVICE, LOAN), (SERVICE, OWNERSHIP)])
        session.commit()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def citizen(auth: Auth) -> Callable[[int], dict[str, str]]:
    """Headers of the citizen channel acting for one individual."""
    token = auth("consent:write")
    return lambda person_id: {**token, HEADER: str(person_id)}


@pytest.fixture
def auditor(auth: Auth) -> dict[str, str]:
    return auth("consent:audit")


def _counts(session_factory: sessionmaker[Session]) -> dict[str, int]:
    with session_factory() as session:
        return {table: count_rows(session, table) for table in TABLES}


def _give(api: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = api.post(GIVE, json=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


# config ---------------------------------------------------------------------------------------


def test_list_and_read_agreements(api: TestClient, auth: Auth) -> None:
    reader = auth("consent:read")

    first = api.get(
        f"{BASE}/config/data-agreements", params={"service": SERVICE, "size": 1}, headers=reader
    ).json()
    everything = api.get(
        f"{BASE}/config/data-agreements", params={"service": SERVICE}, headers=reader
    ).json()
    one = api.get(f"{BASE}/config/data-agreement/{OWNERSHIP_ID}", headers=reader)

    assert (first["total"], len(first["items"])) == (2, 1)
    assert [a["id"] for a in everything["items"]] == [LOAN_ID, OWNERSHIP_ID]
    assert one.status_code == 200, one.text
    assert (
        one.json()
        | {
            "service": SERVICE,
            "purpose": "ownership-check",
            "lawful_basis": "public_task",
            "legal_reference": "부동산등기법 제29조",
            "personal_data": ["name"],
            "version": 1,
            "active": True,
        }
        == one.json()
    )
    assert_problem(
        api.get(f"{BASE}/config/data-agreement/nope", headers=reader), 404, "agreement_unknown"
    )


# service: the individual ----------------------------------------------------------------------


def test_give_withdraw_and_give_again(
    api: TestClient,
    citizen: Callable[[int], dict[str, str]],
    session_factory: sessionmaker[Session],
    app: FastAPI,
) -> None:
    given = _give(api, citizen(7), expires_at="2027-01-01T00:00:00+09:00")
    record = given["consent_record"]
    assert (
        record
        | {
            "data_agreement_id": LOAN_ID,
            "individual_id": 7,
            "opt_in": True,
            "state": "given",
            "revisions": 1,
            "expires_at": "2026-12-31T15:00:00Z",
        }
        == record
    )
    revision = given["revision"]
    assert (revision["seq"], revision["action"]) == (1, "given")
    keystore: Keystore = app.state.keystore
    keystore.verify(PLATFORM_MEMBER, revision["hash"].encode(), revision["signature"])

    withdrawn = _give(api, citizen(7), opt_in=False)
    assert withdrawn["consent_record"]["state"] == "withdrawn"
    assert withdrawn["revision"]["prev_hash"] == revision["hash"]

    again = api.put(f"{RECORDS}/{record['id']}", json={"opt_in": True}, headers=citizen(7))
    assert again.status_code == 200, again.text
    assert (
        again.json()["consent_record"] | {"id": record["id"], "state": "given"}
        == again.json()["consent_record"]
    )
    assert again.json()["revision"]["seq"] == 3

    put_withdrawn = api.put(f"{RECORDS}/{record['id']}", json={"opt_in": False}, headers=citizen(7))
    assert put_withdrawn.json()["consent_record"]["state"] == "withdrawn"

    with session_factory() as session:
        events = session.scalars(
            select(OutboxEvent.event_type)
            .where(OutboxEvent.event_type.startswith("consent."))
            .order_by(OutboxEvent.id)
        ).all()
    assert list(events) == [
        "consent.given",
        "consent.withdrawn",
        "consent.given",
        "consent.withdrawn",
    ]


def test_read_own_records_and_revisions(
    api: TestClient, citizen: Callable[[int], dict[str, str]]
) -> None:
    record = _give(api, citizen(7))["consent_record"]
    _give(api, citizen(7), opt_in=False)

    by_agreement = api.get(GIVE, headers=citizen(7))
    own = api.get(RECORDS, headers=citizen(7)).json()
    one = api.get(f"{RECORDS}/{record['id']}", headers=citizen(7))
    history = api.get(f"{RECORDS}/{record['id']}/revisions", headers=citizen(7)).json()

    assert (by_agreement.status_code, by_agreement.json()["id"]) == (200, record["id"])
    assert (own["total"], [r["id"] for r in own["items"]]) == (1, [record["id"]])
    assert one.json()["state"] == "withdrawn"
    assert [(r["seq"], r["action"]) for r in history["revisions"]] == [
        (1, "given"),
        (2, "withdrawn"),
    ]
    assert history["verification"] == {
        "valid": True,
        "revisions": 2,
        "broken_at": None,
        "reason": None,
    }
    # Another individual sees none of it.
    assert api.get(RECORDS, headers=citizen(8)).json()["total"] == 0
    for url in (GIVE, f"{RECORDS}/{record['id']}", f"{RECORDS}/{record['id']}/revisions"):
        assert_problem(api.get(url, headers=citizen(8)), 404, "consent_unknown")
    assert_problem(
        api.put(f"{RECORDS}/{record['id']}", json={"opt_in": True}, headers=citizen(8)),
        404,
        "consent_unknown",
    )


def test_refused_writes_have_stable_codes_and_leave_nothing(
    api: TestClient,
    citizen: Callable[[int], dict[str, str]],
    session_factory: sessionmaker[Session],
) -> None:
    before = _counts(session_factory)
    headers = citizen(7)

    assert_problem(
        api.post(f"{BASE}/service/individual/record/data-agreement/nope", json={}, headers=headers),
        404,
        "agreement_unknown",
    )
    body = assert_problem(
        api.post(
            f"{BASE}/service/individual/record/data-agreement/{OWNERSHIP_ID}",
            json={},
            headers=headers,
        ),
        409,
        "consent_not_applicable",
    )
    assert body["lawful_basis"] == "public_task"
    assert_problem(api.post(GIVE, json={"opt_in": False}, headers=headers), 404, "consent_unknown")
    assert_problem(
        api.put(f"{RECORDS}/no-such-record", json={"opt_in": False}, headers=headers),
        404,
        "consent_unknown",
    )
    past = assert_problem(
        api.post(GIVE, json={"expires_at": "2026-03-01T00:00:00+09:00"}, headers=headers),
        422,
        "expiry_in_past",
    )
    assert past["field"] == "expires_at"
    assert_problem(
        api.post(GIVE, json={"expires_at": "2027-03-01T00:00:00"}, headers=headers),
        422,
        "validation_failed",
    )
    without_individual = {k: v for k, v in headers.items() if k != HEADER}
    assert_problem(api.post(GIVE, json={}, headers=without_individual), 422, "validation_failed")
    assert_problem(
        api.post(GIVE, json={}, headers={**headers, HEADER: "seven"}), 422, "validation_failed"
    )

    assert _counts(session_factory) == before


def test_korean_messages(api: TestClient, citizen: Callable[[int], dict[str, str]]) -> None:
    body = assert_problem(
        api.post(
            f"{BASE}/service/individual/record/data-agreement/{OWNERSHIP_ID}",
            json={},
            headers={**citizen(7), "Accept-Language": "ko"},
        ),
        409,
        "consent_not_applicable",
    )
    assert "동의" in body["detail"]


# audit ----------------------------------------------------------------------------------------


def test_audit_lists_records_of_an_agreement_and_verifies_a_record(
    api: TestClient, citizen: Callable[[int], dict[str, str]], auditor: dict[str, str]
) -> None:
    first = _give(api, citizen(7))["consent_record"]
    _give(api, citizen(8))
    _give(api, citizen(8), opt_in=False)

    page = api.get(
        f"{BASE}/audit/consent-records",
        params={"data_agreement_id": LOAN_ID, "size": 1},
        headers=auditor,
    ).json()
    history = api.get(f"{BASE}/audit/consent-record/{first['id']}", headers=auditor)

    assert (page["total"], page["items"][0]["id"]) == (2, first["id"])
    assert history.status_code == 200, history.text
    assert history.json()["verification"]["valid"] is True
    assert history.json()["consent_record"]["individual_id"] == 7
    assert len(history.json()["revisions"]) == 1
    assert_problem(
        api.get(
            f"{BASE}/audit/consent-records", params={"data_agreement_id": "x"}, headers=auditor
        ),
        404,
        "agreement_unknown",
    )
    assert_problem(
        api.get(f"{BASE}/audit/consent-record/nope", headers=auditor), 404, "consent_unknown"
    )


# access ---------------------------------------------------------------------------------------


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_consent_route_requires_the_scope_of_its_part() -> None:
    expected = {"config": "consent:read", "service": "consent:write", "audit": "consent:audit"}
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) == 10
    for route in routes:
        part = route.path.removeprefix(BASE + "/").split("/")[0]
        marks = {access_of(call) for call in _calls(route.dependant)} - {None}
        assert marks == {f"scope:{expected[part]}"}, route.path


def test_no_token_is_401_and_a_wrong_scope_is_403(
    api: TestClient, auth: Auth, citizen: Callable[[int], dict[str, str]]
) -> None:
    record = _give(api, citizen(7))["consent_record"]
    reader, writer, auditor = auth("consent:read"), auth("consent:write"), auth("consent:audit")
    calls: list[tuple[str, str, dict[str, str]]] = [
        ("GET", f"{BASE}/config/data-agreements", writer),
        ("GET", f"{BASE}/config/data-agreement/{LOAN_ID}", auditor),
        ("POST", GIVE, reader),
        ("GET", GIVE, auditor),
        ("GET", RECORDS, reader),
        ("PUT", f"{RECORDS}/{record['id']}", auditor),
        ("GET", f"{RECORDS}/{record['id']}", reader),
        ("GET", f"{RECORDS}/{record['id']}/revisions", reader),
        ("GET", f"{BASE}/audit/consent-records", writer),
        ("GET", f"{BASE}/audit/consent-record/{record['id']}", reader),
    ]
    for method, url, wrong in calls:
        body = {"opt_in": True} if method in ("POST", "PUT") else None
        assert_problem(
            api.request(method, url, json=body, headers={HEADER: "7"}), 401, "token_missing"
        )
        assert_problem(
            api.request(method, url, json=body, headers={**wrong, HEADER: "7"}),
            403,
            "scope_missing",
        )
