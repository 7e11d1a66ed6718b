"""The consent store on GovStack Consent API paths (/api/consent): the policy and the data
agreements as the conformance suite reads them (no token, trailing slash), GovStack ids, and
the individual's record under the same rules as Nara's own routes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange.consent import PLATFORM_MEMBER, repository
from nara.exchange.trust import Keystore
from tests.exchange.test_consent_api import (
    HEADER,
    HOLDER,
    LOAN_ID,
    MANDATE,
    OWNERSHIP_ID,
    SERVICE,
    TABLES,
    Citizen,
    consent_client,
    mandate_for,
    sign_in_citizen,
    system,
)
from tests.support import assert_problem, count_rows

BASE = "/api/consent"
POLICY_KEYS = {
    "id",
    "name",
    "nameKo",
    "version",
    "url",
    "jurisdiction",
    "industrySector",
    "dataRetentionPeriodDays",
    "geographicRestriction",
    "storageLocation",
}
REVISION_REQUIRED = {
    "id",
    "schemaName",
    "objectId",
    "serializedSnapshot",
    "serializedHash",
    "timestamp",
}


@pytest.fixture
def api(
    app: FastAPI, session_factory: sessionmaker[Session], clock: FixedClock
) -> Iterator[TestClient]:
    yield from consent_client(app, session_factory, clock)


@pytest.fixture
def number(session_factory: sessionmaker[Session]) -> Callable[[str], str]:
    """The GovStack id (the row id) of an agreement by Nara's id."""

    def find(uid: str) -> str:
        with session_factory() as session:
            row = repository.agreement_by_uid(session, uid)
            assert row is not None
            return str(row.id)

    return find


def _get(api: TestClient, path: str) -> dict[str, Any]:
    response = api.get(path, follow_redirects=False)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _checked_revision(revision: dict[str, Any], schema_name: str, object_id: str) -> Any:
    """A revision's required fields, its SHA-1 over the snapshot; the snapshot's object."""
    assert set(revision) >= REVISION_REQUIRED
    assert (revision["schemaName"], revision["objectId"]) == (schema_name, object_id)
    snapshot = revision["serializedSnapshot"]
    assert revision["serializedHash"] == hashlib.sha1(snapshot.encode()).hexdigest()  # noqa: S324
    return json.loads(snapshot)


# policy and agreements: public, GovStack's ids --------------------------------------------------


@pytest.mark.parametrize("part", ["service", "config"])
@pytest.mark.parametrize("slash", ["/", ""])
def test_policy_1_answers_the_govstack_shape_without_a_token(
    api: TestClient, part: str, slash: str
) -> None:
    body = _get(api, f"{BASE}/{part}/policy/1{slash}")

    policy = body["policy"]
    assert set(policy) == POLICY_KEYS
    assert (
        policy
        | {
            "id": "1",
            "name": "Nara information-sharing privacy policy",
            "version": "1",
            "url": "http://127.0.0.1:8000/api/consent/config/policy/1/",
            "jurisdiction": "KR",
            "industrySector": "public administration",
            "storageLocation": "KR",
        }
        == policy
    )
    assert isinstance(policy["dataRetentionPeriodDays"], int)
    assert _checked_revision(body["revision"], "policy", "1") == policy


@pytest.mark.parametrize("slash", ["/", ""])
def test_data_agreement_1_answers_the_govstack_shape_without_a_token(
    api: TestClient, slash: str
) -> None:
    body = _get(api, f"{BASE}/config/data-agreement/1{slash}")

    agreement = body["dataAgreement"]
    assert agreement["id"] == "1"
    assert {"version", "purpose", "lawfulBasis", "dpia", "active", "policy"} <= set(agreement)
    assert isinstance(agreement["version"], str) and isinstance(agreement["dpia"], str)
    assert isinstance(agreement["active"], bool)
    assert agreement["policy"]["id"] == "1"
    assert _checked_revision(body["revision"], "dataAgreement", "1") == agreement


def test_a_data_agreement_carries_the_declaration_of_its_purpose(
    api: TestClient, number: Callable[[str], str]
) -> None:
    loan, ownership = number(LOAN_ID), number(OWNERSHIP_ID)

    agreement = _get(api, f"{BASE}/config/data-agreement/{loan}/")["dataAgreement"]
    statutory = _get(api, f"{BASE}/config/data-agreement/{ownership}")["dataAgreement"]
    listed = _get(api, f"{BASE}/config/data-agreements/?limit=500")["dataAgreement"]

    assert (
        agreement
        | {
            "id": loan,
            "version": "1",
            "purpose": "Screening a loan application",
            "purposeKo": "대출 심사",
            "lawfulBasis": "consent",
            "active": True,
            "forgettable": False,
            "naraId": LOAN_ID,
            "service": SERVICE,
            "personalData": ["birth_date", "name"],
        }
        == agreement
    )
    assert (statutory["lawfulBasis"], statutory["legalReference"]) == (
        "public_task",
        "부동산등기법 제29조",
    )
    assert agreement in listed and statutory in listed
    assert [a["id"] for a in listed] == sorted((a["id"] for a in listed), key=int)
    assert _get(api, f"{BASE}/config/data-agreements")["dataAgreement"][0]["id"] == "1"


