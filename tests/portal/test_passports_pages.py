"""The passport office's pages: the citizen applies, uploads his photo, pays (simulated) and
submits; an official approves or rejects and issues; the holder reports a passport lost.
Each page refuses whoever it is not for, and each refusal shows the error summary."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from nara.family.models import Parentage
from nara.identity.models import AuditEntry
from tests.applications.conftest import Browser, citizen_of, clients, make_official, official_of
from tests.factories import make_person
from tests.passports.conftest import jpeg
from tests.portal.test_pages import _inline_code
from tests.support import count_rows

__all__ = ["citizen_of", "clients", "make_official", "official_of"]

CitizenOf = Callable[..., Browser]
OfficialOf = Callable[..., Browser]
ADULT = dt.date(1990, 4, 5)
TABLES = ("passports_application", "passports_photo", "passports_passport", "passports_change")
NUMBER = re.compile(r'id="passport-number">(M\d{3}[A-Z]\d{4})<')


def counts(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in TABLES}


def apply(citizen: Browser, **form: str) -> str:
    """Apply from `/passports`; the application's page path."""
    response = citizen.post("/passports/applications", data={"kind": "new", "pages": "58", **form})
    assert response.status_code == 303, response.text
    path: str = response.headers["location"]
    return path


def upload(citizen: Browser, path: str, data: bytes, name: str = "me.jpg") -> Any:
    return citizen.post(f"{path}/photo", files={"photo": (name, data, "image/jpeg")})


def submitted(citizen: Browser) -> str:
    """A new application with photo and paid fee, submitted; its page path."""
    path = apply(citizen)
    assert upload(citizen, path, jpeg()).status_code == 303
    assert citizen.post(f"{path}/payment", data={"amount_won": "53000"}).status_code == 303
    assert citizen.post(f"{path}/submit").status_code == 303
    return path


def office_path(citizen_path: str) -> str:
    return "/office" + citizen_path


def issued(citizen: Browser, clerk: Browser) -> str:
    """A passport issued through the pages; its number."""
    path = submitted(citizen)
    assert clerk.post(f"{office_path(path)}/decision", data={"decision": "approve"}).status_code
    assert clerk.post(f"{office_path(path)}/issuance").status_code == 303
    found = NUMBER.search(citizen.get(path).text)
    assert found, "the citizen's page shows the passport's number once issued"
    return found.group(1)


def audited(session: Session, action: str) -> list[AuditEntry]:
    rows = session.scalars(select(AuditEntry).where(AuditEntry.event == "official_action"))
    return [row for row in rows if row.data.get("action") == action]


@pytest.fixture
def resident(citizen_of: CitizenOf) -> CitizenOf:
    """`resident("박지민", birth, sex)` → a resident signed in, whose browser reads English
    and shows redirects."""

    def make(*args: Any) -> Browser:
        browser = citizen_of(*args)
        browser.client.follow_redirects = False
        browser.client.cookies.set("lang", "en")
        return browser

    return make


@pytest.fixture
def officer(official_of: OfficialOf) -> OfficialOf:
    """`officer("passports", "passports.kim", roles=("clerk",))` → signed in, as `resident`."""

    def make(*args: Any, **kwargs: Any) -> Browser:
        browser = official_of(*args, **kwargs)
        browser.client.follow_redirects = False
        browser.client.cookies.set("lang", "en")
        return browser

    return make


@pytest.fixture
def citizen(resident: CitizenOf) -> Browser:
    return resident("박지민", ADULT, "F")


@pytest.fixture
def clerk(officer: OfficialOf) -> Browser:
    """An official of the passport office who may read and decide."""
    return officer("passports", "passports.kim", roles=("clerk",))


