"""The consent API under /api/exchange/consent: agreements, the individual's channel (the
signed-in citizen himself, or a system under a mandate; never a token alone), audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nara.core.access import access_of, issue_token
from nara.core.clock import FixedClock
from nara.core.errors import Forbidden
from nara.core.outbox import OutboxEvent
from nara.core.pii import PiiCipher
from nara.exchange.consent import PLATFORM_MEMBER, grounds_for, register_agreements
from nara.exchange.consent.acting import ACCESS
from nara.exchange.consent.mandates import record_mandate
from nara.exchange.consent.models import ExchangeConsentRevision
from nara.exchange.consent.routes import router
from nara.exchange.purposes import Purpose
from nara.exchange.trust import Keystore
from nara.identity import credentials
from tests.factories import make_person, regional_rrn
from tests.identity.conftest import BIRTH, FAST, signin, signup
from tests.support import api_routes, assert_problem, count_rows, grant

Auth = Callable[..., dict[str, str]]
BASE = "/api/exchange/consent"
SERVICE = "testing/consent-probe"  # not a declared service: start-up sync never touches it
LOAN_ID = "testing.consent-probe.loan-screening"
OWNERSHIP_ID = "testing.consent-probe.ownership-check"
GIVE = f"{BASE}/service/individual/record/data-agreement/{LOAN_ID}"
RECORDS = f"{BASE}/service/individual/record/consent-record"
HEADER = "X-ConsentBB-IndividualId"
MANDATE = "X-Nara-Mandate"
HOLDER = "care-system"
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


def consent_client(
    app: FastAPI, session_factory: sessionmaker[Session], clock: FixedClock
) -> Iterator[TestClient]:
    """A client of the app with the two agreements of `SERVICE` registered beside the
    install's own."""
    with session_factory() as session:
        register_agreements(
            session, clock, [(SERVICE, LOAN), (SERVICE, OWNERSHIP)], retire_undeclared=False
        )
        session.commit()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def api(
    app: FastAPI, session_factory: sessionmaker[Session], clock: FixedClock
) -> Iterator[TestClient]:
    assert any(getattr(r, "path", "").startswith(BASE) for r in api_routes(app.routes))
    yield from consent_client(app, session_factory, clock)


def system(
    session_factory: sessionmaker[Session], clock: FixedClock, name: str, *scopes: str
) -> dict[str, str]:
    """Headers carrying a new token of this name (a mandate names its holder by it)."""
    with session_factory() as session:
        token = issue_token(session, name=name, scopes=list(scopes), now=clock.now())
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def mandate_for(
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    person_id: int,
    *,
    holder: str = HOLDER,
    **terms: Any,
) -> str:
    """Record a mandate (a court order, from now, open-ended unless `terms` say) → its id."""
    with session_factory() as session:
        row = record_mandate(
            session,
            clock=clock,
            actor="token:registrar",
            person_id=person_id,
            holder=f"token:{holder}",
            kind=terms.pop("kind", "court_order"),
            document_reference=terms.pop("document_reference", "서울가정법원 2026느단1234"),
            **terms,
        )
        session.commit()
        return row.uid


