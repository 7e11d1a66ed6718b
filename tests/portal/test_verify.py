"""Public verification: by confirmation number and possession key, and by the PDF itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from tests.factories import make_person
from tests.portal.test_pages import _inline_code
from tests.support import grant

Auth = Callable[..., dict[str, str]]


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("path", ["/verify", "/verify/1234-5678-9012-3456"])
def test_the_verification_page_renders(web: TestClient, path: str, language: str) -> None:
    page = web.get(path, params={"lang": language})
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert _inline_code(page.text).refused == []
    assert 'enctype="multipart/form-data"' in page.text
    if path != "/verify":
        assert 'value="1234-5678-9012-3456"' in page.text


@pytest.fixture
def issued(
    web: TestClient, auth: Auth, session: Session, cipher: PiiCipher, clock: FixedClock
) -> tuple[str, str, bytes]:
    """A family relation certificate of 김철수 (number, possession key, signed PDF)."""
    grant(session, clock, "gov24", "family/relations")
    grant(session, clock, "gov24", "residents/person-summaries")

    def person(name_ko: str, born: str, sex: str) -> int:
        birth = dt.date.fromisoformat(born)
        return make_person(session, cipher, name_ko=name_ko, name_en="X", birth=birth, sex=sex).id

    father, mother = person("김철수", "1970-05-01", "M"), person("이영희", "1972-08-15", "F")
    session.commit()
    married = web.post(
        "/api/family/marriages",
        json={"spouse_a_id": father, "spouse_b_id": mother, "married_on": "1998-01-01"},
        headers=auth("family:write"),
    )
    assert married.status_code == 201, married.text
    response = web.post(
        "/api/documents/issue",
        json={"kind": "family-relation", "person_id": father, "requester": "citizen:1"},
        headers=auth("documents:issue"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    lookup = {"number": body["number"], "possession_key": body["possession_key"]}
    data = web.post("/api/documents/download", json=lookup).content
    return body["number"], body["possession_key"], data


@pytest.mark.slow
def test_verification_by_number_and_key(web: TestClient, issued: tuple[str, str, bytes]) -> None:
    number, key, _ = issued
    shown = web.post(
        "/verify", data={"number": number, "possession_key": key}, params={"lang": "ko"}
    )
    assert shown.status_code == 200, shown.text
    assert 'id="verify-result"' in shown.text
    assert "가족관계증명서" in shown.text and number in shown.text
    assert "김철수" in shown.text and "이영희" in shown.text
    assert "verify-status-valid" in shown.text
    assert _inline_code(shown.text).refused == []

    wrong = web.post("/verify", data={"number": number, "possession_key": "2222-2222-2222"})
    assert wrong.status_code == 404
    assert 'href="#verify-number"' in wrong.text
    assert "김철수" not in wrong.text


@pytest.mark.slow
def test_verification_by_upload(web: TestClient, issued: tuple[str, str, bytes]) -> None:
    number, _, data = issued

    def upload(content: bytes) -> str:
        response = web.post(
            "/verify/upload",
            files={"file": ("certificate.pdf", content, "application/pdf")},
            params={"lang": "en"},
        )
        assert response.status_code == 200, response.text
        return response.text

    genuine = upload(data)
    assert 'data-outcome="verified"' in genuine
    assert number in genuine

    position = data.index(b"stream", len(data) // 4) + 40
    altered = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
    refused = upload(altered)
    assert 'data-outcome="altered"' in refused
    assert 'id="verify-reason"' in refused

    forged = upload(b"%PDF-1.7\n%%EOF\n")
    assert 'data-outcome="altered"' in forged or 'data-outcome="forged"' in forged

    empty = web.post("/verify/upload", files={"file": ("empty.pdf", b"", "application/pdf")})
    assert empty.status_code == 422
    assert 'href="#verify-file"' in empty.text
