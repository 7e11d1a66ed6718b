"""Fixtures of the life-event tests: residents at addresses, signed in, and the case runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nara.app import Platform, case_runner
from nara.core.address import RoadAddress
from nara.core.clock import FixedClock
from nara.lifeevents.engine import CaseRunner
from nara.residents.households import form_household
from nara.residents.schemas import HouseholdCreate
from tests.applications.conftest import (
    Browser,
    citizen_of,
    clients,
    fast_hashes,
    make_official,
    official_of,
)

__all__ = ["citizen_of", "clients", "fast_hashes", "make_official", "official_of"]

GANGNAM = {
    "sigungu_code": "11680",
    "road_name": "테헤란로",
    "building_main": 152,
    "address_detail": "12층",
    "postcode": "06236",
}
SEOCHO = {
    "sigungu_code": "11650",
    "road_name": "서초대로",
    "building_main": 301,
    "address_detail": "501호",
    "postcode": "06611",
}
HAEUNDAE = {
    "sigungu_code": "26350",
    "road_name": "해운대해변로",
    "building_main": 264,
    "address_detail": "",
    "postcode": "48095",
}


@pytest.fixture
def resident(
    session: Session, clock: FixedClock, citizen_of: Callable[..., Browser]
) -> Callable[..., Browser]:
    """`resident("김민준", "1990-01-01", at=GANGNAM)` → signed in, heading a household there."""

    def make(
        name: str, born: str, *, at: dict[str, Any] | None = GANGNAM, sex: str = "M"
    ) -> Browser:
        browser = citizen_of(name, dt.date.fromisoformat(born), sex)
        if at is not None:
            household = form_household(
                session=session,
                clock=clock,
                actor="test",
                household_in=HouseholdCreate(
                    head_person_id=browser.info["person_id"],
                    address=RoadAddress.model_validate(at),
                    formed_on=dt.date(2020, 1, 1),
                ),
            )
            browser.info["household_id"] = household.id
            session.commit()
        return browser

    return make


@pytest.fixture
def runner(platform: Platform, app: Any) -> CaseRunner:
    """The runner `nara worker` uses, on the test's database and clock."""
    return case_runner(platform, app.state.exchange)


@pytest.fixture
def car(client: Any, auth: Callable[..., dict[str, str]]) -> Callable[..., dict[str, Any]]:
    """`car(owner_id, plate="12가3456", at=GANGNAM)` → a vehicle registered to a person."""
    counter = iter(range(100_000, 999_999))

    def make(owner_id: int, plate: str, *, at: dict[str, Any] = GANGNAM) -> dict[str, Any]:
        response = client.post(
            "/api/vehicles",
            json={
                "plate": plate,
                "vin": f"KMHD341CBNU{next(counter)}",
                "make": "현대",
                "model": "아반떼",
                "model_year": 2024,
                "vehicle_type": "passenger",
                "fuel": "gasoline",
                "first_registered_on": "2024-04-01",
                "owner": {"owner_kind": "person", "owner_id": owner_id},
                "base_address": at,
            },
            headers=auth("vehicles:read", "vehicles:write"),
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    return make
