"""One transaction per request: a failed write leaves nothing behind, and says why."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from nara.core.access import public
from nara.core.clock import FixedClock
from nara.core.errors import Conflict, Message
from nara.core.history import record_change
from nara.core.outbox import emit
from nara.core.web import ClockDep, DbSession
from nara.residents.models import ResidentsChange
from tests.support import assert_problem, count_rows

Open = Annotated[None, Depends(public("test probe"))]


def _writing_app(app: FastAPI) -> FastAPI:
    router = APIRouter()

    def write(session: Session, clock: FixedClock) -> None:
        record_change(
            session, clock, ResidentsChange, entity="person", entity_id=1, action="probe",
            data={}, actor="test", event_type="resident.probed",
        )  # fmt: skip
        session.flush()

    @router.post("/probe/ok")
    def ok(session: DbSession, clock: ClockDep, _: Open) -> dict[str, bool]:
        write(session, clock)  # type: ignore[arg-type]
        return {"ok": True}

    @router.post("/probe/conflict")
    def conflict(session: DbSession, clock: ClockDep, _: Open) -> dict[str, bool]:
        write(session, clock)  # type: ignore[arg-type]
        raise Conflict("probe_conflict", Message("It conflicts.", "충돌합니다."))

    @router.post("/probe/crash")
    def crash(session: DbSession, clock: ClockDep, _: Open) -> dict[str, bool]:
        write(session, clock)  # type: ignore[arg-type]
        raise RuntimeError("boom 900101-1234568")

    app.include_router(router)
    return app


def test_a_successful_write_commits_the_change_and_its_event_together(
    app: FastAPI, session: Session
) -> None:
    client = TestClient(_writing_app(app))
    assert client.post("/probe/ok").status_code == 200
    assert count_rows(session, "residents_change") == 1
    assert count_rows(session, "core_outbox") == 1


def test_a_refused_write_leaves_no_change_and_no_event(app: FastAPI, session: Session) -> None:
    client = TestClient(_writing_app(app))
    assert_problem(client.post("/probe/conflict"), 409, "probe_conflict")
    assert count_rows(session, "residents_change") == 0
    assert count_rows(session, "core_outbox") == 0


def test_an_unexpected_error_is_a_problem_without_traceback_and_writes_nothing(
    app: FastAPI, session: Session
) -> None:
    client = TestClient(_writing_app(app), raise_server_exceptions=False)
    response = client.post("/probe/crash")
    body = assert_problem(response, 500, "internal_error")
    assert "boom" not in response.text and "Traceback" not in response.text
    assert "nothing was changed" in body["detail"]
    assert count_rows(session, "residents_change") == 0


def test_messages_follow_the_callers_language(app: FastAPI) -> None:
    client = TestClient(_writing_app(app))
    korean = client.post("/probe/conflict", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert korean.json()["detail"] == "충돌합니다."
    english = client.post("/probe/conflict", headers={"Accept-Language": "en"})
    assert english.json()["detail"] == "It conflicts."


def test_change_logs_are_append_only_in_the_database(session: Session, clock: FixedClock) -> None:
    record_change(
        session, clock, ResidentsChange, entity="person", entity_id=1, action="probe",
        data={"field": "value"}, actor="test", event_type="resident.probed",
    )  # fmt: skip
    session.flush()
    for statement in (
        "UPDATE residents_change SET action = 'forged'",
        "DELETE FROM residents_change",
    ):
        with pytest.raises(exc.DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement))
    assert count_rows(session, "residents_change") == 1


def test_outbox_events_name_their_source(session: Session, clock: FixedClock) -> None:
    event = emit(
        session, clock, event_type="vehicle.transferred", subject_type="vehicle",
        subject_id=7, payload={"plate": "12가3456"},
    )  # fmt: skip
    session.flush()
    assert event.source == "vehicle"
    assert event.published_at is None
    assert event.occurred_at == clock.now()
