"""The back office pages: work queues, an application, decisions, messages and attachments,
for officials of the agency only, in Korean and English."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.applications.models import Application
from nara.core.clock import FixedClock
from nara.identity.models import AuditEntry
from nara.portal.office import mask_name
from tests.identity.conftest import code_now, make_official
from tests.portal.conftest import CSRF, csrf_of, signin
from tests.portal.test_pages import _inline_code
from tests.support import grant

__all__ = ["make_official"]

API = "/api/applications"
PDF = b"%PDF-1.7\n" + b"0" * 64
PENDING = re.compile(r'name="pending" value="([^"]+)"')


@dataclass
class Visitor:
    """A signed-in browser and the CSRF token of its session."""

    client: TestClient
    csrf: str
    person_id: int | None = None

    def api(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        response: httpx.Response = self.client.request(method, url, headers=headers, **kwargs)
        return response

    def form(self, url: str, data: dict[str, str]) -> httpx.Response:
        response: httpx.Response = self.client.post(url, data={"csrf_token": self.csrf, **data})
        return response


@pytest.fixture
def browsers(
    app: FastAPI, session: Session, clock: FixedClock
) -> Iterator[Callable[[], TestClient]]:
    grant(session, clock, "gov24", "residents/identity-check")
    grant(session, clock, "gov24", "residents/person-summaries")
    session.commit()
    opened: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def citizen(
    browsers: Callable[[], TestClient], open_account: Callable[..., tuple[int, str]]
) -> Visitor:
    """박지민, signed in to the portal."""
    person_id, rrn = open_account("박지민")
    client = browsers()
    assert signin(client, rrn).status_code == 303
    return Visitor(client, csrf_of(client), person_id)


@pytest.fixture
def official_of(
    browsers: Callable[[], TestClient],
    make_official: Callable[..., Any],
    clock: FixedClock,
) -> Callable[..., Visitor]:
    """`official_of("vehicles", "vehicles.lee", roles=("clerk",))`: signed in with two factors."""

    def make(agency: str, login: str, roles: tuple[str, ...] = ("clerk",)) -> Visitor:
        _, secret = make_official(login, agency=agency, roles=roles)
        client = browsers()
        step = signin(client, login)
        assert step.status_code == 200, step.text
        pending = PENDING.search(step.text)
        assert pending, "the password step asks for the authenticator's code"
        done = client.post(
            "/signin/totp", data={"pending": pending.group(1), "code": code_now(secret, clock)}
        )
        assert done.status_code == 303, done.text
        return Visitor(client, csrf_of(client))

    return make


def submit_vehicle_change(citizen: Visitor, plate: str = "12가3456") -> int:
    draft = citizen.api("POST", f"{API}/drafts", json={"service_code": "vehicle-address-change"})
    assert draft.status_code == 201, draft.text
    application_id: int = draft.json()["id"]
    fields = {"phone": "010-1234-5678", "plate": plate, "new_address": "세종로 1"}
    fields["postcode"] = "03154"
    citizen.api("PATCH", f"{API}/mine/{application_id}", json={"fields": fields})
    submitted = citizen.api("POST", f"{API}/mine/{application_id}/submit")
    assert submitted.status_code == 200, submitted.text
    return application_id


def submit_reissue_with_statement(citizen: Visitor) -> int:
    draft = citizen.api(
        "POST", f"{API}/drafts", json={"service_code": "vehicle-certificate-reissue"}
    )
    application_id: int = draft.json()["id"]
    fields = {"phone": "010-1234-5678", "plate": "34나5678", "reason": "lost"}
    citizen.api("PATCH", f"{API}/mine/{application_id}", json={"fields": fields})
    attached = citizen.api(
        "POST",
        f"{API}/mine/{application_id}/attachments",
        params={"kind": "signed_statement", "filename": "진술서.pdf"},
        content=PDF,
    )
    assert attached.status_code == 201, attached.text
    assert citizen.api("POST", f"{API}/mine/{application_id}/payment").status_code in {200, 201}
    submitted = citizen.api("POST", f"{API}/mine/{application_id}/submit")
    assert submitted.status_code == 200, submitted.text
    return application_id


def page_of(visitor: Visitor, application_id: int, agency: str = "vehicles") -> httpx.Response:
    response: httpx.Response = visitor.client.get(f"/office/{agency}/applications/{application_id}")
    return response


def status_of(session: Session, application_id: int) -> str:
    session.expire_all()
    application = session.get(Application, application_id)
    assert application is not None
    return application.status


def test_names_are_masked_as_korean_systems_do() -> None:
    assert mask_name("홍길동") == "홍*동"
    assert mask_name("김구") == "김*"
    assert mask_name("남궁민수") == "남**수"
    assert mask_name("") == ""


def test_the_queue_lists_and_filters_with_masked_names(
    citizen: Visitor, official_of: Callable[..., Visitor]
) -> None:
    first = submit_vehicle_change(citizen)
    second = submit_vehicle_change(citizen, "34나5678")
    clerk = official_of("vehicles", "vehicles.lee")

    home = clerk.client.get("/office")
    assert home.status_code == 200, home.text
    assert 'id="queue-vehicles"' in home.text
    assert 'id="queue-land"' not in home.text
    assert re.search(
        r'data-status="submitted" href="/office/vehicles\?status=submitted">2<', home.text
    )

    queue = clerk.client.get("/office/vehicles")
    assert queue.status_code == 200
    assert queue.text.count('class="queue-row"') == 2
    assert f'id="application-{first}"' in queue.text and f'id="application-{second}"' in queue.text
    assert "박*민" in queue.text and "박지민" not in queue.text
    assert "<caption>" in queue.text and '<th scope="col">' in queue.text
    assert _inline_code(queue.text).refused == []

    approved = clerk.client.get("/office/vehicles", params={"status": "approved"})
    assert 'id="queue-empty"' in approved.text
    clerk.form(f"/office/vehicles/applications/{first}/decision", {"decision": "approve"})
    approved = clerk.client.get("/office/vehicles", params={"status": "approved"})
    assert approved.text.count('class="queue-row"') == 1
    assert f'id="application-{first}"' in approved.text
    # An unknown filter shows the default queue.
    assert "queue-row" in clerk.client.get("/office/vehicles?status=bogus").text


def test_a_citizen_and_another_agencys_official_are_refused(
    citizen: Visitor, official_of: Callable[..., Visitor], browsers: Callable[[], TestClient]
) -> None:
    application_id = submit_vehicle_change(citizen)
    assert citizen.client.get("/office").status_code == 403
    refused = citizen.client.get("/office/vehicles")
    assert refused.status_code == 403
    assert "text/html" in refused.headers["content-type"]

    land = official_of("land", "land.kim")
    assert 'id="queue-land"' in land.client.get("/office").text
    for path in (
        "/office/vehicles",
        f"/office/vehicles/applications/{application_id}",
    ):
        page = land.client.get(path)
        assert page.status_code == 403, path
        assert 'id="error-message"' in page.text
    decided = land.form(
        f"/office/vehicles/applications/{application_id}/decision", {"decision": "approve"}
    )
    assert decided.status_code == 403
    # An application of another agency is not found in one's own queue.
    assert page_of(land, application_id, "land").status_code == 404

    anonymous = browsers().get("/office/vehicles")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/signin?next=/office/vehicles")


def test_reject_needs_a_reason_then_the_citizen_is_notified(
    citizen: Visitor, official_of: Callable[..., Visitor], session: Session
) -> None:
    application_id = submit_vehicle_change(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    page = page_of(clerk, application_id)
    assert page.status_code == 200
    assert 'id="decision-approve"' in page.text and 'id="reject-reason"' in page.text
    assert "field-prefilled" in page.text  # the name came from the register
    assert _inline_code(page.text).refused == []

    action = f"/office/vehicles/applications/{application_id}/decision"
    missing = clerk.form(action, {"decision": "reject", "reason": "  "})
    assert missing.status_code == 422
    assert 'class="portal-error-summary"' in missing.text
    assert 'href="#reject-reason"' in missing.text
    assert re.search(r'id="reject-reason"[^>]*aria-invalid="true"', missing.text, re.S)
    assert status_of(session, application_id) == "submitted"

    rejected = clerk.form(action, {"decision": "reject", "reason": "등록되지 않은 차량입니다"})
    assert rejected.status_code == 303
    assert rejected.headers["location"].endswith(f"/{application_id}?done=reject#notice")
    shown = clerk.client.get(rejected.headers["location"])
    assert 'id="notice"' in shown.text and 'id="decision-approve"' not in shown.text
    assert "등록되지 않은 차량입니다" in shown.text
    assert status_of(session, application_id) == "rejected"

    inbox = citizen.client.get(f"{API}/inbox").json()["items"]
    assert any("등록되지 않은 차량입니다" in item["body"] for item in inbox)
    actions = session.scalars(select(AuditEntry).where(AuditEntry.event == "official_action")).all()
    assert any(entry.data.get("action") == "application.reject" for entry in actions)


def test_approve_and_send_back(
    citizen: Visitor, official_of: Callable[..., Visitor], session: Session
) -> None:
    approved_id = submit_vehicle_change(citizen)
    returned_id = submit_vehicle_change(citizen, "34나5678")
    clerk = official_of("vehicles", "vehicles.lee")
    approved = clerk.form(
        f"/office/vehicles/applications/{approved_id}/decision", {"decision": "approve"}
    )
    assert approved.status_code == 303
    assert status_of(session, approved_id) == "approved"

    action = f"/office/vehicles/applications/{returned_id}/decision"
    missing = clerk.form(action, {"decision": "send_back"})
    assert missing.status_code == 422 and 'href="#send-back-reason"' in missing.text
    sent_back = clerk.form(action, {"decision": "send_back", "reason": "주소를 확인해 주십시오"})
    assert sent_back.status_code == 303
    assert status_of(session, returned_id) == "sent_back"
    mine = citizen.client.get(f"{API}/mine/{returned_id}").json()
    assert mine["status"] == "sent_back" and mine["decision_reason"] == "주소를 확인해 주십시오"
    # A decided application offers no decision any more; a second decision is refused.
    assert 'id="decision-approve"' not in page_of(clerk, approved_id).text
    again = clerk.form(
        f"/office/vehicles/applications/{approved_id}/decision",
        {"decision": "reject", "reason": "x"},
    )
    assert again.status_code == 409


def test_a_viewer_reads_but_does_not_decide(
    citizen: Visitor, official_of: Callable[..., Visitor], session: Session
) -> None:
    application_id = submit_vehicle_change(citizen)
    viewer = official_of("vehicles", "vehicles.park", roles=("viewer",))
    page = page_of(viewer, application_id)
    assert page.status_code == 200
    assert 'id="decision"' not in page.text and 'id="message-form"' in page.text
    refused = viewer.form(
        f"/office/vehicles/applications/{application_id}/decision", {"decision": "approve"}
    )
    assert refused.status_code == 403
    assert status_of(session, application_id) == "submitted"


def test_messages_go_both_ways(
    citizen: Visitor, official_of: Callable[..., Visitor], session: Session
) -> None:
    application_id = submit_vehicle_change(citizen)
    asked = citizen.api(
        "POST", f"{API}/mine/{application_id}/messages", json={"body": "언제 처리되나요?"}
    )
    assert asked.status_code == 201, asked.text
    clerk = official_of("vehicles", "vehicles.lee")
    assert "언제 처리되나요?" in page_of(clerk, application_id).text

    action = f"/office/vehicles/applications/{application_id}/messages"
    empty = clerk.form(action, {"body": " "})
    assert empty.status_code == 422 and 'href="#message-body"' in empty.text
    replied = clerk.form(action, {"body": "내일 처리합니다."})
    assert replied.status_code == 303
    assert replied.headers["location"].endswith("?done=message#notice")
    thread = citizen.client.get(f"{API}/mine/{application_id}/messages").json()
    assert [(m["author_kind"], m["body"]) for m in thread] == [
        ("citizen", "언제 처리되나요?"),
        ("official", "내일 처리합니다."),
    ]
    inbox = citizen.client.get(f"{API}/inbox").json()["items"]
    assert any(item["kind"] == "message" for item in inbox)
    actions = session.scalars(select(AuditEntry).where(AuditEntry.event == "official_action")).all()
    assert any(entry.data.get("action") == "application.message" for entry in actions)


def test_the_official_downloads_an_attachment_and_another_agency_cannot(
    citizen: Visitor, official_of: Callable[..., Visitor], session: Session
) -> None:
    application_id = submit_reissue_with_statement(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    page = page_of(clerk, application_id)
    link = re.search(r'href="(/office/vehicles/applications/\d+/attachments/\d+)"', page.text)
    assert link, page.text
    assert 'id="fee-receipt"' in page.text and "SIM-" in page.text
    downloaded = clerk.client.get(link.group(1))
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    actions = session.scalars(select(AuditEntry).where(AuditEntry.event == "official_action")).all()
    assert any(entry.data.get("action") == "application.attachment-read" for entry in actions)
    assert clerk.client.get(f"{link.group(1)}9999").status_code == 404

    land = official_of("land", "land.kim")
    assert land.client.get(link.group(1)).status_code == 403
    own_path = link.group(1).replace("/office/vehicles/", "/office/land/")
    assert land.client.get(own_path).status_code == 404


def test_a_decision_without_the_csrf_token_is_refused(
    citizen: Visitor, official_of: Callable[..., Visitor], session: Session
) -> None:
    application_id = submit_vehicle_change(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    action = f"/office/vehicles/applications/{application_id}/decision"
    missing = clerk.client.post(action, data={"decision": "approve"})
    assert missing.status_code == 403
    wrong = clerk.client.post(action, data={"decision": "approve", "csrf_token": "00" * 16})
    assert wrong.status_code == 403
    assert status_of(session, application_id) == "submitted"
    assert CSRF.search(page_of(clerk, application_id).text)


@pytest.mark.parametrize(
    ("language", "title", "status"),
    [("ko", "업무 목록: 자동차등록", "접수"), ("en", "Work queue: Vehicle register", "received")],
)
def test_the_pages_render_in_korean_and_english(
    citizen: Visitor,
    official_of: Callable[..., Visitor],
    language: str,
    title: str,
    status: str,
) -> None:
    application_id = submit_vehicle_change(citizen)
    clerk = official_of("vehicles", "vehicles.lee")
    for path in ("/office", "/office/vehicles", f"/office/vehicles/applications/{application_id}"):
        page = clerk.client.get(path, params={"lang": language})
        assert page.status_code == 200, path
        assert f'<html lang="{language}">' in page.text
        assert _inline_code(page.text).refused == []
        assert "/static/portal/office.css" in page.text
    queue = clerk.client.get("/office/vehicles", params={"lang": language}).text
    assert title in queue and status in queue


def test_every_office_page_declares_who_may_call_it(app: FastAPI) -> None:
    from fastapi.routing import APIRoute

    from nara.core.access import access_of
    from tests.identity.test_routes import _calls
    from tests.support import api_routes

    marks: dict[str, set[str]] = {}
    for route in api_routes(app.routes):
        if isinstance(route, APIRoute) and route.path.startswith("/office"):
            found = {m for m in (access_of(c) for c in _calls(route.dependant)) if m}
            marks.setdefault(route.path, set()).update(found)
    assert marks["/office"] == {"scope:identity:signed-in"}
    assert marks["/office/vehicles"] == {"scope:vehicles:applications:read"}
    decision = marks["/office/vehicles/applications/{application_id}/decision"]
    assert decision == {"scope:vehicles:applications:decide"}
    assert all(found for found in marks.values())


def test_an_approval_that_issues_a_certificate(
    citizen: Visitor,
    official_of: Callable[..., Visitor],
    session: Session,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    from nara.applications.catalogue import CATALOGUE
    from tests.support import count_rows, revoke

    code = "vehicle-address-change"
    monkeypatch.setitem(
        CATALOGUE, code, replace(CATALOGUE[code], issue_on_approval="resident-abstract")
    )
    refused_id = submit_vehicle_change(citizen)
    issued_id = submit_vehicle_change(citizen, "34나5678")
    clerk = official_of("vehicles", "vehicles.lee")
    assert 'id="approve-issues"' in page_of(clerk, issued_id).text

    revoke(session, clock, "gov24", "residents/address-history")
    session.commit()
    refused = clerk.form(
        f"/office/vehicles/applications/{refused_id}/decision", {"decision": "approve"}
    )
    assert refused.status_code == 403
    assert 'id="error-message"' in refused.text
    assert status_of(session, refused_id) == "submitted"
    assert count_rows(session, "documents_issuance") == 0

    grant(session, clock, "gov24", "residents/address-history")
    session.commit()
    approved = clerk.form(
        f"/office/vehicles/applications/{issued_id}/decision", {"decision": "approve"}
    )
    assert approved.status_code == 303
    page = clerk.client.get(approved.headers["location"]).text
    assert 'id="document-number"' in page
    assert count_rows(session, "documents_issuance") == 1
    inbox = citizen.client.get(f"{API}/inbox").json()["items"]
    assert any("certificate is ready" in item["body"] for item in inbox)
