"""The copy of the vehicle register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.core.errors import Forbidden, Message, NotFound
from nara.documents.kinds.base import ContextFor, day_text, subject_missing
from nara.exchange import Exchange
from nara.exchange.contracts.vehicles import REGISTER_OF_VEHICLE, VehicleRegisterRequest

VEHICLE_TYPE_TEXT = {
    "passenger": "승용 Passenger car",
    "van": "승합 Van",
    "truck": "화물 Truck",
    "special": "특수 Special",
}
FUEL_TEXT = {
    "gasoline": "휘발유 Gasoline",
    "diesel": "경유 Diesel",
    "lpg": "LPG",
    "hybrid": "하이브리드 Hybrid",
    "electric": "전기 Electric",
    "hydrogen": "수소 Hydrogen",
}
VEHICLE_STATUS_TEXT = {
    "registered": "등록 Registered",
    "deregistered": "말소 Deregistered",
}
ACQUISITION_TEXT = {
    "new": "신규등록 New registration",
    "transfer": "이전등록 Transfer",
    "inheritance": "상속 Inheritance",
    "auction": "경매 Auction",
}


def vehicle_register(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The copy of a vehicle's register (자동차등록원부 등본): the vehicle and its owners,
    issued to a current owner. `subject` is the plate."""
    if not subject:
        raise subject_missing("the plate", "자동차 등록번호")
    register = exchange.call(
        REGISTER_OF_VEHICLE,
        context("certificate-issuance"),
        VehicleRegisterRequest(plate=subject, as_of=as_of),
    )
    if register is None:
        raise NotFound(
            "vehicle_unknown",
            Message(
                f"No vehicle carries the plate {subject}.",
                f"등록번호 {subject}인 자동차가 없습니다.",
            ),
        )
    if not any(
        o.current and o.owner_kind == "person" and o.owner_id == person_id for o in register.owners
    ):
        raise Forbidden(
            "vehicle_not_owned",
            Message(
                f"The vehicle register of {register.plate} is issued only to a current "
                "owner of the vehicle.",
                f"자동차등록원부({register.plate})는 현재 소유자에게만 발급합니다.",
            ),
        )
    return {
        "as_of": as_of.isoformat(),
        "plate": register.plate,
        "vin": register.vin,
        "make": register.make,
        "model": register.model,
        "model_year": register.model_year,
        "vehicle_type_text": VEHICLE_TYPE_TEXT.get(register.vehicle_type, register.vehicle_type),
        "fuel_text": FUEL_TEXT.get(register.fuel, register.fuel),
        "first_registered_on": register.first_registered_on.isoformat(),
        "status_text": VEHICLE_STATUS_TEXT.get(register.status, register.status),
        "deregistered_on": day_text(register.deregistered_on),
        "owners": [
            {
                "owner_name": o.owner_name,
                "owner_kind_text": "개인 Person" if o.owner_kind == "person" else "법인 Business",
                "cause_text": ACQUISITION_TEXT.get(o.cause, o.cause),
                "acquired_on": o.acquired_on.isoformat(),
                "released_on": day_text(o.released_on),
                "current": o.current,
            }
            for o in register.owners
        ],
    }