@pytest.fixture
def mandated(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> Callable[[int], dict[str, str]]:
    """Headers of an official's system acting for one individual under a mandate in force."""
    token = system(session_factory, clock, HOLDER, "consent:write")
    held: dict[int, str] = {}

    def headers(person_id: int) -> dict[str, str]:
        if person_id not in held:
            held[person_id] = mandate_for(session_factory, clock, person_id)
        return {**token, HEADER: str(person_id), MANDATE: held[person_id]}

    return headers


@dataclass(frozen=True)
class Citizen:
    """A browser signed in as a resident's citizen account, and his session's CSRF header."""

    web: TestClient
    person_id: int
    csrf: dict[str, str]


def sign_in_citizen(
    web: TestClient,
    *,
    session: Session,
    cipher: PiiCipher,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    name_ko: str = "박지민",
) -> Citizen:
    """Open a resident's citizen account and sign in on the browser `web`, as the portal's
    visitor does (its session cookie stays in `web`)."""
    monkeypatch.setattr(credentials, "HASHER", FAST)
    monkeypatch.setattr(credentials, "_DUMMY_HASH", [])
    grant(session, clock, "gov24", "residents/identity-check")
    rrn = regional_rrn(BIRTH, "F")
    person = make_person(
        session, cipher, name_ko=name_ko, name_en="Test", birth=BIRTH, sex="F", rrn=rrn
    )
    session.commit()
    opened = signup(web, rrn, name_ko=name_ko)
    assert opened.status_code == 201, opened.text
    signed = signin(web, rrn)
    assert signed.status_code == 200, signed.text
    return Citizen(web, person.id, {"X-CSRF-Token": signed.json()["csrf_token"]})


@pytest.fixture
def citizen(
    *,
    api: TestClient,
    app: FastAPI,
    session: Session,
    cipher: PiiCipher,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Citizen]:
    """A citizen signed in on his own browser (the `api` client carries no cookie)."""
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as web:
        yield sign_in_citizen(
            web, session=session, cipher=cipher, clock=clock, monkeypatch=monkeypatch
        )


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
    mandated: Callable[[int], dict[str, str]],
    session_factory: sessionmaker[Session],
    app: FastAPI,
) -> None:
    given = _give(api, mandated(7), expires_at="2027-01-01T00:00:00+09:00")
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

    withdrawn = _give(api, mandated(7), opt_in=False)
    assert withdrawn["consent_record"]["state"] == "withdrawn"
    assert withdrawn["revision"]["prev_hash"] == revision["hash"]

    again = api.put(f"{RECORDS}/{record['id']}", json={"opt_in": True}, headers=mandated(7))
    assert again.status_code == 200, again.text
    assert (
        again.json()["consent_record"] | {"id": record["id"], "state": "given"}
        == again.json()["consent_record"]
    )
    assert again.json()["revision"]["seq"] == 3

    put_withdrawn = api.put(
        f"{RECORDS}/{record['id']}", json={"opt_in": False}, headers=mandated(7)
    )
    assert put_withdrawn.json()["consent_record"]["state"] == "withdrawn"

    with session_factory() as session:
        events = session.scalars(
            select(OutboxEvent.event_type)
            .where(OutboxEvent.event_type.in_(["consent.given", "consent.withdrawn"]))
            .order_by(OutboxEvent.id)
        ).all()
    assert list(events) == [
        "consent.given",
        "consent.withdrawn",
        "consent.given",
        "consent.withdrawn",
    ]


def test_read_own_records_and_revisions(
    api: TestClient, mandated: Callable[[int], dict[str, str]]
) -> None:
    record = _give(api, mandated(7))["consent_record"]
    _give(api, mandated(7), opt_in=False)

    by_agreement = api.get(GIVE, headers=mandated(7))
    own = api.get(RECORDS, headers=mandated(7)).json()
    one = api.get(f"{RECORDS}/{record['id']}", headers=mandated(7))
    history = api.get(f"{RECORDS}/{record['id']}/revisions", headers=mandated(7)).json()

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
    assert api.get(RECORDS, headers=mandated(8)).json()["total"] == 0
    for url in (GIVE, f"{RECORDS}/{record['id']}", f"{RECORDS}/{record['id']}/revisions"):
        assert_problem(api.get(url, headers=mandated(8)), 404, "consent_unknown")
    assert_problem(
        api.put(f"{RECORDS}/{record['id']}", json={"opt_in": True}, headers=mandated(8)),
        404,
        "consent_unknown",
    )


def test_refused_writes_have_stable_codes_and_leave_nothing(
    api: TestClient,
    mandated: Callable[[int], dict[str, str]],
    session_factory: sessionmaker[Session],
) -> None:
    headers = mandated(7)
    before = _counts(session_factory)

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
    assert_problem(
        api.post(GIVE, json={}, headers=without_individual), 403, "individual_not_established"
    )
    assert_problem(
        api.post(GIVE, json={}, headers={**headers, HEADER: "seven"}), 422, "validation_failed"
    )

    assert _counts(session_factory) == before


def test_korean_messages(api: TestClient, mandated: Callable[[int], dict[str, str]]) -> None:
    body = assert_problem(
        api.post(
            f"{BASE}/service/individual/record/data-agreement/{OWNERSHIP_ID}",
            json={},
            headers={**mandated(7), "Accept-Language": "ko"},
        ),
        409,
        "consent_not_applicable",
    )
    assert "동의" in body["detail"]


