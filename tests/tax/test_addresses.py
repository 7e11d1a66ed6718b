"""The tax office follows a resident's move (`tax/taxpayer-address`), once per step key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import NaraError
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from tests.support import call_json, call_wire, count_rows, grant
from tests.tax.conftest import GANGNAM, HAEUNDAE

Call = Callable[..., Any]
Unchanged = Callable[[], Callable[[], None]]


@pytest.fixture
def follow(app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher) -> Call:
    """`follow(person_id=..., address=..., moved_on=..., step_key=...)` through the exchange,
    as the single window's moving-in case calls it; `wire=True` sends the body as given (for
    what only the provider refuses)."""
    grant(session, clock, "gov24", "tax/taxpayer-address")
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="gov24", purpose="address-follows-move"
    )
    keys = iter(range(1_000_000))

    def call(*, wire: bool = False, **params: Any) -> Any:
        params.setdefault("step_key", f"moving-in:{next(keys)}:tax")
        send = call_wire if wire else call_json
        return send(app.state.exchange, "tax/taxpayer-address", ctx, **params)

    return call


def _events(session: Session) -> list[str]:
    rows = session.execute(
        text("SELECT event_type FROM core_outbox WHERE event_type LIKE 'tax.%' ORDER BY id")
    )
    return [str(r[0]) for r in rows]


def test_a_person_tax_does_not_know_becomes_a_taxpayer_at_his_new_address(
    *,
    follow: Call,
    person: Callable[..., int],
    client: TestClient,
    headers: dict[str, str],
    session: Session,
) -> None:
    someone = person()

    answer = follow(person_id=someone, address=GANGNAM, moved_on="2026-02-20")

    assert answer == {
        "person_id": someone,
        "taxpayer_id": answer["taxpayer_id"],
        "changed": True,
        "repeated": False,
    }
    shown = client.get(f"/api/tax/taxpayers/{someone}", headers=headers).json()
    assert shown["id"] == answer["taxpayer_id"]
    assert shown["address"] == GANGNAM
    assert (shown["address_since"], shown["registered_on"]) == ("2026-02-20", "2026-03-02")
    assert _events(session) == ["tax.taxpayer_registered"]
    assert count_rows(session, "tax_change") == 1


def test_a_move_changes_the_taxpayer_s_address_and_its_date(
    *,
    follow: Call,
    taxpayer: Callable[..., int],
    client: TestClient,
    headers: dict[str, str],
    session: Session,
) -> None:
    someone = taxpayer(since="2020-05-01")

    answer = follow(person_id=someone, address=HAEUNDAE, moved_on="2026-02-20")

    assert (answer["changed"], answer["repeated"]) == (True, False)
    shown = client.get(f"/api/tax/taxpayers/{someone}", headers=headers).json()
    assert (shown["address"], shown["address_since"]) == (HAEUNDAE, "2026-02-20")
    assert _events(session) == ["tax.taxpayer_registered", "tax.address_changed"]
    payload = session.execute(
        text("SELECT data FROM tax_change WHERE action = 'address_changed'")
    ).scalar_one()
    assert "26350" in str(payload) and "11680" in str(payload)


def test_the_same_address_again_is_no_change_and_no_error(
    *, follow: Call, taxpayer: Callable[..., int], session: Session
) -> None:
    someone = taxpayer(since="2020-05-01")
    changes = count_rows(session, "tax_change")

    answer = follow(person_id=someone, address=GANGNAM, moved_on="2026-02-20")

    assert (answer["changed"], answer["repeated"]) == (False, False)
    assert count_rows(session, "tax_change") == changes
    assert _events(session) == ["tax.taxpayer_registered"]


def test_a_repeated_step_key_answers_the_first_answer_and_applies_nothing(
    *, follow: Call, taxpayer: Callable[..., int], session: Session, unchanged: Unchanged
) -> None:
    someone = taxpayer(since="2020-05-01")
    first = follow(
        step_key="moving-in:7:tax", person_id=someone, address=HAEUNDAE, moved_on="2026-02-20"
    )
    check = unchanged()

    again = follow(
        step_key="moving-in:7:tax", person_id=someone, address=HAEUNDAE, moved_on="2026-02-20"
    )

    assert again == {**first, "repeated": True}
    check()


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"address": {**GANGNAM, "postcode": "48099"}}, 422, "address_invalid"),
        ({"address": {**GANGNAM, "sigungu_code": "99999"}}, 422, "address_invalid"),
        ({"address": "서울 강남구 테헤란로 152"}, 422, "params_invalid"),
        ({"moved_on": "2026-03-03"}, 422, "date_in_future"),
        ({"moved_on": "20 February"}, 422, "params_invalid"),
        ({"moved_on": None}, 422, "params_invalid"),
        ({"person_id": "seven"}, 422, "params_invalid"),
        ({"person_id": 0}, 422, "params_invalid"),
        ({"step_key": ""}, 422, "step_key_invalid"),
        ({"step_key": None}, 422, "step_key_invalid"),
        ({"step_key": "x" * 129}, 422, "step_key_invalid"),
    ],
)
def test_a_malformed_move_is_refused_and_nothing_is_written(
    *,
    follow: Call,
    person: Callable[..., int],
    unchanged: Unchanged,
    params: dict[str, Any],
    status: int,
    code: str,
) -> None:
    body = {"person_id": person(), "address": GANGNAM, "moved_on": "2026-02-20"} | params
    check = unchanged()

    with pytest.raises(NaraError) as refused:
        follow(wire=True, **body)

    assert (refused.value.status, refused.value.code) == (status, code)
    check()


def test_a_move_older_than_the_known_address_is_refused(
    *, follow: Call, taxpayer: Callable[..., int], unchanged: Unchanged
) -> None:
    someone = taxpayer(since="2024-05-01")
    check = unchanged()

    with pytest.raises(NaraError) as refused:
        follow(person_id=someone, address=HAEUNDAE, moved_on="2023-01-10")

    assert (refused.value.status, refused.value.code) == (409, "move_out_of_order")
    check()


def test_the_write_is_called_only_for_its_declared_purpose(
    *,
    app: FastAPI,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    person: Callable[..., int],
    unchanged: Unchanged,
) -> None:
    grant(session, clock, "gov24", "tax/taxpayer-address")
    ctx = CallContext(
        session=session, clock=clock, cipher=cipher, client="gov24", purpose="register-check"
    )
    check = unchanged()

    with pytest.raises(NaraError) as refused:
        call_json(
            app.state.exchange,
            "tax/taxpayer-address",
            ctx,
            step_key="k",
            person_id=person(),
            address=GANGNAM,
            moved_on="2026-02-20",
        )

    assert (refused.value.status, refused.value.code) == (403, "purpose_unknown")
    check()
