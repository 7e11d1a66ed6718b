"""One-time links to send a document to a third party: once, for 30 days, until withdrawn."""

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
from nara.documents.models import DocumentShare, DocumentShareOpening
from nara.documents.sharing import shares_of, token_digest
from nara.documents.wallet import Holder
from tests.documents.holders import Citizen, issue, open_citizen
from tests.support import assert_problem, count_rows

Auth = Callable[..., dict[str, str]]
pytestmark = pytest.mark.usefixtures("citizen_rights", "fast_hashes")


@pytest.fixture
def jimin(app: FastAPI, session: Session, cipher: PiiCipher) -> Citizen:
    return open_citizen(app, session, cipher, "박지민", dt.date(1990, 4, 5))


@pytest.fixture
def document(client: TestClient, auth: Auth, jimin: Citizen) -> dict[str, Any]:
    return issue(client, auth, jimin.person_id, jimin.requester)


def _share(citizen: Citizen, number: str, note: str | None = "OO은행 대출 창구") -> Any:
    response = citizen.web.post(
        f"/api/documents/mine/{number}/shares",
        json={"recipient_note": note},
        headers=citizen.csrf,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _token(share: dict[str, Any]) -> str:
    return str(share["url"]).rsplit("/", 1)[1]


def _outcomes(session: Session, share_id: int) -> list[str]:
    return list(
        session.scalars(
            select(DocumentShareOpening.outcome)
            .where(DocumentShareOpening.share_id == share_id)
            .order_by(DocumentShareOpening.id)
        )
    )


def test_a_link_opens_once_and_its_openings_are_recorded(
    *,
    client: TestClient,
    jimin: Citizen,
    document: dict[str, Any],
    session: Session,
    cipher: PiiCipher,
    clock: FixedClock,
) -> None:
    number = document["number"]
    share = _share(jimin, number)
    token = _token(share)
    assert share["url"] == f"http://localhost:8000/shared/{token}" or share["url"].endswith(
        f"/shared/{token}"
    )
    assert len(token) >= 43  # 256 random bits, URL-safe
    assert share["status"] == "active" and share["recipient_note"] == "OO은행 대출 창구"
    assert dt.datetime.fromisoformat(share["expires_at"]) == clock.now() + dt.timedelta(days=30)
    stored = session.scalars(select(DocumentShare)).one()
    assert stored.token_digest == token_digest(cipher, token)
    assert token.encode() not in stored.token_digest

    page = client.get(f"/shared/{token}", params={"lang": "ko"})
    assert page.status_code == 200, page.text
    assert "가족관계증명서" in page.text and "OO은행 대출 창구" in page.text
    assert page.headers["cache-control"] == "no-store"
    pdf = client.get(f"/shared/{token}/file")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    mine = jimin.web.get(f"/api/documents/mine/{number}/file")
    assert pdf.content == mine.content

    again = client.get(f"/shared/{token}/file", params={"lang": "en"})
    assert again.status_code == 410
    assert "already used" in again.text
    assert client.post(f"/shared/{token}/file").status_code == 410

    listed = jimin.web.get(f"/api/documents/mine/{number}/shares")
    assert listed.status_code == 200, listed.text
    [row] = listed.json()
    assert row["status"] == "used" and row["used_at"]
    assert [o["outcome"] for o in row["openings"]] == ["viewed", "downloaded", "used", "used"]
    assert _outcomes(session, row["id"]) == ["viewed", "downloaded", "used", "used"]


def test_a_link_expires_after_thirty_days(
    *,
    client: TestClient,
    jimin: Citizen,
    document: dict[str, Any],
    clock: FixedClock,
    session: Session,
) -> None:
    share = _share(jimin, document["number"], note=None)
    token = _token(share)
    clock.advance(dt.timedelta(days=29, hours=23))
    assert client.get(f"/shared/{token}").status_code == 200
    clock.advance(dt.timedelta(hours=1))
    expired = client.get(f"/shared/{token}/file", params={"lang": "en"})
    assert expired.status_code == 410 and "expired" in expired.text
    # The refusal is recorded although the request's work rolled back.
    assert _outcomes(session, share["id"]) == ["viewed", "expired"]
    # (The citizen's session has ended by now; the wallet's service shows the state.)
    holder = Holder(requester=jimin.requester, person_id=jimin.person_id)
    [view] = shares_of(session, clock, holder, document["number"])
    assert view.status == "expired" and view.share.used_at is None


def test_a_withdrawn_link_no_longer_opens(
    *, client: TestClient, jimin: Citizen, document: dict[str, Any], session: Session
) -> None:
    number = document["number"]
    share = _share(jimin, number)
    path = f"/api/documents/mine/{number}/shares/{share['id']}/revoke"
    assert_problem(jimin.web.post(path), 403, "csrf_missing")
    assert_problem(jimin.web.post(path, headers={"X-CSRF-Token": "0" * 64}), 403, "csrf_invalid")
    revoked = jimin.web.post(path, headers=jimin.csrf)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    assert_problem(jimin.web.post(path, headers=jimin.csrf), 409, "share_already_revoked")

    refused = client.get(f"/shared/{_token(share)}/file", params={"lang": "en"})
    assert refused.status_code == 410 and "withdrew" in refused.text
    assert _outcomes(session, share["id"]) == ["revoked"]
    actions = session.execute(
        select(DocumentShare.revoked_at).where(DocumentShare.id == share["id"])
    ).scalar_one()
    assert actions is not None


def test_unknown_links_are_404_and_nothing_is_recorded(
    *, client: TestClient, session: Session
) -> None:
    for token in ("A" * 43, "short", "not a token!"):
        page = client.get(f"/shared/{token}")
        assert page.status_code == 404, token
        assert client.get(f"/shared/{token}/file").status_code == 404
    assert count_rows(session, "documents_share_opening") == 0


def test_a_revoked_document_cannot_be_shared_nor_opened(
    *,
    client: TestClient,
    auth: Auth,
    jimin: Citizen,
    document: dict[str, Any],
    session: Session,
) -> None:
    number = document["number"]
    share = _share(jimin, number)
    revoked = client.post(
        f"/api/documents/{number}/revoke",
        json={"reason": "issued in error"},
        headers=auth("documents:revoke"),
    )
    assert revoked.status_code == 200, revoked.text
    before = count_rows(session, "documents_share")
    refused = jimin.web.post(f"/api/documents/mine/{number}/shares", json={}, headers=jimin.csrf)
    assert_problem(refused, 410, "document_revoked")
    assert count_rows(session, "documents_share") == before
    opened = client.get(f"/shared/{_token(share)}/file", params={"lang": "en"})
    assert opened.status_code == 410 and "revoked" in opened.text
    assert _outcomes(session, share["id"]) == ["document_revoked"]


def test_another_citizen_cannot_share_list_or_withdraw_my_links(
    *,
    app: FastAPI,
    jimin: Citizen,
    document: dict[str, Any],
    session: Session,
    cipher: PiiCipher,
) -> None:
    number = document["number"]
    share = _share(jimin, number)
    seoyeon = open_citizen(app, session, cipher, "이서연", dt.date(1988, 7, 1))
    base = f"/api/documents/mine/{number}/shares"
    assert_problem(seoyeon.web.post(base, json={}, headers=seoyeon.csrf), 404, "document_unknown")
    assert_problem(seoyeon.web.get(base), 404, "document_unknown")
    assert_problem(
        seoyeon.web.post(f"{base}/{share['id']}/revoke", headers=seoyeon.csrf),
        404,
        "document_unknown",
    )
    assert_problem(
        jimin.web.post(f"{base}/{share['id'] + 1000}/revoke", headers=jimin.csrf),
        404,
        "share_unknown",
    )
    too_long = jimin.web.post(base, json={"recipient_note": "가" * 101}, headers=jimin.csrf)
    assert too_long.status_code == 422
    assert count_rows(session, "documents_share") == 1