def test_the_full_path_from_application_to_the_passport_number(
    citizen: Browser, clerk: Browser, session: Session
) -> None:
    home = citizen.get("/passports")
    assert home.status_code == 200
    assert 'id="apply-form"' in home.text
    assert 'name="kind" value="new"' in home.text
    assert "53,000" in home.text  # the fee of 58 pages at his age
    assert "나의 여권" in citizen.get("/passports?lang=ko").text

    path = apply(citizen)
    assert clerk.get(office_path(path)).status_code == 404  # a draft is the applicant's alone
    draft = citizen.get(path)
    assert 'id="photo-rules"' in draft.text
    assert "413 × 531" in draft.text
    assert 'id="fee-simulated"' in draft.text
    assert upload(citizen, path, jpeg(700, 900)).status_code == 303
    assert 'id="photo-attached"' in citizen.get(path).text
    assert citizen.post(f"{path}/payment", data={"amount_won": "53000"}).status_code == 303
    assert 'id="fee-receipt-number">SIM-20260302-' in citizen.get(path).text
    assert citizen.post(f"{path}/submit").status_code == 303
    assert 'data-status="submitted"' in citizen.get(path).text

    queue = clerk.get("/office/passports")
    assert queue.status_code == 200
    assert "박*민" in queue.text
    assert "박지민" not in queue.text  # the applicant's name is masked in the queue
    page = clerk.get(office_path(path))
    assert 'id="approve-form"' in page.text
    assert 'id="applicant-photo"' in page.text
    photo = clerk.get(f"{office_path(path)}/photo")
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["x-content-type-options"] == "nosniff"
    assert photo.content.startswith(b"\xff\xd8\xff")

    approved = clerk.post(f"{office_path(path)}/decision", data={"decision": "approve"})
    assert approved.status_code == 303, approved.text
    assert 'id="issue-form"' in clerk.get(office_path(path)).text
    assert clerk.post(f"{office_path(path)}/issuance").status_code == 303

    final = citizen.get(path)
    number = NUMBER.search(final.text)
    assert number, final.text
    assert 'id="passport-expiry">2036-03-01<' in final.text
    assert final.text.count('class="history-row"') == 6  # opened … issued
    assert number.group(1) in citizen.get("/passports").text
    assert len(audited(session, "passport.application_decide")) == 1
    assert len(audited(session, "passport.issue")) == 1
    assert len(audited(session, "passport.photo_view")) == 1


def test_every_page_is_clean_under_the_content_security_policy(
    citizen: Browser, clerk: Browser
) -> None:
    path = apply(citizen)
    pages = [citizen.get("/passports"), citizen.get(path)]
    assert upload(citizen, path, jpeg()).status_code == 303
    assert citizen.post(f"{path}/payment", data={"amount_won": "53000"}).status_code == 303
    assert citizen.post(f"{path}/submit").status_code == 303
    pages += [clerk.get("/office/passports"), clerk.get(office_path(path))]
    for page in pages:
        assert page.status_code == 200
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        assert _inline_code(page.text).refused == []


def test_a_holder_of_a_valid_passport_is_offered_a_reissue(
    citizen: Browser, clerk: Browser
) -> None:
    number = issued(citizen, clerk)
    home = citizen.get("/passports")
    assert 'name="kind" value="reissue"' in home.text
    assert number in home.text
    path = apply(citizen, kind="reissue")
    assert f"replaces {number}" in citizen.get(path).text


@pytest.mark.parametrize(
    ("data", "code_text"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 100, "could not be read as an image"),
        (jpeg(100, 129), "at least 413×531 are needed"),
    ],
    ids=["png-renamed-jpg-with-garbage", "tiny"],
)
def test_a_bad_photo_shows_the_error_summary_and_stores_nothing(
    citizen: Browser, session: Session, data: bytes, code_text: str
) -> None:
    path = apply(citizen)
    before = counts(session)
    refused = upload(citizen, path, data)
    assert refused.status_code == 422
    assert "data-error-summary" in refused.text
    assert 'href="#photo"' in refused.text
    assert code_text in refused.text  # the service's own message
    assert counts(session) == before


def test_submitting_without_photo_or_fee_is_refused_on_the_page(
    citizen: Browser, session: Session
) -> None:
    path = apply(citizen)
    before = counts(session)
    refused = citizen.post(f"{path}/submit")
    assert refused.status_code == 409
    assert 'href="#submit-application"' in refused.text
    wrong = citizen.post(f"{path}/payment", data={"amount_won": "1"})
    assert wrong.status_code == 422
    assert 'href="#pay-fee"' in wrong.text
    assert counts(session) == before


def test_another_citizen_is_told_the_application_and_passport_are_unknown(
    citizen: Browser, clerk: Browser, resident: CitizenOf, session: Session
) -> None:
    number = issued(citizen, clerk)
    path = apply(citizen, kind="reissue")
    other = resident("이서준", dt.date(1988, 8, 8), "M")
    before = counts(session)
    assert other.get(path).status_code == 404
    assert upload(other, path, jpeg()).status_code == 404
    assert other.post(f"{path}/submit").status_code == 404
    assert other.get(f"/passports/{number}/loss").status_code == 404
    assert other.post(f"/passports/{number}/loss", data={"step": "confirm"}).status_code == 404
    assert counts(session) == before


