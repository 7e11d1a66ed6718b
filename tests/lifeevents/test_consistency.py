"""`nara check`: the registers compared through the exchange, each disagreement reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from nara.app import Platform
from nara.core.address import RoadAddress
from nara.lifeevents.consistency import check_registers
from nara.residents.moves import move
from nara.residents.schemas import MoveCreate
from tests.applications.conftest import Browser
from tests.lifeevents.conftest import SEOCHO


def test_a_vehicle_left_at_the_old_address_is_reported(
    *,
    resident: Callable[..., Browser],
    car: Callable[..., dict[str, Any]],
    platform: Platform,
    app: FastAPI,
    session: Session,
) -> None:
    mover = resident("김민준", "1990-01-01")
    car(mover.info["person_id"], "12가3456")
    # A move recorded at the desk, in the resident register only: the vehicle stays behind.
    move(
        session=session,
        clock=platform.clock,
        actor="desk",
        person_id=mover.info["person_id"],
        move_in=MoveCreate(
            address=RoadAddress.model_validate(SEOCHO),
            moved_on=dt.date(2026, 2, 27),
            new_household=True,
        ),
    )
    session.commit()

    found = check_registers(
        platform.session_factory,
        platform.clock,
        exchange=app.state.exchange,
        cipher=platform.cipher,
    )

    assert found.persons_checked >= 1
    assert found.counts["vehicle_address"] == 1
    [sample] = found.samples["vehicle_address"]
    assert sample == {
        "person_id": mover.info["person_id"],
        "plate": "12가3456",
        "resident": sample["resident"],
        "vehicle": ("11680", "테헤란로", 152, 0, "12층", "06236"),
    }
    assert "서초대로 301" in sample["resident"]
