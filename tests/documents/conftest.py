"""Fixtures of the documents tests: the app with the documents API, a family, rights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.app import Platform, create_app
from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.documents.routes import router
from nara.identity import credentials
from tests.documents.holders import FAST
from tests.factories import make_person
from tests.support import grant


@pytest.fixture
def app(platform: Platform) -> FastAPI:
    """The platform's app with the documents API mounted (once, whoever mounts it)."""
    app = create_app(platform)
    if not any(getattr(r, "path", "").startswith("/api/documents") for r in app.routes):
        app.include_router(router)
    return app


@pytest.fixture
def rights(app: FastAPI, session: Session, clock: FixedClock) -> None:
    """The single window (gov24) may read family relations and person summaries (granted
    once the app has registered the services)."""
    grant(session, clock, "gov24", "family/relations")
    grant(session, clock, "gov24", "residents/person-summaries")


@pytest.fixture
def citizen_rights(app: FastAPI, session: Session, clock: FixedClock) -> None:
    """Rights for citizens' wallets: account opening checks identities; certificates read
    family relations and person summaries."""
    grant(session, clock, "gov24", "residents/identity-check")
    grant(session, clock, "gov24", "family/relations")
    grant(session, clock, "gov24", "residents/person-summaries")
    session.commit()


@pytest.fixture
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests that open citizen accounts."""
    monkeypatch.setattr(credentials, "HASHER", FAST)
    monkeypatch.setattr(credentials, "_DUMMY_HASH", [])


@pytest.fixture
def family(
    client: TestClient,
    auth: Callable[..., dict[str, str]],
    session: Session,
    cipher: PiiCipher,
) -> dict[str, int]:
    """Father, mother (married 1998) and their child, registered through the family API."""

    def person(name_ko: str, name_en: str, born: str, sex: str) -> int:
        birth = dt.date.fromisoformat(born)
        return make_person(
            session, cipher, name_ko=name_ko, name_en=name_en, birth=birth, sex=sex
        ).id

    ids = {
        "father": person("김철수", "Kim Cheolsu", "1970-05-01", "M"),
        "mother": person("이영희", "Lee Younghee", "1972-08-15", "F"),
        "child": person("김민준", "Kim Minjun", "2000-03-01", "M"),
    }
    headers = auth("family:read", "family:write")

    def post(path: str, body: dict[str, Any]) -> None:
        response = client.post(f"/api/family/{path}", json=body, headers=headers)
        assert response.status_code == 201, response.text

    post(
        "marriages",
        {"spouse_a_id": ids["father"], "spouse_b_id": ids["mother"], "married_on": "1998-01-01"},
    )
    post(
        "births", {"child_id": ids["child"], "father_id": ids["father"], "mother_id": ids["mother"]}
    )
    return ids