def test_office_pages_are_for_passport_officials(citizen: Browser, officer: OfficialOf) -> None:
    path = submitted(citizen)
    assert citizen.get("/office/passports").status_code == 403
    assert citizen.get(office_path(path)).status_code == 403
    assert citizen.get(f"{office_path(path)}/photo").status_code == 403
    land = officer("land", "land.park")
    assert land.get("/office/passports").status_code == 403
    viewer = officer("passports", "passports.lee", roles=("viewer",))
    page = viewer.get(office_path(path))
    assert page.status_code == 200
    assert 'id="applicant-photo"' in page.text
    assert 'id="approve-form"' not in page.text
    assert 'id="reject-form"' not in page.text


def test_a_viewer_cannot_decide(citizen: Browser, officer: OfficialOf, session: Session) -> None:
    path = submitted(citizen)
    viewer = officer("passports", "passports.lee", roles=("viewer",))
    before = counts(session)
    refused = viewer.post(f"{office_path(path)}/decision", data={"decision": "approve"})
    assert refused.status_code == 403
    assert viewer.post(f"{office_path(path)}/issuance").status_code == 403
    assert counts(session) == before


def test_a_rejection_without_a_reason_shows_the_error_summary(
    citizen: Browser, clerk: Browser, session: Session
) -> None:
    path = submitted(citizen)
    before = counts(session)
    refused = clerk.post(
        f"{office_path(path)}/decision", data={"decision": "reject", "reason": " "}
    )
    assert refused.status_code == 422
    assert "data-error-summary" in refused.text
    assert 'href="#reject-reason"' in refused.text
    assert counts(session) == before
    assert audited(session, "passport.application_decide") == []

    rejected = clerk.post(
        f"{office_path(path)}/decision",
        data={"decision": "reject", "reason": "The photo does not show the face."},
    )
    assert rejected.status_code == 303
    shown = citizen.get(path)
    assert 'data-status="rejected"' in shown.text
    assert "The photo does not show the face." in shown.text


def test_the_holder_reports_a_passport_lost_after_confirming(
    citizen: Browser, clerk: Browser, session: Session
) -> None:
    number = issued(citizen, clerk)
    loss = f"/passports/{number}/loss"
    form_page = citizen.get(loss)
    assert 'id="loss-form"' in form_page.text
    assert _inline_code(form_page.text).refused == []

    future = citizen.post(loss, data={"step": "confirm", "lost_on": "2026-03-09"})
    assert future.status_code == 422
    assert 'href="#lost-on"' in future.text
    badly = citizen.post(loss, data={"step": "review", "lost_on": "yesterday"})
    assert badly.status_code == 422
    assert 'href="#lost-on"' in badly.text

    form = {"lost_on": "2026-03-02", "place": "인천국제공항", "circumstances": "가방 분실"}
    before = counts(session)
    review = citizen.post(loss, data={"step": "review", **form})
    assert review.status_code == 200
    assert 'id="loss-warning"' in review.text
    assert "This passport will no longer be valid." in review.text
    assert counts(session) == before  # nothing is reported before the confirmation

    confirmed = citizen.post(loss, data={"step": "confirm", **form})
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == "/passports?done=lost#notice"
    home = citizen.get("/passports")
    assert 'data-status="lost"' in home.text
    assert 'id="notice"' in citizen.get("/passports?done=lost").text
    again = citizen.post(loss, data={"step": "confirm", **form})
    assert again.status_code == 409
    assert "data-error-summary" in again.text


def test_a_minor_names_one_of_his_parents_who_consents(
    resident: CitizenOf, clerk: Browser, session: Session, cipher: PiiCipher
) -> None:
    minor = resident("김하늘", dt.date(2014, 1, 10), "F")
    mother = make_person(session, cipher, name_ko="김영희", birth=dt.date(1984, 2, 2), sex="F")
    session.add(
        Parentage(
            child_id=minor.info["person_id"],
            parent_id=mother.id,
            parent_role="mother",
            kind="birth",
            established_on=dt.date(2014, 1, 10),
            ended_on=None,
            end_cause=None,
        )
    )
    session.commit()
    home = minor.get("/passports")
    assert f'<option value="{mother.id}">김영희' in home.text
    assert "45,000" in home.text  # the 5-year fee of ages 8-17

    before = counts(session)
    refused = minor.post(
        "/passports/applications",
        data={"kind": "new", "pages": "58", "guardian_person_id": str(mother.id)},
    )
    assert refused.status_code == 422
    assert 'href="#guardian"' in refused.text
    assert counts(session) == before

    path = apply(minor, guardian_person_id=str(mother.id), guardian_consent="yes")
    assert "5 years" in minor.get(path).text
    assert upload(minor, path, jpeg()).status_code == 303
    assert minor.post(f"{path}/payment", data={"amount_won": "45000"}).status_code == 303
    assert minor.post(f"{path}/submit").status_code == 303
    assert 'id="guardian-name">김영희' in clerk.get(office_path(path)).text
