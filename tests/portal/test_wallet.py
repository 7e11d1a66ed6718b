"""The wallet pages: my documents, links to send them, and the recipient's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.identity.models import Account
from tests.portal.conftest import csrf_of, signin
from tests.portal.test_pages import _inline_code
from tests.support import grant

OpenAccount = Callable[..., tuple[int, str]]
Auth = Callable[..., dict[str, str]]
LINK = re.compile(r'id="share-url"[^>]*value="([^"]+)"')


def _holder(
    *,
    web: TestClient,
    open_account: OpenAccount,
    session: Session,
    clock: FixedClock,
    auth: Auth,
    name: str = "박지민",
) -> tuple[str, dict[str, Any]]:
    """A citizen signed in on `web` with one certificate in his wallet: (RRN, document)."""
    grant(session, clock, "gov24", "family/relations")
    grant(session, clock, "gov24", "residents/person-summaries")
    session.commit()
    person_id, rrn = open_account(name)
    account_id = session.scalar(select(Account.id).where(Account.person_id == person_id))
    issued = web.post(
        "/api/documents/issue",
        json={
            "kind": "family-relation",
            "person_id": person_id,
            "requester": f"citizen:{account_id}",
        },
        headers=auth("documents:issue"),
    )
    assert issued.status_code == 201, issued.text
    assert signin(web, rrn).status_code == 303
    return rrn, issued.json()


def test_the_wallet_lists_my_documents_and_sends_one_by_a_link(
    *,
    web: TestClient,
    app: FastAPI,
    open_account: OpenAccount,
    session: Session,
    clock: FixedClock,
    auth: Auth,
) -> None:
    _, document = _holder(
        web=web, open_account=open_account, session=session, clock=clock, auth=auth
    )
    number = document["number"]
    digits = number.replace("-", "")
    page = web.get("/wallet", params={"lang": "ko"})
    assert page.status_code == 200, page.text
    assert "전자문서지갑" in page.text and "가족관계증명서" in page.text and number in page.text
    assert f'href="/wallet/{digits}/file"' in page.text
    assert '<link rel="stylesheet" href="/static/portal/wallet.css">' in page.text
    assert _inline_code(page.text).refused == []
    english = web.get("/wallet", params={"lang": "en"})
    assert (
        "My document wallet" in english.text and "Certificate of Family Relations" in english.text
    )

    pdf = web.get(f"/wallet/{digits}/file")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    refused = web.post(f"/wallet/{digits}/shares", data={"recipient_note": "OO은행"})
    assert refused.status_code == 403
    token = csrf_of(web, "/wallet")
    too_long = web.post(
        f"/wallet/{digits}/shares",
        data={"recipient_note": "가" * 101, "csrf_token": token},
        params={"lang": "en"},
    )
    assert too_long.status_code == 422
    assert 'aria-invalid="true"' in too_long.text and "at most 100" in too_long.text
    made = web.post(
        f"/wallet/{digits}/shares",
        data={"recipient_note": "OO은행 대출 창구", "csrf_token": token},
        params={"lang": "ko"},
    )
    assert made.status_code == 200, made.text
    found = LINK.search(made.text)
    assert found, "the answer shows the link once"
    url = found.group(1)
    assert "readonly" in made.text and url.split("/shared/")[1]
    assert _inline_code(made.text).refused == []
    # The link is not shown again.
    assert url not in web.get("/wallet").text

    recipient = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    path = "/shared/" + url.split("/shared/")[1]
    shown = recipient.get(path, params={"lang": "ko"})
    assert shown.status_code == 200, shown.text
    assert "가족관계증명서" in shown.text and "OO은행 대출 창구" in shown.text
    assert f'action="{path}/file"' in shown.text
    assert _inline_code(shown.text).refused == []
    file = recipient.post(f"{path}/file")
    assert file.status_code == 200 and file.content == pdf.content
    used = recipient.post(f"{path}/file", params={"lang": "ko"})
    assert used.status_code == 410 and "이미 사용된 링크" in used.text

    listed = web.get("/wallet", params={"lang": "ko"})
    assert (
        "사용됨" in listed.text
        and "파일 내려받음" in listed.text
        and "OO은행 대출 창구" in listed.text
    )


def test_a_link_is_withdrawn_with_the_csrf_token(
    *,
    web: TestClient,
    app: FastAPI,
    open_account: OpenAccount,
    session: Session,
    clock: FixedClock,
    auth: Auth,
) -> None:
    _, document = _holder(
        web=web, open_account=open_account, session=session, clock=clock, auth=auth
    )
    digits = document["number"].replace("-", "")
    token = csrf_of(web, "/wallet")
    made = web.post(f"/wallet/{digits}/shares", data={"csrf_token": token})
    url = LINK.search(made.text)
    assert url
    share_id = re.search(r'id="share-(\d+)"', made.text)
    assert share_id
    revoke = f"/wallet/{digits}/shares/{share_id.group(1)}/revoke"
    assert web.post(revoke).status_code == 403
    done = web.post(revoke, data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == f"/wallet#doc-{digits}"
    assert "철회됨" in web.get("/wallet", params={"lang": "ko"}).text
    recipient = TestClient(app, raise_server_exceptions=False)
    path = "/shared/" + url.group(1).split("/shared/")[1]
    refused = recipient.get(path, params={"lang": "en"})
    assert refused.status_code == 410 and "withdrew this link" in refused.text


def test_another_citizen_never_sees_my_documents(
    *,
    web: TestClient,
    app: FastAPI,
    open_account: OpenAccount,
    session: Session,
    clock: FixedClock,
    auth: Auth,
) -> None:
    _, document = _holder(
        web=web, open_account=open_account, session=session, clock=clock, auth=auth
    )
    digits = document["number"].replace("-", "")
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as other:
        _, their_rrn = open_account("이서준", "M")
        assert signin(other, their_rrn).status_code == 303
        page = other.get("/wallet", params={"lang": "ko"})
        assert page.status_code == 200
        assert document["number"] not in page.text and 'id="wallet-empty"' in page.text
        assert other.get(f"/wallet/{digits}/file").status_code == 404
        token = csrf_of(other, "/wallet")
        shared = other.post(f"/wallet/{digits}/shares", data={"csrf_token": token})
        assert shared.status_code == 404

    anonymous = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    away = anonymous.get("/wallet")
    assert away.status_code == 303 and away.headers["location"] == "/signin?next=/wallet"
    assert anonymous.get("/shared/" + "A" * 43).status_code == 404
