"""Civil services in the portal: the catalogue, the application wizard, my applications,
messages and the inbox."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.applications.catalogue import Field, FieldType
from nara.core.clock import FixedClock
from nara.core.errors import Message
from nara.portal.i18n import gettext_callables
from nara.portal.rendering import environment
from tests.identity.conftest import make_official, signin_official
from tests.portal.conftest import csrf_of, signin
from tests.portal.test_pages import _inline_code
from tests.support import count_rows, grant

__all__ = ["make_official"]

OpenAccount = Callable[..., tuple[int, str]]
PDF = b"%PDF-1.7\n" + b"0" * 64
FAMILY = "family-relation-certificate"
REISSUE = "vehicle-certificate-reissue"
LOCATION = re.compile(r"^/applications/(\d+)/guide$")


@pytest.fixture
def grants(web: TestClient, session: Session, clock: FixedClock) -> None:
    """The single window may read the registers it prefills from and issues with."""
    grant(session, clock, "gov24", "residents/person-summaries")
    grant(session, clock, "gov24", "family/relations")
    session.commit()


@pytest.fixture
def citizen(web: TestClient, open_account: OpenAccount, grants: None) -> str:
    """A signed-in citizen (박지민); returns his RRN."""
    _, rrn = open_account("박지민", "F")
    assert signin(web, rrn).status_code == 303
    return rrn


def _csrf(web: TestClient) -> str:
    return csrf_of(web, "/applications")


def _apply(web: TestClient, code: str) -> int:
    response = web.post(f"/services/{code}/apply", data={"csrf_token": _csrf(web)})
    assert response.status_code == 303, response.text
    found = LOCATION.match(response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def _post(web: TestClient, path: str, **data: str) -> httpx.Response:
    return web.post(path, data={"csrf_token": _csrf(web), **data})


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(?:<strong>)?([^<]+)<', html)
    assert found, f"#{element_id} not on the page"
    return found.group(1).strip()


# The catalogue -----------------------------------------------------------------------------


def test_the_search_box_gets_the_results_alone(web: TestClient) -> None:
    typed = web.get("/services", params={"q": "초본", "lang": "ko"}, headers={"HX-Request": "true"})
    assert typed.status_code == 200
    assert typed.text.lstrip().startswith('<section id="service-results"')
    assert "<html" not in typed.text
    assert 'id="service-resident-abstract"' in typed.text
    assert typed.headers["vary"] == "HX-Request"
    # Going back in history restores the whole page.
    restored = web.get(
        "/services",
        params={"q": "초본"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restored.text


def test_the_catalogue_searches_in_korean_and_english(web: TestClient) -> None:
    everything = web.get("/services", params={"lang": "ko"})
    assert everything.status_code == 200
    assert everything.text.count('class="services-card"') == 7
    assert 'aria-live="polite"' in everything.text
    assert 'hx-get="/services"' in everything.text
    assert _inline_code(everything.text).refused == []

    korean = web.get("/services", params={"q": "가족관계 증명서", "lang": "ko"})
    assert 'id="service-family-relation-certificate"' in korean.text
    assert korean.text.count('class="services-card"') == 1
    assert "가족관계증명서 발급" in korean.text
    assert "온라인 즉시 발급" in korean.text
    assert "무료" in korean.text

    english = web.get("/services", params={"q": "registration card", "lang": "en"})
    assert 'id="service-vehicle-certificate-reissue"' in english.text
    assert "Re-issue of a vehicle registration card" in english.text
    assert "Reviewed by an official" in english.text
    assert "1,000 won" in english.text
    assert "Ministry of Land, Infrastructure and Transport" in english.text
    assert 'href="/services/vehicle-certificate-reissue"' in english.text

    nothing = web.get("/services", params={"q": "space shuttle", "lang": "en"})
    assert nothing.status_code == 200
    assert 'id="service-results-empty"' in nothing.text
    assert "No civil service matches “space shuttle”" in nothing.text


def test_the_guide_page_and_signed_out_visitors(web: TestClient) -> None:
    guide = web.get(f"/services/{REISSUE}", params={"lang": "en"})
    assert guide.status_code == 200
    html = guide.text
    assert "An official of the Ministry of Land, Infrastructure and Transport" in html
    assert "Registration plate" in html  # what the form asks
    assert "Name (Hangul)" in html  # the register fills it: nothing to bring
    assert 'id="guide-prefill"' in html
    assert "A signed statement of the loss" in html
    assert "1,000 won" in html
    assert 'href="/signin?next=%2Fservices%2Fvehicle-certificate-reissue"' in html
    assert 'id="apply-form"' not in html
    assert _inline_code(html).refused == []
    assert web.get("/services/nope").status_code == 404
    # The pages of applicants need a session: sign in first, then come back.
    mine = web.get("/applications")
    assert mine.status_code == 303
    assert mine.headers["location"] == "/signin?next=/applications"
    assert web.post(f"/services/{FAMILY}/apply").status_code == 401


# The wizard --------------------------------------------------------------------------------


def test_an_auto_issue_service_is_completed_at_once(
    web: TestClient, citizen: str, session: Session
) -> None:
    guide = web.get(f"/services/{FAMILY}", params={"lang": "ko"})
    assert 'id="apply-form"' in guide.text
    application = _apply(web, FAMILY)
    base = f"/applications/{application}"

    start = web.get(f"{base}/guide", params={"lang": "ko"})
    assert start.status_code == 200
    assert 'class="krds-step-wrap"' in start.text
    assert 'aria-current="step"' in start.text
    assert "공부에서 가져온 정보" in start.text and "박지민" in start.text

    step = web.get(f"{base}/steps/applicant", params={"lang": "ko"})
    assert step.status_code == 200
    assert 'value="박지민" readonly' in step.text
    assert "여기서 바꿀 수 없습니다" in step.text
    assert _inline_code(step.text).refused == []
    saved = _post(web, f"{base}/steps/applicant")
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{base}/steps/use"

    use = web.get(f"{base}/steps/use", params={"lang": "ko"})
    assert 'type="radio"' in use.text and "기관 제출용" in use.text
    missing = _post(web, f"{base}/steps/use")
    assert missing.status_code == 422
    assert 'href="#field-use"' in missing.text
    chosen = _post(web, f"{base}/steps/use", use="submission")
    assert chosen.status_code == 303
    assert chosen.headers["location"] == f"{base}/summary"

    summary = web.get(f"{base}/summary", params={"lang": "ko"})
    assert "기관 제출용" in summary.text and "공부에서 확인" in summary.text

    done = _post(web, f"{base}/submit")
    assert done.status_code == 200, done.text
    number = _text(done.text, "issued-number")
    key = _text(done.text, "issued-key")
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", number)
    assert len(key) >= 12
    assert 'data-status="completed"' in done.text
    assert count_rows(session, "documents_issuance") == 1

    pdf = _post(web, f"{base}/certificate", number=number, possession_key=key)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    wrong = _post(web, f"{base}/certificate", number=number, possession_key="AAAA-BBBB-CCCC")
    assert wrong.status_code == 404
    public = web.post("/api/documents/download", json={"number": number, "possession_key": key})
    assert public.status_code == 200

    page = web.get(base, params={"lang": "ko"})
    assert "처리 완료" in page.text
    assert number in page.text
    # A completed application is no longer a draft: the wizard sends one to its page.
    assert web.get(f"{base}/summary").headers["location"] == base


def test_a_review_service_with_a_file_and_a_fee(
    web: TestClient, citizen: str, session: Session
) -> None:
    application = _apply(web, REISSUE)
    base = f"/applications/{application}"

    bad_phone = _post(web, f"{base}/steps/applicant", phone="12345")
    assert bad_phone.status_code == 422
    assert 'href="#field-phone"' in bad_phone.text
    assert 'value="12345"' in bad_phone.text
    assert _post(web, f"{base}/steps/applicant", phone="010-1234-5678").status_code == 303

    bad_plate = _post(web, f"{base}/steps/vehicle?lang=en", plate="ABC", reason="lost")
    assert bad_plate.status_code == 422
    html = bad_plate.text
    assert 'role="alert"' in html and 'href="#field-plate"' in html
    assert 'aria-invalid="true" aria-describedby="field-plate-hint field-plate-error"' in html
    assert "Registration plate: The value is not in the expected form (e.g. 12가3456)." in html
    good = _post(web, f"{base}/steps/vehicle", plate="12가3456", reason="lost")
    assert good.status_code == 303
    assert good.headers["location"] == f"{base}/documents"

    early = _post(web, f"{base}/submit")
    assert early.status_code == 422
    assert 'role="alert"' in early.text

    documents = web.get(f"{base}/documents", params={"lang": "en"})
    assert 'enctype="multipart/form-data"' in documents.text
    assert "Signed statement" in documents.text
    refused = web.post(
        f"{base}/documents",
        data={"csrf_token": _csrf(web), "kind": "signed_statement"},
        files={"file": ("note.txt", b"plain text", "text/plain")},
    )
    assert refused.status_code == 422
    assert 'href="#file-signed_statement"' in refused.text
    uploaded = web.post(
        f"{base}/documents",
        data={"csrf_token": _csrf(web), "kind": "signed_statement"},
        files={"file": ("statement.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 303
    assert "statement.pdf" in web.get(f"{base}/documents").text

    unpaid = _post(web, f"{base}/submit")
    assert unpaid.status_code == 422
    fee = web.get(f"{base}/fee", params={"lang": "en"})
    assert "Simulated payment" in fee.text and 'id="fee-pay"' in fee.text
    assert _post(web, f"{base}/fee").status_code == 303
    receipt = web.get(f"{base}/fee")
    assert _text(receipt.text, "fee-receipt-number").startswith("SIM-")

    summary = web.get(f"{base}/summary", params={"lang": "en"})
    assert "12가3456" in summary.text and "010-1234-5678" in summary.text
    assert "statement.pdf" in summary.text and "simulated payment" in summary.text
    submitted = _post(web, f"{base}/submit?lang=en")
    assert submitted.status_code == 200, submitted.text
    assert 'data-status="submitted"' in submitted.text
    assert "queue of the Ministry of Land, Infrastructure and Transport" in submitted.text

    page = web.get(base, params={"lang": "en"})
    assert 'id="submitted-summary"' in page.text and "Lost" in page.text
    assert "statement.pdf" in page.text and "SIM-" in page.text
    mine = web.get("/applications", params={"lang": "ko"})
    assert 'data-status="submitted"' in mine.text and "접수" in mine.text
    assert "자동차등록증 재발급" in mine.text
    assert _inline_code(mine.text).refused == []


def test_drafts_persist_and_prefilled_fields_cannot_be_changed(
    web: TestClient, citizen: str
) -> None:
    application = _apply(web, REISSUE)
    base = f"/applications/{application}"
    changed = _post(web, f"{base}/steps/applicant", name_ko="김철수", phone="010-1234-5678")
    assert changed.status_code == 422
    assert 'href="#field-name_ko"' in changed.text
    page = web.get(f"{base}/steps/applicant")
    assert 'value="박지민" readonly' in page.text
    mine = web.get("/applications", params={"lang": "en"})
    assert 'class="krds-btn small primary application-continue"' in mine.text
    assert f'href="{base}/guide"' in mine.text
    assert "draft" in mine.text


def test_writes_need_the_csrf_token(web: TestClient, citizen: str) -> None:
    refused = web.post(f"/services/{FAMILY}/apply")
    assert refused.status_code == 403
    application = _apply(web, FAMILY)
    assert web.post(f"/applications/{application}/steps/use", data={"use": "x"}).status_code == 403
    assert web.post(f"/applications/{application}/messages", data={"body": "x"}).status_code == 403


def test_another_citizens_application_is_not_found(
    web: TestClient, open_account: OpenAccount, grants: None
) -> None:
    _, mine = open_account("박지민", "F")
    _, theirs = open_account("이서준", "M")
    signin(web, mine)
    application = _apply(web, FAMILY)
    web.post("/signout", data={"csrf_token": _csrf(web)})
    signin(web, theirs)
    for path in ("", "/guide", "/steps/applicant", "/documents", "/summary"):
        response = web.get(f"/applications/{application}{path}")
        assert response.status_code == 404, path
    assert _post(web, f"/applications/{application}/messages", body="hi").status_code == 404
    assert 'id="applications-empty"' in web.get("/applications").text
    # An address with a number no column holds is a page in the visitor's language too.
    huge = web.get("/applications/123456789012345678901234567890", params={"lang": "en"})
    assert huge.status_code == 422
    assert huge.headers["content-type"].startswith("text/html")
    assert "outside the range" in huge.text
    assert "content-security-policy" in huge.headers


def test_an_official_is_not_a_citizen(
    app: FastAPI, web: TestClient, make_official: Callable[..., Any], clock: FixedClock
) -> None:
    _, secret = make_official("vehicles.kim", agency="vehicles")
    assert signin_official(web, "vehicles.kim", secret, clock).status_code == 200
    refused = web.get("/applications", params={"lang": "en"})
    assert refused.status_code == 403
    assert web.get("/inbox").status_code == 403
    guide = web.get(f"/services/{FAMILY}", params={"lang": "en"})
    assert 'id="apply-citizens-only"' in guide.text


def test_messages_and_the_inbox(
    app: FastAPI,
    web: TestClient,
    citizen: str,
    make_official: Callable[..., Any],
    clock: FixedClock,
) -> None:
    application = _apply(web, "vehicle-address-change")
    base = f"/applications/{application}"
    _post(web, f"{base}/steps/applicant", phone="010-1234-5678")
    _post(web, f"{base}/steps/vehicle", plate="12가3456", new_address="세종로 1", postcode="03154")
    assert _post(web, f"{base}/submit").status_code == 200

    empty = _post(web, f"{base}/messages", body="   ")
    assert empty.status_code == 422
    assert 'href="#message-body"' in empty.text
    sent = _post(web, f"{base}/messages", body="차량 번호를 확인해 주세요.")
    assert sent.status_code == 303
    assert "차량 번호를 확인해 주세요." in web.get(base).text

    _, secret = make_official("vehicles.lee", agency="vehicles")
    with TestClient(app, raise_server_exceptions=False) as office:
        signed = signin_official(office, "vehicles.lee", secret, clock)
        answer = office.post(
            f"/api/applications/office/vehicles/applications/{application}/messages",
            json={"body": "확인했습니다."},
            headers={"X-CSRF-Token": signed.json()["csrf_token"]},
        )
        assert answer.status_code == 201, answer.text
    page = web.get(base, params={"lang": "en"})
    assert "확인했습니다." in page.text and "(official)" in page.text
    assert "received" in page.text  # the status history in English

    mine = web.get("/applications", params={"lang": "en"})
    assert _text(mine.text, "unread-count") == "2 unread"
    inbox = web.get("/inbox", params={"lang": "ko"})
    assert inbox.status_code == 200
    assert inbox.text.count("inbox-item inbox-unread") == 2
    assert _inline_code(inbox.text).refused == []
    first = re.search(r'action="/inbox/(\d+)/read"', inbox.text)
    assert first
    read = _post(web, f"/inbox/{first.group(1)}/read")
    assert read.status_code == 303 and read.headers["location"] == "/inbox"
    after = web.get("/inbox")
    assert after.text.count("inbox-item inbox-unread") == 1
    assert after.text.count('class="inbox-item"') == 1
    assert _post(web, "/inbox/999999/read").status_code == 404


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_pages_render_in_both_languages(web: TestClient, citizen: str, language: str) -> None:
    application = _apply(web, REISSUE)
    base = f"/applications/{application}"
    expected = {"ko": "자동차등록증 재발급", "en": "Re-issue of a vehicle registration card"}
    for path in (
        "/services",
        f"/services/{REISSUE}",
        f"{base}/guide",
        f"{base}/steps/applicant",
        f"{base}/steps/vehicle",
        f"{base}/documents",
        f"{base}/fee",
        f"{base}/summary",
        base,
        "/applications",
        "/inbox",
    ):
        page = web.get(path, params={"lang": language})
        assert page.status_code == 200, path
        assert f'<html lang="{language}">' in page.text
        assert _inline_code(page.text).refused == [], path
        assert 'href="/static/portal/services.css"' in page.text, path
        if path not in {"/inbox"}:
            assert expected[language] in page.text, path


def test_every_field_type_has_its_input() -> None:
    template = environment.from_string(
        '{% from "portal/services/_fields.html" import form_field with context %}'
        "{{ form_field(item, value, error, 'f') }}"
    )

    def html(item: Field, value: str = "", error: str | None = None) -> str:
        return template.render(
            item=item, value=value, error=error, language="en", **gettext_callables("en")
        )

    label = Message("Label", "항목")
    expected: dict[FieldType, str] = {
        "text": 'type="text"',
        "date": 'type="date"',
        "number": 'type="number"',
        "phone": 'type="tel"',
        "postcode": 'inputmode="numeric"',
        "brn": 'inputmode="numeric"',
        "textarea": "<textarea",
    }
    for kind, marker in expected.items():
        rendered = html(Field("f", label, type=kind))
        assert marker in rendered, kind
        assert '<label for="f">Label' in rendered, kind
    few = Field("f", label, type="choice", choices=(("a", Message("A", "가")),))
    assert 'type="radio"' in html(few, "a") and "checked" in html(few, "a")
    many = tuple((str(n), Message(f"Option {n}", f"선택 {n}")) for n in range(6))
    select = html(Field("f", label, type="choice", choices=many), "3", "Choose one.")
    assert '<select id="f"' in select and '<option value="3" selected>' in select
    assert 'aria-invalid="true" aria-describedby="f-error"' in select
