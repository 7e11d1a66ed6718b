"""The land register offered to the single window for certified copies (등기사항전부증명서)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.residents.models import Person
from tests.land.helpers import PNU, person, register_parcel
from tests.support import call_json, grant


def test_the_register_of_a_parcel_is_offered_for_certificates(
    *,
    app: FastAPI,
    client: TestClient,
    headers: dict[str, str],
    kim: Person,
    lee: Person,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
) -> None:
    register_parcel(client, headers, [person(kim, "1/2"), person(lee, "1/2")])
    mortgage = {"kind": "mortgage", "holder_name": "나라은행", "amount_won": 360_000_000}
    response = client.post(f"/api/land/parcels/{PNU}/rights", json=mortgage, headers=headers)
    assert response.status_code == 201, response.text
    grant(session, clock, "gov24", "land/register-of-parcel")
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client="gov24",
        purpose="certificate-issuance",
        user_id="citizen:1",
    )

    answer = call_json(app.state.exchange, "land/register-of-parcel", ctx, pnu=PNU)

    assert answer["pnu"] == PNU and answer["title"]["land_category"] == "대"
    assert [(e["owner_name"], e["share"], e["ended_on"]) for e in answer["section_a"]] == [
        ("김민준", "1/2", None),
        ("이서연", "1/2", None),
    ]
    assert [(r["kind"], r["holder_name"], r["amount_won"]) for r in answer["section_b"]] == [
        ("mortgage", "나라은행", 360_000_000)
    ]
    assert (
        call_json(app.state.exchange, "land/register-of-parcel", ctx, pnu="1168010100109990000")
        is None
    )
