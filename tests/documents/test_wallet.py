"""The e-document wallet: a citizen lists and downloads only the documents issued to him."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import NotFound
from nara.core.pii import PiiCipher
from nara.documents import wallet
from tests.documents.holders import issue, open_citizen
from tests.support import assert_problem

Auth = Callable[..., dict[str, str]]
pytestmark = pytest.mark.usefixtures("citizen_rights", "fast_hashes")


def test_a_citizen_sees_only_his_own_documents_newest_first(
    *,
    app: FastAPI,
    client: TestClient,
    auth: Auth,
    session: Session,
    cipher: PiiCipher,
    clock: FixedClock,
) -> None:
    jimin = open_citizen(app, session, cipher, "박지민", dt.date(1990, 4, 5))
    seoyeon = open_citizen(app, session, cipher, "이서연", dt.date(1988, 7, 1))
    first = issue(client, auth, jimin.person_id, jimin.requester)
    clock.advance(dt.timedelta(minutes=5))
    second = issue(client, auth, jimin.person_id, jimin.requester, kind="family-relation")
    theirs = issue(client, auth, seoyeon.person_id, seoyeon.requester)
    # Asked for by Jimin's account but about someone else: not in her wallet.
    issue(client, auth, seoyeon.person_id, jimin.requester)

    mine = jimin.web.get("/api/documents/mine")
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["total"] == 2
    assert [item["number"] for item in body["items"]] == [second["number"], first["number"]]
    assert body["items"][0]["title_ko"] == "가족관계증명서"
    assert body["items"][0]["status"] == "valid"
    paged = jimin.web.get("/api/documents/mine", params={"page": 2, "size": 1}).json()
    assert paged["total"] == 2 and [i["number"] for i in paged["items"]] == [first["number"]]

    other = seoyeon.web.get("/api/documents/mine").json()
    assert [item["number"] for item in other["items"]] == [theirs["number"]]


def test_only_the_holder_downloads_a_document_from_his_wallet(
    *, app: FastAPI, client: TestClient, auth: Auth, session: Session, cipher: PiiCipher
) -> None:
    jimin = open_citizen(app, session, cipher, "박지민", dt.date(1990, 4, 5))
    seoyeon = open_citizen(app, session, cipher, "이서연", dt.date(1988, 7, 1))
    document = issue(client, auth, jimin.person_id, jimin.requester)
    number = document["number"]

    mine = jimin.web.get(f"/api/documents/mine/{number}/file")
    assert mine.status_code == 200, mine.text
    assert mine.headers["content-type"] == "application/pdf"
    assert mine.headers["cache-control"] == "no-store"
    assert mine.content.startswith(b"%PDF")
    lookup = {"number": number, "possession_key": document["possession_key"]}
    assert client.post("/api/documents/download", json=lookup).content == mine.content
    undashed = jimin.web.get(f"/api/documents/mine/{number.replace('-', '')}/file")
    assert undashed.status_code == 200

    assert_problem(seoyeon.web.get(f"/api/documents/mine/{number}/file"), 404, "document_unknown")
    assert_problem(jimin.web.get("/api/documents/mine/1234/file"), 404, "document_unknown")
    assert_problem(client.get(f"/api/documents/mine/{number}/file"), 401, "signin_required")
    assert_problem(client.get("/api/documents/mine"), 401, "signin_required")


def test_the_wallet_finds_a_document_by_holder_and_number_only(
    *, client: TestClient, auth: Auth, session: Session, cipher: PiiCipher, app: FastAPI
) -> None:
    jimin = open_citizen(app, session, cipher, "박지민", dt.date(1990, 4, 5))
    document = issue(client, auth, jimin.person_id, jimin.requester)
    holder = wallet.Holder(requester=jimin.requester, person_id=jimin.person_id)
    assert wallet.document_of(session, holder, document["number"]).kind == "family-relation"
    strangers = (
        wallet.Holder(requester=jimin.requester, person_id=jimin.person_id + 1),
        wallet.Holder(requester="citizen:0", person_id=jimin.person_id),
    )
    for stranger in strangers:
        with pytest.raises(NotFound) as refused:
            wallet.document_of(session, stranger, document["number"])
        assert refused.value.code == "document_unknown"
