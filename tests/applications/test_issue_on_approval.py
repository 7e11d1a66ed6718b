"""A review service that issues a certificate when an official approves: the issuance is part
of the decision's transaction, is the applicant's, and a refused issuance undoes the decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.applications.catalogue import CATALOGUE, catalogue_problems
from nara.applications.models import Application, InboxItem
from nara.core.clock import FixedClock
from nara.documents.models import Issuance
from nara.identity.models import AuditEntry
from tests.applications.conftest import Browser
from tests.applications.test_applications import API, submitted_vehicle_change
from tests.support import assert_problem, count_rows, grant, revoke

SERVICE = "vehicle-address-change"


@pytest.fixture
def issuing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The vehicle address change issues an abstract of resident registration on approval
    (a kind the documents package offers today)."""
    issues = replace(CATALOGUE[SERVICE], issue_on_approval="resident-abstract")
    assert catalogue_problems((issues,)) == []
    monkeypatch.setitem(CATALOGUE, SERVICE, issues)


def _approve(clerk: Browser, application_id: int) -> Any:
    return clerk.post(
        f"{API}/office/vehicles/applications/{application_id}/decision",
        json={"decision": "approve"},
    )


@pytest.mark.usefixtures("issuing")
def test_approval_issues_the_certificate_to_the_applicant(
    citizen: Browser,
    official_of: Callable[..., Browser],
    session: Session,
    clock: FixedClock,
) -> None:
    grant(session, clock, "gov24", "residents/address-history")
    session.commit()
    body = submitted_vehicle_change(citizen)
    assert body["document_number"] is None
    clerk = official_of("vehicles", "vehicles.lee")
    decided = _approve(clerk, body["id"])
    assert decided.status_code == 200, decided.text
    result = decided.json()
    assert result["status"] == "approved"
    number = result["document_number"]
    assert number
    issuance = session.scalars(select(Issuance)).one()
    assert issuance.number == number.replace("-", "")
    assert issuance.kind == "resident-abstract"
    application = session.get(Application, body["id"])
    assert application is not None
    assert issuance.requester == f"citizen:{application.applicant_account_id}"
    assert issuance.subject_person_id == citizen.info["person_id"]
    notices = session.scalars(
        select(InboxItem.body).where(InboxItem.application_id == body["id"])
    ).all()
    assert any("certificate is ready" in text and number in text for text in notices)
    decisions = session.scalars(
        select(AuditEntry).where(AuditEntry.event == "official_action")
    ).all()
    assert any(
        entry.data.get("action") == "application.approve"
        and entry.target == f"application:{body['id']}"
        and entry.data.get("document_number") == number
        for entry in decisions
    )


@pytest.mark.usefixtures("issuing")
def test_a_refused_issuance_fails_the_decision_and_writes_nothing(
    citizen: Browser,
    official_of: Callable[..., Browser],
    session: Session,
    clock: FixedClock,
) -> None:
    revoke(session, clock, "gov24", "residents/address-history")
    session.commit()
    body = submitted_vehicle_change(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    before = {
        table: count_rows(session, table)
        for table in (
            "applications_status",
            "applications_inbox",
            "applications_change",
            "documents_issuance",
        )
    }
    refused = _approve(clerk, body["id"])
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "access_denied"
    session.expire_all()
    application = session.get(Application, body["id"])
    assert application is not None
    assert application.status == "submitted"
    assert application.document_number is None and application.decided_by is None
    after = {table: count_rows(session, table) for table in before}
    assert after == before
    # Once the right is granted again, the same approval goes through.
    grant(session, clock, "gov24", "residents/address-history")
    session.commit()
    assert _approve(clerk, body["id"]).json()["status"] == "approved"


def test_a_kind_not_offered_yet_means_approval_only_approves(
    citizen: Browser, official_of: Callable[..., Browser], session: Session
) -> None:
    pending = replace(CATALOGUE[SERVICE], issue_on_approval="not-issued-online-yet")
    assert not pending.approval_issuance_available
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(CATALOGUE, SERVICE, pending)
        body = submitted_vehicle_change(citizen)
        clerk = official_of("vehicles", "vehicles.lee")
        decided = _approve(clerk, body["id"]).json()
    assert decided["status"] == "approved" and decided["document_number"] is None
    assert count_rows(session, "documents_issuance") == 0


@pytest.mark.usefixtures("issuing")
def test_rejection_issues_nothing_and_needs_a_reason(
    citizen: Browser, official_of: Callable[..., Browser], session: Session
) -> None:
    body = submitted_vehicle_change(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    path = f"{API}/office/vehicles/applications/{body['id']}/decision"
    assert_problem(clerk.post(path, json={"decision": "reject"}), 422, "reason_required")
    rejected = clerk.post(path, json={"decision": "reject", "reason": "no such vehicle"})
    assert rejected.json()["status"] == "rejected"
    assert count_rows(session, "documents_issuance") == 0


def test_the_reissue_of_a_registration_card_issues_the_vehicle_register() -> None:
    reissue = CATALOGUE["vehicle-certificate-reissue"]
    assert reissue.outcome == "review"
    assert reissue.issue_on_approval == "vehicle-register"
    assert reissue.subject_field == "plate"
    assert catalogue_problems() == []
    broken = replace(reissue, subject_field="nope", outcome="auto_issue")
    assert len(catalogue_problems((broken,))) == 3
