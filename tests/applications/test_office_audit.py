"""Officials' actions on applications through the API: each is in the identity audit trail,
in the transaction of the action; attachments are read by the agency's officials only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.identity.models import AuditEntry
from tests.applications.conftest import Browser
from tests.applications.test_applications import API, PDF, draft
from tests.support import assert_problem


def _actions(session: Session) -> list[dict[str, Any]]:
    entries = session.scalars(select(AuditEntry).where(AuditEntry.event == "official_action")).all()
    return [{"target": e.target, "actor": e.actor, **e.data} for e in entries]


def _submitted_reissue(citizen: Browser) -> int:
    body = draft(citizen, "vehicle-certificate-reissue")
    application = f"{API}/mine/{body['id']}"
    fields = {"phone": "010-1234-5678", "plate": "12가3456", "reason": "damaged"}
    citizen.patch(application, json={"fields": fields})
    attached = citizen.post(
        f"{application}/attachments",
        params={"kind": "signed_statement", "filename": "statement.pdf"},
        content=PDF,
    )
    assert attached.status_code == 201, attached.text
    citizen.post(f"{application}/payment")
    submitted = citizen.post(f"{application}/submit")
    assert submitted.status_code == 200, submitted.text
    application_id: int = body["id"]
    return application_id


def test_decisions_messages_and_downloads_are_audited(
    citizen: Browser, official_of: Callable[..., Browser], session: Session
) -> None:
    application_id = _submitted_reissue(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    base = f"{API}/office/vehicles/applications/{application_id}"
    attachment_id = clerk.get(base).json()["attachments"][0]["id"]

    downloaded = clerk.get(f"{base}/attachments/{attachment_id}")
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert downloaded.headers["content-type"] == "application/pdf"
    assert_problem(
        clerk.get(f"{base}/attachments/{attachment_id + 999}"), 404, "attachment_unknown"
    )

    assert clerk.post(f"{base}/messages", json={"body": "확인 중입니다"}).status_code == 201
    sent_back = clerk.post(
        f"{base}/decision", json={"decision": "send_back", "reason": "서명이 없습니다"}
    )
    assert sent_back.status_code == 200, sent_back.text

    target = f"application:{application_id}"
    mine = [a for a in _actions(session) if a["target"] == target]
    assert [a["action"] for a in mine] == [
        "application.attachment-read",
        "application.message",
        "application.send_back",
    ]
    assert all(a["actor"].startswith("official:") for a in mine)
    assert mine[2]["from_status"] == "submitted" and mine[2]["to_status"] == "sent_back"


def test_another_agency_cannot_read_the_attachments(
    citizen: Browser, official_of: Callable[..., Browser], session: Session
) -> None:
    application_id = _submitted_reissue(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    base = f"{API}/office/vehicles/applications/{application_id}"
    attachment_id = clerk.get(base).json()["attachments"][0]["id"]
    land = official_of("land", "land.kim")
    assert_problem(land.get(f"{base}/attachments/{attachment_id}"), 403, "permission_missing")
    assert_problem(
        land.get(f"{API}/office/land/applications/{application_id}/attachments/{attachment_id}"),
        404,
        "application_unknown",
    )
    assert_problem(citizen.get(f"{base}/attachments/{attachment_id}"), 403, "permission_missing")
    assert not [a for a in _actions(session) if a["action"] == "application.attachment-read"]
