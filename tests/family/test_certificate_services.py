"""The family register offered to the single window for basic and marriage certificates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from tests.support import call_json, grant


def test_marriages_of_a_person_are_shown_as_they_stood_on_a_date(
    *,
    app: FastAPI,
    client: TestClient,
    headers: dict[str, str],
    person: Callable[..., int],
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    husband, first, second = (
        person("1970-01-01", "M"),
        person("1972-01-01", "F"),
        person("1980-01-01", "F"),
    )

    def post(path: str, body: dict[str, Any]) -> Any:
        response = client.post(f"/api/family/{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    marriage = post(
        "marriages", {"spouse_a_id": husband, "spouse_b_id": first, "married_on": "1998-01-01"}
    )
    post(f"marriages/{marriage['id']}/divorce", {"divorced_on": "2010-06-30"})
    post("marriages", {"spouse_a_id": husband, "spouse_b_id": second, "married_on": "2015-05-05"})
    grant(session, clock, "gov24", "family/marriages-of-person")
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="gov24", purpose="certificate-issuance"
    )

    now = call_json(app.state.exchange, "family/marriages-of-person", ctx, person_id=husband)
    assert now["marital_status"] == "married"
    assert [(m["spouse_id"], m["ended_on"], m["end_cause"]) for m in now["marriages"]] == [
        (first, "2010-06-30", "divorce"),
        (second, None, None),
    ]
    then = call_json(
        app.state.exchange, "family/marriages-of-person", ctx, person_id=husband, on="2005-01-01"
    )
    assert then["marital_status"] == "married"
    assert [(m["spouse_id"], m["ended_on"]) for m in then["marriages"]] == [(first, None)]
    single = call_json(app.state.exchange, "family/marriages-of-person", ctx, person_id=first)
    assert single["marital_status"] == "divorced"