# audit ----------------------------------------------------------------------------------------


def test_audit_lists_records_of_an_agreement_and_verifies_a_record(
    api: TestClient, mandated: Callable[[int], dict[str, str]], auditor: dict[str, str]
) -> None:
    first = _give(api, mandated(7))["consent_record"]
    _give(api, mandated(8))
    _give(api, mandated(8), opt_in=False)

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
    expected = {
        "config": "scope:consent:read",
        "service": ACCESS,
        "audit": "scope:consent:audit",
        "mandates": "scope:consent:mandate",
    }
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) == 13
    for route in routes:
        part = route.path.removeprefix(BASE + "/").split("/")[0]
        marks = {access_of(call) for call in _calls(route.dependant)} - {None}
        assert marks == {expected[part]}, route.path


def test_no_credentials_is_401_and_a_wrong_scope_is_403(
    api: TestClient, auth: Auth, mandated: Callable[[int], dict[str, str]]
) -> None:
    record = _give(api, mandated(7))["consent_record"]
    reader, writer, auditor = auth("consent:read"), auth("consent:write"), auth("consent:audit")
    mandate = f"{BASE}/mandates"
    calls: list[tuple[str, str, dict[str, str], str]] = [
        ("GET", f"{BASE}/config/data-agreements", writer, "token_missing"),
        ("GET", f"{BASE}/config/data-agreement/{LOAN_ID}", auditor, "token_missing"),
        ("POST", GIVE, reader, "credentials_missing"),
        ("GET", GIVE, auditor, "credentials_missing"),
        ("GET", RECORDS, reader, "credentials_missing"),
        ("PUT", f"{RECORDS}/{record['id']}", auditor, "credentials_missing"),
        ("GET", f"{RECORDS}/{record['id']}", reader, "credentials_missing"),
        ("GET", f"{RECORDS}/{record['id']}/revisions", reader, "credentials_missing"),
        ("GET", f"{BASE}/audit/consent-records", writer, "token_missing"),
        ("GET", f"{BASE}/audit/consent-record/{record['id']}", reader, "token_missing"),
        ("POST", mandate, writer, "token_missing"),
        ("GET", mandate, writer, "token_missing"),
        ("POST", f"{mandate}/{mandated(7)[MANDATE]}/revoke", writer, "token_missing"),
    ]
    for method, url, wrong, missing in calls:
        body = {"opt_in": True} if method in ("POST", "PUT") else None
        assert_problem(api.request(method, url, json=body, headers={HEADER: "7"}), 401, missing)
        assert_problem(
            api.request(method, url, json=body, headers={**wrong, HEADER: "7"}),
            403,
            "scope_missing",
        )


# who acts for the individual ------------------------------------------------------------------


