"""The certified copy of the land register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.core.errors import Message, NotFound, invalid
from nara.documents.kinds.base import ContextFor, day_text
from nara.exchange import Exchange
from nara.exchange.contracts.land import REGISTER_OF_PARCEL, ParcelRegisterRequest

RIGHT_TEXT = {
    "mortgage": "근저당권 Mortgage",
    "jeonse": "전세권 Jeonse",
    "easement": "지역권 Easement",
    "lease": "임차권 Lease",
}
CAUSE_TEXT = {
    "preservation": "소유권보존 Preservation",
    "sale": "매매 Sale",
    "inheritance": "상속 Inheritance",
    "gift": "증여 Gift",
    "auction": "경매 Auction",
}


def land_register(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The certified copy of a parcel's land register (등기사항전부증명서): title, section A
    (owners with shares and history) and section B (rights). `subject` is the PNU."""
    if not subject:
        raise invalid(
            "document_subject_missing",
            "A land register copy names its parcel: give the PNU as the subject.",
            "등기사항증명서는 필지를 지정해야 합니다: subject에 고유번호(PNU)를 주십시오.",
            field_name="subject",
        )
    register = exchange.call(
        REGISTER_OF_PARCEL,
        context("certificate-issuance"),
        ParcelRegisterRequest(pnu=subject, as_of=as_of),
    )
    if register is None:
        raise NotFound(
            "parcel_unknown",
            Message(
                f"No parcel {subject} is on the register.",
                f"필지 {subject}은(는) 등기되어 있지 않습니다.",
            ),
        )
    title = register.title
    return {
        "as_of": as_of.isoformat(),
        "pnu": register.pnu,
        "title": {
            "land_category": title.land_category,
            "land_category_en": title.land_category_en,
            "area_m2": str(title.area_m2),
            "registered_on": title.registered_on.isoformat(),
            "buildings": [b.name for b in title.buildings],
        },
        "section_a": [
            {
                "rank_no": e.rank_no,
                "cause_text": CAUSE_TEXT.get(e.cause, e.cause),
                "cause_on": e.cause_on.isoformat(),
                "registered_on": e.registered_on.isoformat(),
                "receipt_no": e.receipt_no,
                "owner_name": e.owner_name,
                "share": e.share,
                "ended_on": day_text(e.ended_on),
            }
            for e in register.section_a
        ],
        "section_b": [
            {
                "rank_no": r.rank_no,
                "kind_text": RIGHT_TEXT.get(r.kind, r.kind),
                "holder_name": r.holder_name,
                "amount_won": f"{r.amount_won:,}",
                "registered_on": r.registered_on.isoformat(),
                "receipt_no": r.receipt_no,
                "cancelled_on": day_text(r.cancelled_on),
            }
            for r in register.section_b
        ],
    }
