"""One-click demo accounts exist only in the demo."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.identity import audit_action, service
from nara.identity.access import Principal
from nara.identity.models import AuditEntry
from nara.residents.models import Person
from tests.identity.conftest import csrf
from tests.support import assert_problem


def test_demo_sign_in_is_404_outside_the_demo(web: TestClient) -> None:
    assert_problem(web.post("/api/identity/demo/citizen"), 404, "demo_off")


def test_demo_accounts_sign_in_with_one_click_and_are_marked(
    app: FastAPI,
    web: TestClient,
    session: Session,
    clock: FixedClock,
    resident: tuple[Person, str],
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"environment": "demo"})
    assert_problem(web.post("/api/identity/demo/citizen"), 404, "demo_unseeded")
    first = service.ensure_demo_accounts(
        session, clock=clock, person_id=resident[0].id, official_agency="land"
    )
    again = service.ensure_demo_accounts(
        session, clock=clock, person_id=resident[0].id, official_agency="land"
    )
    session.commit()
    assert [a.id for a in first] == [a.id for a in again]

    citizen = web.post("/api/identity/demo/citizen")
    assert citizen.status_code == 200, citizen.text
    body = citizen.json()
    assert body["demo"] is True and body["method"] == "demo"
    assert body["account"]["display_name"] == "데모 시민 (Demo citizen)"
    assert body["account"]["person_id"] == resident[0].id

    official = TestClient(app)
    signed = official.post("/api/identity/demo/official")
    assert signed.json()["account"]["kind"] == "official"
    assert official.post("/api/probe/decide", headers=csrf(signed)).status_code == 200
    assert web.post("/api/identity/demo/nobody").status_code == 422


def test_audit_action_records_an_officials_action(session: Session, clock: FixedClock) -> None:
    official = Principal(
        account_id=7,
        kind="official",
        display_name="x",
        person_id=None,
        agency="land",
        roles=("clerk",),
        permissions=frozenset(),
        session_id=1,
        method="passkey",
        demo=False,
    )
    entry = audit_action(session, official, "application.decide", "application:17", clock=clock)
    session.flush()
    assert session.get_one(AuditEntry, entry.id).data == {"action": "application.decide"}
    assert entry.actor == "official:7" and entry.target == "application:17"
