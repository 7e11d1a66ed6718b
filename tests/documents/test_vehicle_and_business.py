"""The vehicle register copy and the business registration certificate: issued to an owner
or the representative only, read through the exchange (logged), signed and verifiable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.documents.exchange import USES
from nara.documents.kinds import KINDS
from nara.documents.render import render_html
from nara.exchange.usage import ExchangeDataUsage
from tests.factories import make_business, make_person
from tests.support import assert_problem, count_rows, grant

Auth = Callable[..., dict[str, str]]
PLATE = "123가4567"
GANGNAM = {
    "sigungu_code": "11680",
    "road_name": "테헤란로",
    "building_main": 152,
    "postcode": "06236",
}


@pytest.fixture
def all_rights(app: FastAPI, session: Session, clock: FixedClock) -> None:
    for service in USES:
        grant(session, clock, "gov24", service)
    session.commit()


def _issue(client: TestClient, auth: Auth, kind: str, person_id: int, subject: str) -> Any:
    return client.post(
        "/api/documents/issue",
        json={
            "kind": kind,
            "person_id": person_id,
            "requester": f"citizen:{person_id}",
            "subject": subject,
        },
        headers=auth("documents:issue"),
    )


def _verified(client: TestClient, body: dict[str, Any]) -> bytes:
    lookup = {"number": body["number"], "possession_key": body["possession_key"]}
    download = client.post("/api/documents/download", json=lookup)
    assert download.status_code == 200, download.text
    check = client.post(
        "/api/documents/verify/upload",
        content=download.content,
        headers={"Content-Type": "application/pdf"},
    )
    assert check.status_code == 200, check.text
    assert check.json()["outcome"] == "verified", check.json()
    data: bytes = download.content
    return data


def _reads(session: Session, person_id: int, service: str) -> list[ExchangeDataUsage]:
    rows = session.scalars(
        select(ExchangeDataUsage).where(ExchangeDataUsage.person_id == person_id)
    ).all()
    return [row for row in rows if row.service.endswith(service)]


def test_both_kinds_read_declared_certificate_issuance_services() -> None:
    assert ("vehicles/register-of-vehicle", "certificate-issuance") in KINDS[
        "vehicle-register"
    ].uses
    assert ("business/registration-certificate", "certificate-issuance") in KINDS[
        "business-registration"
    ].uses
    assert {"vehicles/register-of-vehicle", "business/registration-certificate"} <= set(USES)


@pytest.mark.usefixtures("all_rights")
def test_a_vehicle_register_copy_is_issued_to_its_current_owner_only(
    *, client: TestClient, auth: Auth, session: Session, cipher: PiiCipher
) -> None:
    kim = make_person(session, cipher, name_ko="김민준", name_en="Kim Minjun")
    lee = make_person(
        session, cipher, name_ko="이서연", name_en="Lee Seoyeon", sex="F", birth=dt.date(1985, 5, 5)
    )
    session.commit()
    headers = auth("vehicles:read", "vehicles:write")
    car = client.post(
        "/api/vehicles",
        json={
            "plate": PLATE,
            "vin": "KMHD341CBNU900001",
            "make": "현대",
            "model": "아반떼",
            "model_year": 2025,
            "vehicle_type": "passenger",
            "fuel": "gasoline",
            "first_registered_on": "2025-04-01",
            "owner": {"owner_kind": "person", "owner_id": kim.id},
            "base_address": GANGNAM,
        },
        headers=headers,
    )
    assert car.status_code == 201, car.text
    sold = client.post(
        f"/api/vehicles/{car.json()['id']}/transfers",
        json={
            "owner": {"owner_kind": "person", "owner_id": lee.id},
            "cause": "transfer",
            "transferred_on": "2026-02-15",
        },
        headers=headers,
    )
    assert sold.status_code == 201, sold.text

    issued = _issue(client, auth, "vehicle-register", lee.id, PLATE)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    content = body["content"]
    assert content["plate"] == PLATE and content["vin"] == "KMHD341CBNU900001"
    assert (content["make"], content["model"], content["model_year"]) == ("현대", "아반떼", 2025)
    assert content["first_registered_on"] == "2025-04-01"
    assert content["vehicle_type_text"].startswith("승용")
    assert content["status_text"].startswith("등록")
    assert [(o["owner_name"], o["current"], o["released_on"]) for o in content["owners"]] == [
        ("김민준", False, "2026-02-15"),
        ("이서연", True, ""),
    ]
    _verified(client, body)
    html = render_html(
        KINDS["vehicle-register"],
        content=content,
        number="1234567890123452",
        issued_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        public_base_url="https://gov24.example",
    )
    assert PLATE in html and "이서연" in html and "현재 소유자" in html and "Past owner" in html

    reads = _reads(session, lee.id, "vehicles/register-of-vehicle")
    assert reads and {r.purpose for r in reads} == {"certificate-issuance"}
    assert reads[0].user_id == f"citizen:{lee.id}"
    assert "자동차관리법 제7조" in reads[0].legal_reference

    issued_before = count_rows(session, "documents_issuance")
    refused = client.post(
        "/api/documents/issue",
        json={
            "kind": "vehicle-register",
            "person_id": kim.id,
            "requester": f"citizen:{kim.id}",
            "subject": PLATE,
        },
        headers=auth("documents:issue") | {"Accept-Language": "ko"},
    )
    assert "현재 소유자에게만" in assert_problem(refused, 403, "vehicle_not_owned")["detail"]
    assert count_rows(session, "documents_issuance") == issued_before

    unknown = _issue(client, auth, "vehicle-register", lee.id, "999가9999")
    assert_problem(unknown, 404, "vehicle_unknown")


@pytest.mark.usefixtures("all_rights")
def test_a_business_registration_certificate_is_issued_to_the_representative_only(
    *, client: TestClient, auth: Auth, session: Session, cipher: PiiCipher
) -> None:
    owner = make_person(session, cipher, name_ko="박지민", name_en="Park Jimin", sex="F")
    other = make_person(session, cipher, name_ko="최우진", name_en="Choi Woojin")
    business = make_business(
        session, name="지민상회", representative=owner, opened_on=dt.date(2019, 6, 1)
    )
    session.commit()
    brn = f"{business.brn[:3]}-{business.brn[3:5]}-{business.brn[5:]}"

    issued = _issue(client, auth, "business-registration", owner.id, business.brn)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    content = body["content"]
    assert content["brn"] == brn
    assert content["name"] == "지민상회" and content["representative_name"] == "박지민"
    assert content["opened_on"] == "2019-06-01"
    assert content["kind_text"].startswith("개인")
    assert content["status_text"].startswith("계속사업자")
    assert "테헤란로 152" in content["address_ko"]
    _verified(client, body)
    html = render_html(
        KINDS["business-registration"],
        content=content,
        number="1234567890123452",
        issued_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        public_base_url="https://gov24.example",
    )
    assert brn in html and "지민상회" in html and "Trade name" in html

    reads = _reads(session, owner.id, "business/registration-certificate")
    assert reads and reads[0].purpose == "certificate-issuance"
    assert "부가가치세법 제8조" in reads[0].legal_reference

    refused = _issue(client, auth, "business-registration", other.id, brn)
    assert_problem(refused, 403, "business_not_represented")
    missing = client.post(
        "/api/documents/issue",
        json={"kind": "business-registration", "person_id": owner.id, "requester": "citizen:1"},
        headers=auth("documents:issue"),
    )
    assert_problem(missing, 422, "document_subject_missing")
    unknown = _issue(client, auth, "business-registration", owner.id, "000-00-00000")
    assert_problem(unknown, 404, "business_unknown")


@pytest.mark.usefixtures("all_rights")
def test_a_subject_or_person_the_register_cannot_be_asked_about_is_refused(
    client: TestClient, auth: Auth
) -> None:
    long_plate = _issue(client, auth, "vehicle-register", 1, "1" * 30)
    body = assert_problem(long_plate, 422, "params_invalid")
    assert [error["field"] for error in body["errors"]] == ["plate"]
    beyond_64_bits = client.post(
        "/api/documents/issue",
        json={"kind": "resident-abstract", "person_id": 2**63, "requester": "citizen:1"},
        headers=auth("documents:issue"),
    )
    assert_problem(beyond_64_bits, 422, "params_invalid")
