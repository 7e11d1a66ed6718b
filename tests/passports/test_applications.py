"""Applying for a passport: eligibility, validity by age, fee, photo, payment, review."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import NotFound
from nara.passports import service
from tests.passports.conftest import ADULT, INFANT, TEEN, Api, jpeg
from tests.support import assert_problem

Person = Callable[..., int]
Make = Callable[..., dict[str, Any]]
Unchanged = Callable[[], Callable[[], None]]
ParentOf = Callable[[int, int], None]


def test_a_new_passport_goes_from_draft_to_issued(
    api: Api, person: Person, session: Session
) -> None:
    applicant = person(ADULT)

    draft = api("post", "applications", json={"person_id": applicant, "kind": "new"}, status=201)
    assert draft["status"] == "draft"
    assert (draft["validity_years"], draft["pages"], draft["fee_won"]) == (10, 58, 53_000)
    path = f"applications/{draft['id']}"

    with_photo = api("put", f"{path}/photo", files={"photo": ("me.jpg", jpeg(), "image/jpeg")})
    assert with_photo["photo"]["media_type"] == "image/jpeg"
    assert (with_photo["photo"]["width"], with_photo["photo"]["height"]) == (413, 531)
    paid = api("post", f"{path}/payment", json={"amount_won": 53_000})
    assert paid["payment"]["simulated"] is True
    assert paid["payment"]["receipt_number"].startswith("SIM-20260302-")
    assert api("post", f"{path}/submit")["status"] == "submitted"
    assert api("post", f"{path}/decision", json={"outcome": "approve"})["status"] == "approved"
    passport = api("post", f"{path}/issuance", status=201)

    assert re.fullmatch(r"M\d{3}[A-Z]\d{4}", passport["number"])
    assert passport["issued_on"] == "2026-03-02"
    assert passport["expires_on"] == "2036-03-01"
    assert passport["status"] == "valid"
    final = api("get", path)
    assert api("get", f"persons/{applicant}/applications") == [final]
    assert final["status"] == "issued"
    assert final["passport_number"] == passport["number"]
    assert [step["action"] for step in final["history"]] == [
        "created",
        "photo_attached",
        "fee_paid",
        "submitted",
        "approved",
        "issued",
    ]
    assert [step["status"] for step in final["history"]][-3:] == ["submitted", "approved", "issued"]
    assert all(step["at"] for step in final["history"])
    events = session.execute(
        text("SELECT event_type FROM core_outbox WHERE event_type LIKE 'passport.%' ORDER BY id")
    ).scalars()
    assert list(events) == [
        "passport.application_created",
        "passport.photo_attached",
        "passport.fee_paid",
        "passport.application_submitted",
        "passport.application_decided",
        "passport.issued",
    ]
    payloads = session.execute(text("SELECT payload FROM core_outbox")).scalars()
    assert passport["number"] not in str(list(payloads)), "a passport number is an identifier"


@pytest.mark.parametrize(
    ("born", "pages", "fee"),
    [(ADULT, 26, 50_000), (TEEN, 58, 45_000), (TEEN, 26, 42_000), (INFANT, 58, 33_000),
     (INFANT, 26, 30_000)],
)  # fmt: skip
def test_the_fee_follows_validity_age_and_pages(
    *, draft: Make, person: Person, parent_of: ParentOf, born: str, pages: int, fee: int
) -> None:
    applicant = person(born)
    extra: dict[str, Any] = {}
    if born != ADULT:
        mother = person("1985-01-01", sex="F")
        parent_of(applicant, mother)
        extra = {"guardian_person_id": mother, "guardian_consent": True}

    application = draft(person_id=applicant, pages=pages, **extra)

    assert application["fee_won"] == fee
    assert application["validity_years"] == (10 if born == ADULT else 5)


def test_a_minor_applies_with_a_parent_s_consent_for_five_years(
    draft: Make, person: Person, parent_of: ParentOf
) -> None:
    child, mother = person(TEEN), person("1985-01-01", sex="F")
    parent_of(child, mother)

    application = draft(person_id=child, guardian_person_id=mother, guardian_consent=True)

    assert application["validity_years"] == 5
    assert application["guardian_person_id"] == mother


def _refused(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post("/api/passports/applications", json=body, headers=headers)


def test_an_unknown_or_dead_applicant_is_refused(
    client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    dead = person(ADULT, status="deceased")
    check = unchanged()

    unknown = _refused(client, headers, {"person_id": 987_654_321, "kind": "new"})
    assert_problem(unknown, 422, "applicant_unknown")
    assert_problem(
        _refused(client, headers, {"person_id": dead, "kind": "new"}), 409, "applicant_not_alive"
    )
    check()


def test_a_restricted_person_is_refused_without_being_told_why(
    api: Api, client: TestClient, headers: dict[str, str], person: Person, unchanged: Unchanged
) -> None:
    applicant = person(ADULT)
    restriction = {
        "person_id": applicant,
        "kind": "travel_ban",
        "authority": "서울중앙지방검찰청",
        "from_on": "2026-01-01",
        "reason": "사기 사건 수사 중",
    }
    api("post", "restrictions", json=restriction, status=201)
    check = unchanged()

    response = _refused(client, headers, {"person_id": applicant, "kind": "new"})

    body = assert_problem(response, 409, "passport_restricted")
    assert "서울중앙지방검찰청" in body["detail"]
    assert "사기" not in response.text
    assert "travel_ban" not in response.text
    assert "2026-01-01" not in response.text
    check()


def test_a_restriction_that_has_ended_no_longer_refuses(
    api: Api, draft: Make, person: Person
) -> None:
    applicant = person(ADULT)
    ended = {
        "person_id": applicant,
        "kind": "passport_restriction",
        "authority": "법무부",
        "from_on": "2020-01-01",
        "until_on": "2025-12-31",
        "reason": "형 집행 종료",
    }
    api("post", "restrictions", json=ended, status=201)

    assert draft(person_id=applicant)["status"] == "draft"


@pytest.mark.parametrize(
    ("guardian", "consent", "code"),
    [
        (None, False, "guardian_consent_required"),
        ("mother", False, "guardian_consent_required"),
        ("stranger", True, "guardian_not_parent"),
        ("dead_father", True, "guardian_not_alive"),
    ],
)
def test_a_minor_needs_a_living_parent_s_consent(
    *,
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    parent_of: ParentOf,
    unchanged: Unchanged,
    guardian: str | None,
    consent: bool,
    code: str,
) -> None:
    child = person(TEEN)
    adults = {
        "mother": person("1985-01-01", sex="F"),
        "stranger": person("1980-01-01"),
        "dead_father": person("1980-01-01", status="deceased"),
    }
    parent_of(child, adults["mother"])
    parent_of(child, adults["dead_father"])
    body: dict[str, Any] = {"person_id": child, "kind": "new", "guardian_consent": consent}
    if guardian is not None:
        body["guardian_person_id"] = adults[guardian]
    check = unchanged()

    assert_problem(_refused(client, headers, body), 422, code)
    check()


def test_a_minor_cannot_have_a_ten_year_passport_nor_an_adult_a_five_year_one(
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    parent_of: ParentOf,
    unchanged: Unchanged,
) -> None:
    child, mother, adult = person(TEEN), person("1985-01-01", sex="F"), person(ADULT)
    parent_of(child, mother)
    minor_body = {
        "person_id": child,
        "kind": "new",
        "validity_years": 10,
        "guardian_person_id": mother,
        "guardian_consent": True,
    }
    check = unchanged()

    assert_problem(_refused(client, headers, minor_body), 422, "validity_not_allowed")
    adult_body = {"person_id": adult, "kind": "new", "validity_years": 5}
    assert_problem(_refused(client, headers, adult_body), 422, "validity_not_allowed")
    guarded_adult = {"person_id": adult, "kind": "new", "guardian_person_id": mother}
    assert_problem(_refused(client, headers, guarded_adult), 422, "guardian_not_needed")
    check()


def test_a_holder_of_a_valid_passport_reissues_rather_than_applying_anew(
    client: TestClient,
    headers: dict[str, str],
    issued: Make,
    person: Person,
    unchanged: Unchanged,
) -> None:
    passport = issued()
    without = person(ADULT)
    check = unchanged()

    held = _refused(client, headers, {"person_id": passport["person_id"], "kind": "new"})
    assert_problem(held, 409, "passport_held")
    none = _refused(client, headers, {"person_id": without, "kind": "reissue"})
    assert_problem(none, 409, "no_valid_passport")
    check()


def test_one_application_at_a_time(
    client: TestClient, headers: dict[str, str], draft: Make, unchanged: Unchanged
) -> None:
    first = draft()
    check = unchanged()

    again = _refused(client, headers, {"person_id": first["person_id"], "kind": "new"})

    body = assert_problem(again, 409, "application_open")
    assert body["application_id"] == first["id"]
    check()


def test_an_application_is_submitted_only_with_its_photo_and_paid_fee(
    api: Api, client: TestClient, headers: dict[str, str], draft: Make, unchanged: Unchanged
) -> None:
    application = draft()
    path = f"/api/passports/applications/{application['id']}"
    check = unchanged()

    assert_problem(client.post(f"{path}/submit", headers=headers), 409, "photo_missing")
    check()
    api("put", f"applications/{application['id']}/photo", files={"photo": ("p.jpg", jpeg())})
    check = unchanged()
    body = assert_problem(client.post(f"{path}/submit", headers=headers), 409, "fee_unpaid")
    assert body["fee_won"] == 53_000
    check()


def test_the_payment_must_match_the_fee_and_is_made_once(
    api: Api, client: TestClient, headers: dict[str, str], draft: Make, unchanged: Unchanged
) -> None:
    application = draft()
    path = f"/api/passports/applications/{application['id']}/payment"
    check = unchanged()

    wrong = client.post(path, json={"amount_won": 50_000}, headers=headers)
    assert_problem(wrong, 422, "payment_amount")
    check()
    api("post", f"applications/{application['id']}/payment", json={"amount_won": 53_000})
    check = unchanged()
    twice = client.post(path, json={"amount_won": 53_000}, headers=headers)
    assert_problem(twice, 409, "fee_already_paid")
    check()


def test_a_rejection_states_its_reason(
    api: Api, client: TestClient, headers: dict[str, str], submitted: Make, unchanged: Unchanged
) -> None:
    application = submitted()
    path = f"applications/{application['id']}"
    check = unchanged()

    for reason in (None, "   "):
        response = client.post(
            f"/api/passports/{path}/decision",
            json={"outcome": "reject", "reason": reason},
            headers=headers,
        )
        assert_problem(response, 422, "reason_required")
    check()

    rejected = api("post", f"{path}/decision", json={"outcome": "reject", "reason": "사진 불량"})
    assert rejected["status"] == "rejected"
    assert rejected["decision_reason"] == "사진 불량"
    assert rejected["history"][-1]["action"] == "rejected"


def test_only_a_submitted_application_is_decided_and_only_an_approved_one_issued(
    client: TestClient, headers: dict[str, str], draft: Make, unchanged: Unchanged
) -> None:
    application = draft()
    path = f"/api/passports/applications/{application['id']}"
    check = unchanged()

    decision = client.post(f"{path}/decision", json={"outcome": "approve"}, headers=headers)
    assert_problem(decision, 409, "application_not_submitted")
    assert_problem(
        client.post(f"{path}/issuance", headers=headers), 409, "application_not_approved"
    )
    check()


def test_a_draft_that_is_submitted_can_no_longer_change(
    client: TestClient, headers: dict[str, str], submitted: Make, unchanged: Unchanged
) -> None:
    application = submitted()
    path = f"/api/passports/applications/{application['id']}"
    check = unchanged()

    photo = client.put(f"{path}/photo", files={"photo": ("p.jpg", jpeg())}, headers=headers)
    assert_problem(photo, 409, "application_not_draft")
    check()


def test_approval_checks_restrictions_recorded_after_submission(
    api: Api, client: TestClient, headers: dict[str, str], submitted: Make, unchanged: Unchanged
) -> None:
    application = submitted()
    restriction = {
        "person_id": application["person_id"],
        "kind": "passport_restriction",
        "authority": "법무부",
        "from_on": "2026-03-01",
        "reason": "형 미집행",
    }
    api("post", "restrictions", json=restriction, status=201)
    check = unchanged()

    response = client.post(
        f"/api/passports/applications/{application['id']}/decision",
        json={"outcome": "approve"},
        headers=headers,
    )

    assert_problem(response, 409, "passport_restricted")
    check()


def test_an_unknown_application_is_not_found(client: TestClient, headers: dict[str, str]) -> None:
    assert_problem(
        client.get("/api/passports/applications/99999", headers=headers), 404, "application_unknown"
    )


def test_a_citizen_sees_and_changes_only_his_own_application(
    draft: Make, person: Person, session: Session, clock: FixedClock, unchanged: Unchanged
) -> None:
    application = draft()
    owner, other = application["person_id"], person()
    check = unchanged()

    assert (
        service.get_application(session, application["id"], for_person=owner).id
        == (application["id"])
    )
    with pytest.raises(NotFound) as unknown:
        service.attach_photo(
            session=session,
            clock=clock,
            actor=f"citizen:{other}",
            application_id=application["id"],
            data=jpeg(),
            for_person=other,
        )
    assert unknown.value.code == "application_unknown"
    check()
