"""The resident register offered to the single window for abstracts and copies (초본, 등본)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from tests.residents.conftest import BUSAN, ResidentsApi
from tests.support import call_json, grant


def test_the_address_history_lists_every_residence_up_to_a_date(
    *,
    app: FastAPI,
    api: ResidentsApi,
    family: dict[str, int],
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    api.move(family["child"], address=BUSAN, moved_on="2025-05-01", new_household=True)
    grant(session, clock, "gov24", "residents/address-history")
    grant(session, clock, "gov24", "residents/household-members")
    ctx = CallContext(session, clock, cipher, client="gov24", purpose="certificate-issuance")

    history = call_json(
        app.state.exchange, "residents/address-history", ctx, person_id=family["child"]
    )
    assert [(r["moved_in"], r["moved_out"]) for r in history["residences"]] == [
        ("2020-01-01", "2025-05-01"),
        ("2025-05-01", None),
    ]
    assert history["residences"][1]["address_ko"] == "부산광역시 해운대구 해운대해변로 264"
    before = call_json(
        app.state.exchange,
        "residents/address-history",
        ctx,
        person_id=family["child"],
        on="2024-01-01",
    )
    assert [(r["moved_in"], r["moved_out"]) for r in before["residences"]] == [("2020-01-01", None)]
    assert (
        call_json(app.state.exchange, "residents/address-history", ctx, person_id=987_654) is None
    )

    household = call_json(
        app.state.exchange, "residents/household-members", ctx, person_id=family["head"]
    )
    assert [m["relation"] for m in household["members"]] == ["head", "spouse"]
