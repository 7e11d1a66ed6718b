"""Applications through the API: drafts, prefill, validation, submission, decisions,
messages and notifications, on both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.applications.catalogue import CATALOGUE
from nara.applications.models import ApplicationsChange
from nara.applications.notify import RecordingGateway, notify
from nara.core.outbox import OutboxEvent
from nara.exchange.pubsub import Event
from tests.applications.conftest import Browser
from tests.support import assert_problem, count_rows, revoke

API = "/api/applications"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def draft(citizen: Browser, code: str) -> dict[str, Any]:
    response = citizen.post(f"{API}/drafts", json={"service_code": code})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def submitted_vehicle_change(citizen: Browser) -> dict[str, Any]:
    body = draft(citizen, "vehicle-address-change")
    update = {"phone": "010-1234-5678", "plate": "12가3456", "new_address": "세종로 1"}
    update["postcode"] = "03154"
    response = citizen.patch(f"{API}/mine/{body['id']}", json={"fields": update})
    assert response.status_code == 200, response.text
    response = citizen.post(f"{API}/mine/{body['id']}/submit")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_the_catalogue_is_public_and_searchable(client: Any, app: Any) -> None:
    found = client.get(f"{API}/catalogue", params={"q": "자동차 주소"})
    assert found.status_code == 200
    assert found.json()["items"][0]["code"] == "vehicle-address-change"
    one = client.get(f"{API}/catalogue/family-relation-certificate").json()
    assert one["issuance_available"] is True and one["issuance_note"] is None
    assert one["steps"][0]["fields"][0]["name"] == "name_ko"
    assert_problem(client.get(f"{API}/catalogue/nope"), 404, "service_code_unknown")


def test_a_draft_is_prefilled_through_the_exchange_and_validated(
    citizen: Browser, session: Session
) -> None:
    body = draft(citizen, "vehicle-address-change")
    assert body["status"] == "draft"
    assert body["fields"] == {"name_ko": "박지민", "birth_date": "1990-04-05"}
    assert body["prefilled"] == {
        "name_ko": "residents/person-summaries",
        "birth_date": "residents/person-summaries",
    }
    application = f"{API}/mine/{body['id']}"
    assert_problem(
        citizen.patch(application, json={"fields": {"name_ko": "김철수"}}), 422, "field_prefilled"
    )
    assert_problem(citizen.patch(application, json={"fields": {"x": "1"}}), 422, "field_unknown")
    citizen.patch(application, json={"fields": {"phone": "12345", "plate": "bad"}})
    problem = assert_problem(
        citizen.post(f"{application}/steps/applicant/validate"), 422, "field_invalid"
    )
    assert set(problem["fields"]) == {"phone"}
    assert problem["fields"]["phone"]["ko"]
    problem = assert_problem(
        citizen.post(f"{application}/steps/vehicle/validate"), 422, "field_invalid"
    )
    assert set(problem["fields"]) == {"plate", "new_address", "postcode"}
    assert_problem(citizen.post(f"{application}/submit"), 422, "field_invalid")
    citizen.patch(application, json={"fields": {"phone": "010-9876-5432"}})
    assert citizen.post(f"{application}/steps/applicant/validate").json() == {
        "step": "applicant",
        "valid": True,
    }
    assert_problem(citizen.post(f"{application}/steps/nope/validate"), 422, "step_unknown")


def test_without_a_right_the_form_is_not_prefilled(
    citizen: Browser, session: Session, clock: Any
) -> None:
    revoke(session, clock, "gov24", "residents/person-summaries")
    session.commit()
    body = draft(citizen, "land-owner-address-change")
    assert body["fields"] == {} and body["prefilled"] == {}
    assert "access_denied" in body["prefill_notes"][0]["en"]


def test_submission_keeps_a_summary_and_an_official_approves(
    citizen: Browser, official_of: Callable[..., Browser], session: Session
) -> None:
    body = submitted_vehicle_change(citizen)
    assert body["status"] == "submitted"
    assert body["summary"]["steps"][1]["fields"][0]["value"] == "12가3456"
    clerk = official_of("vehicles", "vehicles.lee")
    queue = clerk.get(f"{API}/office/vehicles/queue").json()
    assert [item["id"] for item in queue["items"]] == [body["id"]]
    decided = clerk.post(
        f"{API}/office/vehicles/applications/{body['id']}/decision", json={"decision": "approve"}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert_problem(
        clerk.post(
            f"{API}/office/vehicles/applications/{body['id']}/decision",
            json={"decision": "reject", "reason": "late"},
        ),
        409,
        "transition_invalid",
    )
    history = citizen.get(f"{API}/mine/{body['id']}/history").json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    actions = session.scalars(
        select(ApplicationsChange.action).where(ApplicationsChange.entity_id == body["id"])
    ).all()
    assert actions.count("status_changed") == 2


def test_reject_and_send_back_need_a_reason_and_a_sent_back_application_returns(
    citizen: Browser, official_of: Callable[..., Browser]
) -> None:
    body = submitted_vehicle_change(citizen)
    clerk = official_of("vehicles", "vehicles.park")
    decision = f"{API}/office/vehicles/applications/{body['id']}/decision"
    assert_problem(clerk.post(decision, json={"decision": "send_back"}), 422, "reason_required")
    assert_problem(
        clerk.post(decision, json={"decision": "reject", "reason": "  "}), 422, "reason_required"
    )
    sent = clerk.post(decision, json={"decision": "send_back", "reason": "번호판 확인 필요"})
    assert sent.json()["status"] == "sent_back"
    assert sent.json()["decision_reason"] == "번호판 확인 필요"
    application = f"{API}/mine/{body['id']}"
    assert citizen.patch(application, json={"fields": {"plate": "34나5678"}}).status_code == 200
    assert citizen.post(f"{application}/submit").json()["status"] == "submitted"
    rejected = clerk.post(decision, json={"decision": "reject", "reason": "소유자가 아님"})
    assert rejected.json()["status"] == "rejected"
    assert_problem(
        citizen.patch(application, json={"fields": {"plate": "34나5679"}}),
        409,
        "application_not_editable",
    )
    assert_problem(citizen.post(f"{application}/submit"), 409, "transition_invalid")


def test_officials_see_only_their_agency_and_citizens_only_their_own(
    citizen: Browser,
    citizen_of: Callable[..., Browser],
    official_of: Callable[..., Browser],
    session: Session,
) -> None:
    body = submitted_vehicle_change(citizen)
    land = official_of("land", "land.kim")
    forbidden = land.get(f"{API}/office/vehicles/queue")
    assert_problem(forbidden, 403, "permission_missing")
    assert_problem(
        land.get(f"{API}/office/land/applications/{body['id']}"), 404, "application_unknown"
    )
    before = count_rows(session, "applications_status")
    assert_problem(
        land.post(
            f"{API}/office/land/applications/{body['id']}/decision",
            json={"decision": "approve"},
        ),
        404,
        "application_unknown",
    )
    assert count_rows(session, "applications_status") == before
    viewer = official_of("vehicles", "vehicles.choi", roles=("viewer",))
    assert viewer.get(f"{API}/office/vehicles/queue").json()["total"] == 1
    assert_problem(
        viewer.post(
            f"{API}/office/vehicles/applications/{body['id']}/decision",
            json={"decision": "approve"},
        ),
        403,
        "permission_missing",
    )
    other = citizen_of("이서준", dt.date(1985, 1, 2), "M")
    assert_problem(other.get(f"{API}/mine/{body['id']}"), 404, "application_unknown")
    assert_problem(other.get(f"{API}/mine/{body['id']}/messages"), 404, "application_unknown")
    assert other.get(f"{API}/mine").json()["total"] == 0
    assert citizen.get(f"{API}/mine").json()["total"] == 1


def test_messages_and_the_inbox_and_the_gateways(
    citizen: Browser,
    official_of: Callable[..., Browser],
    session: Session,
    gateway: RecordingGateway,
) -> None:
    body = submitted_vehicle_change(citizen)
    inbox = citizen.get(f"{API}/inbox").json()
    assert inbox["unread"] == 1 and inbox["items"][0]["kind"] == "status"
    assert "접수" in inbox["items"][0]["subject"]
    asked = citizen.post(f"{API}/mine/{body['id']}/messages", json={"body": "언제 처리되나요?"})
    assert asked.status_code == 201, asked.text
    clerk = official_of("vehicles", "vehicles.jung")
    thread = f"{API}/office/vehicles/applications/{body['id']}/messages"
    assert [m["body"] for m in clerk.get(thread).json()] == ["언제 처리되나요?"]
    answered = clerk.post(thread, json={"body": "내일 처리합니다."})
    assert answered.status_code == 201
    assert [m["author_kind"] for m in citizen.get(f"{API}/mine/{body['id']}/messages").json()] == [
        "citizen",
        "official",
    ]
    clerk.post(
        f"{API}/office/vehicles/applications/{body['id']}/decision", json={"decision": "approve"}
    )
    inbox = citizen.get(f"{API}/inbox").json()
    assert [item["kind"] for item in inbox["items"]] == ["status", "message", "status"]
    assert inbox["unread"] == 3
    read = citizen.post(f"{API}/inbox/{inbox['items'][0]['id']}/read")
    assert read.json()["read"] is True
    assert citizen.get(f"{API}/inbox", params={"unread": True}).json()["total"] == 2
    # The worker's consumer sends each notice once through the gateways.
    events = session.scalars(
        select(OutboxEvent).where(OutboxEvent.event_type.like("application.%"))
    ).all()
    for row in events:
        notify(session, Event.of(row))
        notify(session, Event.of(row))
    assert len(gateway.sent) == 3
    account = _account(session, body["id"])
    assert {recipient for recipient, _, _ in gateway.sent} == {f"citizen:{account}"}
    assert [subject for _, subject, _ in gateway.sent][-1].endswith("승인 (approved)")


def _account(session: Session, application_id: int) -> int:
    from nara.applications.models import Application

    application = session.get(Application, application_id)
    assert application is not None
    return application.applicant_account_id


def test_attachments_are_checked_by_content_and_the_fee_is_simulated(
    citizen: Browser, session: Session
) -> None:
    body = draft(citizen, "vehicle-certificate-reissue")
    application = f"{API}/mine/{body['id']}"
    citizen.patch(
        application,
        json={"fields": {"phone": "01012345678", "plate": "12가3456", "reason": "lost"}},
    )
    assert_problem(citizen.post(f"{application}/submit"), 422, "attachment_missing")
    upload = f"{application}/attachments"
    fake = citizen.post(upload, params={"kind": "signed_statement"}, content=b"MZ\x90\x00 not pdf")
    assert_problem(fake, 422, "attachment_type_invalid")
    assert_problem(citizen.post(upload, params={"kind": "photo"}, content=PNG), 422,
                   "attachment_kind_unexpected")  # fmt: skip
    assert_problem(
        citizen.post(upload, params={"kind": "signed_statement"}, content=b""), 422,
        "attachment_empty",
    )  # fmt: skip
    big = b"%PDF-" + b"0" * (2 * 1024 * 1024)
    assert_problem(
        citizen.post(upload, params={"kind": "signed_statement"}, content=big), 422,
        "attachment_too_large",
    )  # fmt: skip
    attached = citizen.post(
        upload, params={"kind": "signed_statement", "filename": "statement.pdf"}, content=PDF
    )
    assert attached.status_code == 201, attached.text
    assert attached.json()["media_type"] == "application/pdf"
    assert_problem(citizen.post(f"{application}/submit"), 422, "payment_required")
    paid = citizen.post(f"{application}/payment")
    assert paid.status_code == 201
    assert paid.json()["method"] == "simulated" and paid.json()["simulated"] is True
    assert paid.json()["amount_won"] == 1000 and paid.json()["receipt_number"].startswith("SIM-")
    assert_problem(citizen.post(f"{application}/payment"), 409, "payment_not_needed")
    summary = citizen.get(f"{application}/summary").json()["summary"]
    assert summary["receipt_number"] == paid.json()["receipt_number"]
    submitted = citizen.post(f"{application}/submit").json()
    assert submitted["status"] == "submitted" and submitted["agency"] == "vehicles"


def test_a_pending_certificate_kind_goes_to_an_official(
    citizen: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = replace(CATALOGUE["resident-abstract"], auto_issue="not-issued-online-yet")
    monkeypatch.setitem(CATALOGUE, "resident-abstract", pending)
    body = draft(citizen, "resident-abstract")
    citizen.patch(f"{API}/mine/{body['id']}", json={"fields": {"use": "personal"}})
    submitted = citizen.post(f"{API}/mine/{body['id']}/submit").json()
    assert submitted["status"] == "submitted"
    assert submitted["document_number"] is None
    assert "not available yet" in submitted["note"]["en"]


def test_a_family_relation_certificate_is_issued_at_once(
    citizen: Browser, session: Session, clock: Any
) -> None:
    from tests.support import grant

    grant(session, clock, "gov24", "family/relations")
    session.commit()
    body = draft(citizen, "family-relation-certificate")
    citizen.patch(f"{API}/mine/{body['id']}", json={"fields": {"use": "submission"}})
    submitted = citizen.post(f"{API}/mine/{body['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    result = submitted.json()
    assert result["status"] == "completed"
    assert result["document_number"] and result["possession_key"]
    history = citizen.get(f"{API}/mine/{body['id']}/history").json()
    assert [h["to_status"] for h in history] == ["draft", "submitted", "completed"]
    assert count_rows(session, "documents_issuance") == 1
    verified = citizen.client.post(
        "/api/documents/verify",
        json={"number": result["document_number"], "possession_key": result["possession_key"]},
    )
    assert verified.status_code == 200, verified.text
