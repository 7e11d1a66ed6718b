"""Issuing the basic, marriage and resident registration certificates through the exchange."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.documents.exchange import USES
from nara.documents.kinds import KINDS
from nara.documents.render import render_html
from tests.factories import make_person
from tests.support import grant

Auth = Callable[..., dict[str, str]]
SEOUL = {
    "sigungu_code": "11680",
    "road_name": "테헤란로",
    "building_main": 152,
    "address_detail": "12층 1201호",
    "postcode": "06236",
}
BUSAN = {
    "sigungu_code": "26350",
    "road_name": "해운대해변로",
    "building_main": 264,
    "postcode": "48099",
}


@pytest.fixture
def all_rights(app: FastAPI, session: Session, clock: FixedClock) -> None:
    """The single window holds a right on every service a kind reads."""
    for service in USES:
        grant(session, clock, "gov24", service)


def _issue(client: TestClient, auth: Auth, kind: str, person_id: int, **extra: Any) -> Any:
    response = client.post(
        "/api/documents/issue",
        json={"kind": kind, "person_id": person_id, "requester": "citizen:1"} | extra,
        headers=auth("documents:issue"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == kind and body["status"] == "valid"
    return body


def _download(client: TestClient, body: dict[str, Any]) -> bytes:
    lookup = {"number": body["number"], "possession_key": body["possession_key"]}
    download = client.post("/api/documents/download", json=lookup)
    assert download.status_code == 200, download.text
    reader = PdfFileReader(io.BytesIO(download.content), strict=False)
    assert reader.embedded_signatures
    return download.content


def test_every_kind_reads_only_declared_services_and_has_a_bilingual_template() -> None:
    for kind in KINDS.values():
        assert kind.uses and kind.title_ko and kind.title_en
        assert all(service in USES for service, _ in kind.uses)
    assert {"basic", "marriage", "resident-abstract", "resident-copy"} <= set(KINDS)


@pytest.mark.usefixtures("all_rights")
def test_basic_and_marriage_certificates_show_the_family_register(
    *, client: TestClient, auth: Auth, family: dict[str, int], session: Session, cipher: PiiCipher
) -> None:
    headers = auth("family:read", "family:write")
    # The father divorced and married again; the child was adopted by the second wife.
    [first] = client.get(f"/api/family/persons/{family['father']}/spouses", headers=headers).json()
    divorced = client.post(
        f"/api/family/marriages/{first['marriage_id']}/divorce",
        json={"divorced_on": "2010-06-30"},
        headers=headers,
    )
    assert divorced.status_code == 200, divorced.text
    second = make_person(
        session,
        cipher,
        name_ko="박지은",
        name_en="Park Jieun",
        birth=dt.date(1980, 2, 2),
        sex="F",
    ).id
    married = client.post(
        "/api/family/marriages",
        json={"spouse_a_id": family["father"], "spouse_b_id": second, "married_on": "2015-05-05"},
        headers=headers,
    )
    assert married.status_code == 201, married.text

    marriage = _issue(client, auth, "marriage", family["father"])["content"]
    assert marriage["person"]["name_ko"] == "김철수"
    assert marriage["marital_status_text"].startswith("혼인 중")
    assert [(m["name_ko"], m["married_on"]) for m in marriage["current"]] == [
        ("박지은", "2015-05-05")
    ]
    assert [(m["name_ko"], m["married_on"], m["ended_on"]) for m in marriage["past"]] == [
        ("이영희", "1998-01-01", "2010-06-30")
    ]
    assert marriage["past"][0]["end_text"].startswith("이혼")

    # As it stood in 2005: one marriage, not yet ended.
    then = _issue(client, auth, "marriage", family["father"], as_of="2005-01-01")["content"]
    assert [m["name_ko"] for m in then["current"]] == ["이영희"] and then["past"] == []

    body = _issue(client, auth, "basic", family["mother"])
    basic = body["content"]
    assert basic["person"]["name_ko"] == "이영희"
    assert basic["person"]["birth_date"] == "1972-08-15"
    assert basic["person"]["sex_text"].startswith("여")
    assert basic["marital_status_text"].startswith("이혼")
    assert [(e["event_en"], e["on"]) for e in basic["events"]] == [("Birth", "1972-08-15")]
    _download(client, body)


@pytest.mark.usefixtures("all_rights")
def test_resident_abstract_and_copy_show_addresses_and_the_household(
    *, client: TestClient, auth: Auth, family: dict[str, int]
) -> None:
    headers = auth("residents:read", "residents:write")

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(f"/api/residents/{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer

    household = post(
        "households",
        {"head_person_id": family["father"], "address": SEOUL, "formed_on": "2020-01-01"},
    )
    for who, relation in (("mother", "spouse"), ("child", "child")):
        post(
            f"households/{household['id']}/members",
            {"person_id": family[who], "relation": relation, "joined_on": "2020-01-01"},
        )
    post(
        f"persons/{family['child']}/moves",
        {"address": BUSAN, "moved_on": "2025-05-01", "new_household": True},
    )

    body = _issue(client, auth, "resident-abstract", family["child"])
    abstract = body["content"]
    assert abstract["person"]["name_ko"] == "김민준"
    assert [(r["address_ko"], r["moved_in"], r["moved_out"]) for r in abstract["residences"]] == [
        ("서울특별시 강남구 테헤란로 152 12층 1201호", "2020-01-01", "2025-05-01"),
        ("부산광역시 해운대구 해운대해변로 264", "2025-05-01", ""),
    ]
    _download(client, body)

    copy = _issue(client, auth, "resident-copy", family["mother"])["content"]
    assert copy["head_name_ko"] == "김철수"
    assert copy["address_ko"].startswith("서울특별시 강남구 테헤란로 152")
    assert [(m["name_ko"], m["relation_ko"]) for m in copy["members"]] == [
        ("김철수", "본인(세대주)"),
        ("이영희", "배우자"),
    ]
    before = _issue(client, auth, "resident-copy", family["father"], as_of="2024-12-31")
    assert [m["relation_en"] for m in before["content"]["members"]] == [
        "Head of household",
        "Spouse",
        "Child",
    ]


@pytest.mark.usefixtures("all_rights")
def test_a_land_register_copy_shows_title_owners_and_rights(
    *, client: TestClient, auth: Auth, family: dict[str, int]
) -> None:
    headers = auth("land:read", "land:write")
    pnu = "1168010100101230004"
    parcel = {
        "pnu": pnu,
        "land_category": "대",
        "area_m2": "330.50",
        "official_price_per_m2": 12_500_000,
        "owners": [
            {"owner_kind": "person", "owner_id": family["father"], "share": "2/3"},
            {"owner_kind": "person", "owner_id": family["mother"], "share": "1/3"},
        ],
    }
    assert client.post("/api/land/parcels", json=parcel, headers=headers).status_code == 201
    mortgage = {"kind": "mortgage", "holder_name": "나라은행", "amount_won": 360_000_000}
    response = client.post(f"/api/land/parcels/{pnu}/rights", json=mortgage, headers=headers)
    assert response.status_code == 201, response.text

    body = _issue(client, auth, "land-register", family["child"], subject=pnu)
    content = body["content"]
    assert content["pnu"] == pnu and content["title"]["area_m2"] == "330.50"
    assert [(e["owner_name"], e["share"]) for e in content["section_a"]] == [
        ("김철수", "2/3"),
        ("이영희", "1/3"),
    ]
    assert [(r["holder_name"], r["amount_won"]) for r in content["section_b"]] == [
        ("나라은행", "360,000,000")
    ]
    _download(client, body)

    missing = client.post(
        "/api/documents/issue",
        json={"kind": "land-register", "person_id": family["child"], "requester": "citizen:1"},
        headers=auth("documents:issue"),
    )
    assert missing.status_code == 422 and missing.json()["code"] == "document_subject_missing"
    unknown = client.post(
        "/api/documents/issue",
        json={
            "kind": "land-register",
            "person_id": family["child"],
            "requester": "citizen:1",
            "subject": "1168010100109990000",
        },
        headers=auth("documents:issue"),
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "parcel_unknown"


def test_the_templates_carry_korean_and_english_headings() -> None:
    samples: dict[str, dict[str, Any]] = {
        "basic": {
            "as_of": "2026-01-01",
            "person": {"name_ko": "가", "name_en": "A", "birth_date": "", "sex_text": ""},
            "marital_status_text": "",
            "events": [],
        },
        "marriage": {
            "as_of": "2026-01-01",
            "person": {"name_ko": "가", "name_en": "A", "birth_date": "", "sex_text": ""},
            "marital_status_text": "",
            "current": [],
            "past": [],
        },
        "resident-abstract": {
            "as_of": "2026-01-01",
            "person": {
                "name_ko": "가",
                "name_en": "A",
                "birth_date": "",
                "sex_text": "",
                "status_text": "",
            },
            "residences": [],
        },
        "land-register": {
            "as_of": "2026-01-01",
            "pnu": "1168010100101230004",
            "title": {
                "land_category": "대",
                "land_category_en": "building site",
                "area_m2": "1.00",
                "registered_on": "2020-01-01",
                "buildings": [],
            },
            "section_a": [],
            "section_b": [],
        },
        "resident-copy": {
            "as_of": "2026-01-01",
            "address_ko": "",
            "address_en": "",
            "head_name_ko": "",
            "head_name_en": "",
            "members": [],
        },
    }
    for code, content in samples.items():
        kind = KINDS[code]
        html = render_html(
            kind,
            content=content,
            number="1234567890123452",
            issued_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            public_base_url="https://nara.example",
        )
        assert kind.title_ko in html and kind.title_en in html
        assert kind.attest_ko in html and kind.attest_en in html