@pytest.mark.parametrize("malformed", ["invalid_id", "123!%40%23", "-1", "1.0", "１", "9" * 19])
@pytest.mark.parametrize("slash", ["/", ""])
def test_a_malformed_id_is_400(api: TestClient, malformed: str, slash: str) -> None:
    assert_problem(
        api.get(f"{BASE}/config/data-agreement/{malformed}{slash}"), 400, "agreement_id_invalid"
    )
    for part in ("service", "config"):
        assert_problem(
            api.get(f"{BASE}/{part}/policy/{malformed}{slash}"), 400, "policy_id_invalid"
        )


@pytest.mark.parametrize("slash", ["/", ""])
def test_an_unknown_id_is_404(api: TestClient, slash: str) -> None:
    assert_problem(api.get(f"{BASE}/config/data-agreement/999999{slash}"), 404, "agreement_unknown")
    assert_problem(api.get(f"{BASE}/service/policy/2{slash}"), 404, "policy_unknown")
    body = assert_problem(
        api.get(f"{BASE}/config/policy/0{slash}", headers={"Accept-Language": "ko"}),
        404,
        "policy_unknown",
    )
    assert body["detail"] == "0번 정책이 없습니다."


# the individual's record: the same rules as Nara's own routes ------------------------------------


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
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as web:
        yield sign_in_citizen(
            web, session=session, cipher=cipher, clock=clock, monkeypatch=monkeypatch
        )


def _counts(session_factory: sessionmaker[Session]) -> dict[str, int]:
    with session_factory() as session:
        return {table: count_rows(session, table) for table in TABLES}


@pytest.mark.parametrize("slash", ["/", ""])
def test_a_signed_in_citizen_gives_consent_on_the_govstack_path(
    citizen: Citizen, number: Callable[[str], str], app: FastAPI, slash: str
) -> None:
    record_path = f"{BASE}/service/individual/record/data-agreement/{number(LOAN_ID)}{slash}"
    me = {"individualId": citizen.person_id}

    given = citizen.web.post(record_path, params=me, headers=citizen.csrf)

    assert given.status_code == 200, given.text
    record, revision = given.json()["consentRecord"], given.json()["revision"]
    assert (record["individual"], record["optIn"], record["consentState"]) == (
        {"id": str(citizen.person_id)},
        True,
        "given",
    )
    assert record["dataAgreement"]["id"] == number(LOAN_ID)
    agreement = _get(citizen.web, f"{BASE}/config/data-agreement/{number(LOAN_ID)}/")
    assert record["dataAgreementRevisionHash"] == agreement["revision"]["serializedHash"]
    # The snapshot is the document Nara's SHA-256 covers, and the platform signed that hash.
    document = _checked_revision(revision, "consentRecord", record["id"])
    assert revision["authorizedByIndividual"] == {"id": str(citizen.person_id)}
    assert document["record"] == record["id"]
    assert (
        revision["sha256Hash"]
        == hashlib.sha256(revision["serializedSnapshot"].encode()).hexdigest()
    )
    keystore: Keystore = app.state.keystore
    keystore.verify(PLATFORM_MEMBER, revision["sha256Hash"].encode(), revision["platformSignature"])

    read = citizen.web.get(record_path)
    assert read.json()["consentRecord"]["id"] == record["id"]


def test_the_govstack_path_refuses_a_token_alone_and_another_individual(
    citizen: Citizen,
    api: TestClient,
    auth: Callable[..., dict[str, str]],
    number: Callable[[str], str],
    session_factory: sessionmaker[Session],
) -> None:
    record_path = f"{BASE}/service/individual/record/data-agreement/{number(LOAN_ID)}/"
    before = _counts(session_factory)

    assert_problem(
        api.post(record_path, params={"individualId": 7}, headers=auth("consent:write")),
        403,
        "individual_not_established",
    )
    assert_problem(
        citizen.web.post(
            record_path, params={"individualId": citizen.person_id + 1}, headers=citizen.csrf
        ),
        403,
        "individual_mismatch",
    )
    assert_problem(
        citizen.web.post(
            record_path,
            params={"individualId": citizen.person_id},
            headers={**citizen.csrf, HEADER: str(citizen.person_id + 1)},
        ),
        422,
        "individual_ambiguous",
    )
    assert_problem(api.post(record_path, params={"individualId": 7}), 401, "credentials_missing")
    assert_problem(
        citizen.web.post(
            f"{BASE}/service/individual/record/data-agreement/invalid_id/", headers=citizen.csrf
        ),
        400,
        "agreement_id_invalid",
    )

    assert _counts(session_factory) == before


def test_a_system_under_a_mandate_gives_consent_on_the_govstack_path(
    api: TestClient,
    number: Callable[[str], str],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    token = system(session_factory, clock, HOLDER, "consent:write")
    mandate = mandate_for(session_factory, clock, 7)
    record_path = f"{BASE}/service/individual/record/data-agreement/{number(LOAN_ID)}"

    given = api.post(record_path, params={"individualId": 7}, headers={**token, MANDATE: mandate})

    assert given.status_code == 200, given.text
    revision = given.json()["revision"]
    assert revision["authorizedByIndividual"] is None
    assert revision["authorizedByOther"] == f"token:{HOLDER} (mandate {mandate})"
    assert_problem(
        api.get(record_path, params={"individualId": 8}, headers={**token, MANDATE: mandate}),
        403,
        "individual_mismatch",
    )