def _revisions(session_factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with session_factory() as session:
        rows = session.scalars(select(ExchangeConsentRevision).order_by(ExchangeConsentRevision.id))
        return [(row.action, row.actor) for row in rows]


def test_a_token_alone_never_speaks_for_an_individual(
    api: TestClient,
    auth: Auth,
    mandated: Callable[[int], dict[str, str]],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    record = _give(api, mandated(7))["consent_record"]
    before = _counts(session_factory)
    later = (clock.now() + dt.timedelta(days=30)).isoformat()
    for token in (auth("consent:write"), auth("consent:*"), auth("*")):
        for person in (7, 8):
            alone = {**token, HEADER: str(person)}
            refusals = [
                api.post(GIVE, json={}, headers=alone),  # create
                api.post(GIVE, json={"expires_at": later}, headers=alone),  # change
                api.post(GIVE, json={"opt_in": False}, headers=alone),  # withdraw
                api.put(f"{RECORDS}/{record['id']}", json={"opt_in": False}, headers=alone),
                api.get(GIVE, headers=alone),
                api.get(RECORDS, headers=alone),
            ]
            for refused in refusals:
                assert_problem(refused, 403, "individual_not_established")

    korean = assert_problem(
        api.post(GIVE, json={}, headers={**token, HEADER: "8", "Accept-Language": "ko"}),
        403,
        "individual_not_established",
    )
    assert korean["detail"].startswith("토큰만으로는 정보주체를 대리할 수 없습니다.")

    assert _counts(session_factory) == before
    assert _give(api, mandated(7), opt_in=False)["revision"]["seq"] == 2  # it was still given
    with session_factory() as session, pytest.raises(Forbidden) as missing:
        grounds_for(
            session, service=SERVICE, purpose="loan-screening", person_ids=[8], at=clock.now()
        )
    assert missing.value.code == "consent_missing"


def test_a_signed_in_citizen_gives_and_withdraws_his_own_consent(
    citizen: Citizen, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    web, me = citizen.web, citizen.person_id

    given = web.post(GIVE, json={}, headers=citizen.csrf)
    assert given.status_code == 200, given.text
    record = given.json()["consent_record"]
    assert (record["individual_id"], record["state"]) == (me, "given")
    actor = given.json()["revision"]["actor"]
    assert actor.startswith("citizen:")
    naming_himself = web.post(
        GIVE,
        json={"expires_at": "2027-01-01T00:00:00+09:00"},
        headers={**citizen.csrf, HEADER: str(me)},
    )
    assert naming_himself.json()["consent_record"]["revisions"] == 2
    withdrawn = web.put(f"{RECORDS}/{record['id']}", json={"opt_in": False}, headers=citizen.csrf)
    assert withdrawn.json()["consent_record"]["state"] == "withdrawn"
    own = web.get(RECORDS).json()
    assert [r["id"] for r in own["items"]] == [record["id"]]
    assert web.get(f"{RECORDS}/{record['id']}/revisions").json()["verification"]["valid"]

    assert _revisions(session_factory) == [
        ("given", actor),
        ("given", actor),
        ("withdrawn", actor),
    ]
    with session_factory() as session, pytest.raises(Forbidden) as refused:
        grounds_for(
            session, service=SERVICE, purpose="loan-screening", person_ids=[me], at=clock.now()
        )
    assert refused.value.code == "consent_withdrawn"


def test_a_citizen_writes_only_with_his_session_s_csrf_token(
    citizen: Citizen, session_factory: sessionmaker[Session]
) -> None:
    before = _counts(session_factory)

    assert_problem(citizen.web.post(GIVE, json={}), 403, "csrf_missing")
    assert_problem(
        citizen.web.post(GIVE, json={}, headers={"X-CSRF-Token": "0" * 64}), 403, "csrf_invalid"
    )

    assert _counts(session_factory) == before


def test_a_citizen_cannot_act_for_another_person(
    citizen: Citizen,
    api: TestClient,
    mandated: Callable[[int], dict[str, str]],
    session_factory: sessionmaker[Session],
) -> None:
    other = citizen.person_id + 1
    theirs = _give(api, mandated(other))["consent_record"]
    before = _counts(session_factory)
    as_other = {**citizen.csrf, HEADER: str(other)}

    for refused in (
        citizen.web.post(GIVE, json={}, headers=as_other),
        citizen.web.post(GIVE, json={"opt_in": False}, headers=as_other),
        citizen.web.get(GIVE, headers=as_other),
        citizen.web.get(RECORDS, headers=as_other),
    ):
        assert_problem(refused, 403, "individual_mismatch")
    # Under his own name, the other person's record is not his: 404, as a missing one.
    assert_problem(
        citizen.web.put(f"{RECORDS}/{theirs['id']}", json={"opt_in": False}, headers=citizen.csrf),
        404,
        "consent_unknown",
    )
    # A session holds no mandate, even one that exists.
    assert_problem(
        citizen.web.post(GIVE, json={}, headers={**as_other, MANDATE: mandated(other)[MANDATE]}),
        403,
        "mandate_not_held",
    )

    assert _counts(session_factory) == before


def test_a_bearer_token_decides_even_beside_a_citizen_s_cookie(
    citizen: Citizen, auth: Auth, session_factory: sessionmaker[Session]
) -> None:
    """A system calling from a browser that holds a citizen's session is still a token alone."""
    before = _counts(session_factory)
    token = {**auth("consent:write"), **citizen.csrf}

    assert_problem(
        citizen.web.post(GIVE, json={}, headers=token), 403, "individual_not_established"
    )
    assert_problem(
        citizen.web.post(GIVE, json={}, headers={**token, HEADER: str(citizen.person_id)}),
        403,
        "individual_not_established",
    )

    assert _counts(session_factory) == before
