"""My data: who read my data (only mine), and my consents given and withdrawn."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.exchange.consent.service import register_agreements
from nara.exchange.members import subsystem_of
from nara.exchange.purposes import Purpose
from nara.exchange.usage import Read, record_reads
from tests.portal.conftest import csrf_of, signin
from tests.portal.test_pages import _inline_code

OpenAccount = Callable[..., tuple[int, str]]

LOAN = Purpose(
    code="loan-screening",
    fields=frozenset({"name", "birth_date"}),
    lawful_basis="consent",
    legal_reference="",
    en="Screening a loan application",
    ko="대출 심사",
)
LOAN_ID = "residents.person-summaries.loan-screening"


def _read(
    session: Session,
    clock: FixedClock,
    person_id: int,
    purpose: str,
    *,
    user_id: str = "official:7",
    asserted: bool = False,
) -> None:
    record_reads(
        session,
        clock,
        Read(
            message_id=f"m-{purpose}-{user_id}",
            log_id=1,
            client=str(subsystem_of("land")),
            user_id=user_id,
            service="KR/GOV/MOIS/residents/person-summaries",
            purpose=purpose,
            lawful_basis="public_task",
            legal_reference="부동산등기법 제29조",
            fields=["name", "address"],
            user_asserted=asserted,
        ),
        [person_id],
        {},
    )


def test_a_citizen_sees_only_the_reads_of_his_own_data(
    web: TestClient, open_account: OpenAccount, session: Session, clock: FixedClock
) -> None:
    mine, my_rrn = open_account("박지민", "F")
    theirs, their_rrn = open_account("이서준", "M")
    _read(session, clock, mine, "ownership-check")
    _read(session, clock, theirs, "tax-assessment")
    session.commit()

    signin(web, my_rrn)
    page = web.get("/mydata", params={"lang": "ko"})
    assert page.status_code == 200
    # His own reads: the identity check at account opening, and the ownership check.
    assert page.text.count('class="usage-row"') == 2
    assert "ownership-check" in page.text
    assert "tax-assessment" not in page.text
    assert "부동산등기법 제29조" in page.text
    assert "공공 업무 수행" in page.text
    assert "address, name" in page.text
    assert _inline_code(page.text).refused == []
    english = web.get("/mydata", params={"lang": "en"})
    assert "Public task" in english.text

    web.post("/signout", data={"csrf_token": csrf_of(web)})
    signin(web, their_rrn)
    other = web.get("/mydata")
    assert other.text.count('class="usage-row"') == 2
    assert "tax-assessment" in other.text and "ownership-check" not in other.text


def test_who_read_is_in_words_and_a_name_only_a_calling_system_gave_is_marked(
    web: TestClient, open_account: OpenAccount, session: Session, clock: FixedClock
) -> None:
    person, rrn = open_account("박지민", "F")
    _read(session, clock, person, "ownership-check")
    _read(
        session,
        clock,
        person,
        "tax-assessment",
        user_id="official:minister <script>x</script>",
        asserted=True,
    )
    session.commit()
    signin(web, rrn)

    korean = web.get("/mydata", params={"lang": "ko"}).text
    english = web.get("/mydata", params={"lang": "en"}).text

    assert "공무원 (계정 7)" in korean and "Official (account 7)" in english
    assert "“official:minister &lt;script&gt;x&lt;/script&gt;”" in korean
    assert "<script>x" not in korean
    assert korean.count('class="usage-asserted"') == 1
    assert "플랫폼이 누구인지 확인하지 않았습니다" in korean
    assert "the platform did not verify who it was" in english
    assert "본인" in korean  # the identity check when the account was opened
    assert "official:7" not in korean


def test_mydata_is_for_signed_in_citizens(web: TestClient) -> None:
    response = web.get("/mydata")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/mydata"


def test_consent_is_given_and_withdrawn(
    web: TestClient, open_account: OpenAccount, session: Session, clock: FixedClock
) -> None:
    register_agreements(
        session, clock, [("residents/person-summaries", LOAN)], retire_undeclared=False
    )
    session.commit()
    _, rrn = open_account()
    signin(web, rrn)
    page = web.get("/mydata", params={"lang": "en"})
    assert f'id="consent-{LOAN_ID}"' in page.text
    assert "Screening a loan application" in page.text
    assert "No consent given" in page.text
    assert f'action="/mydata/consents/{LOAN_ID}/give"' in page.text

    refused = web.post(f"/mydata/consents/{LOAN_ID}/give")
    assert refused.status_code == 403, "no CSRF token, no change"
    given = web.post(
        f"/mydata/consents/{LOAN_ID}/give", data={"csrf_token": csrf_of(web, "/mydata")}
    )
    assert given.status_code == 303
    page = web.get("/mydata", params={"lang": "en"})
    assert "<strong>Consent given</strong>" in page.text
    assert f'action="/mydata/consents/{LOAN_ID}/withdraw"' in page.text

    withdrawn = web.post(
        f"/mydata/consents/{LOAN_ID}/withdraw", data={"csrf_token": csrf_of(web, "/mydata")}
    )
    assert withdrawn.status_code == 303
    page = web.get("/mydata", params={"lang": "en"})
    assert "Consent withdrawn" in page.text
    assert f'action="/mydata/consents/{LOAN_ID}/give"' in page.text

    history = web.get(f"/mydata/consents/{LOAN_ID}", params={"lang": "ko"})
    assert history.status_code == 200
    assert history.text.count("<tr>") == 3  # the header and two revisions
    assert "동의함" in history.text and "동의 철회함" in history.text

    unknown = web.post(
        "/mydata/consents/nothing.here/give", data={"csrf_token": csrf_of(web, "/mydata")}
    )
    assert unknown.status_code == 404
