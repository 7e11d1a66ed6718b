"""What the family register offers other agencies, and the events it announces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.family.deaths import EVENTS as DEATH_EVENTS
from nara.family.exchange import EVENTS
from tests.support import call_json, grant

Person = Callable[..., int]


def _post(client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    response = client.post(f"/api/family/{path}", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_family_relations_are_offered_through_the_exchange(
    *,
    app: FastAPI,
    client: TestClient,
    headers: dict[str, str],
    person: Person,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    father, mother, child = (
        person("1970-01-01", "M"),
        person("1972-01-01", "F"),
        person("2000-01-01"),
    )
    _post(client, headers, "births", {"child_id": child, "father_id": father, "mother_id": mother})
    marriage = _post(
        client,
        headers,
        "marriages",
        {"spouse_a_id": father, "spouse_b_id": mother, "married_on": "1998-01-01"},
    )
    grant(session, clock, "welfare", "family/relations")
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="welfare", purpose="family-register"
    )

    answer = call_json(app.state.exchange, "family/relations", ctx, person_id=father)

    assert answer == {
        "person_id": father,
        "as_of": "2026-03-02",
        "parents": [],
        "spouse": {"person_id": mother, "marriage_id": marriage["id"], "married_on": "1998-01-01"},
        "children": [
            {"person_id": child, "role": "father", "kind": "birth", "since": "2000-01-01"}
        ],
    }
    before = call_json(
        app.state.exchange, "family/relations", ctx, person_id=child, on="1999-12-31"
    )
    assert before["parents"] == []
    parents = call_json(app.state.exchange, "family/relations", ctx, person_id=child)["parents"]
    assert {(p["person_id"], p["role"]) for p in parents} == {
        (father, "father"),
        (mother, "mother"),
    }


def test_every_event_the_register_publishes_is_declared(
    client: TestClient, headers: dict[str, str], person: Person, session: Session
) -> None:
    father, mother, child = (
        person("1970-01-01", "M"),
        person("1972-01-01", "F"),
        person("2015-01-01"),
    )
    _post(client, headers, "births", {"child_id": child, "father_id": father, "mother_id": mother})
    adoption = _post(
        client,
        headers,
        "adoptions",
        {
            "child_id": child,
            "kind": "adoption",
            "father_id": person("1960-01-01"),
            "adopted_on": "2020-01-01",
        },
    )
    _post(
        client,
        headers,
        f"adoptions/{adoption['parentages'][0]['id']}/end",
        {"ended_on": "2021-01-01"},
    )
    marriage = _post(
        client,
        headers,
        "marriages",
        {"spouse_a_id": father, "spouse_b_id": mother, "married_on": "2010-01-01"},
    )
    _post(client, headers, f"marriages/{marriage['id']}/divorce", {"divorced_on": "2020-01-01"})

    published = set(
        session.scalars(text("SELECT event_type FROM core_outbox WHERE source = 'family'"))
    )
    # A death is recorded only by the death report's step (tests/lifeevents/test_death.py).
    assert published == set(EVENTS) - set(DEATH_EVENTS)
    changes = session.execute(text("SELECT count(*) FROM family_change")).scalar_one()
    assert changes == 5
