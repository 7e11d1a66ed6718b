"""The certified copy of the land register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.core.errors import Message, NotFound, invalid
from nara.documents.kinds.base import (
    ContextFor,
)
from nara.exchange import Exchange

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
    register = exchange.call_json(
        "land/register-of-parcel",
        context("certificate-issuance"),
        pnu=subject,
        as_of=as_of.isoformat(),
    )
    if not register:
        raise NotFound(
            "parcel_unknown",
            Message(
                f"No parcel {subject} is on the register.",
                f"필지 {subject}은(는) 등기되어 있지 않습니다.",
            ),
        )
    title = register["title"]
    return {
        "as_of": as_of.isoformat(),
        "pnu": register["pnu"],
        "title": {
            "land_category": title["land_category"],
            "land_category_en": title.get("land_category_en", ""),
            "area_m2": title["area_m2"],
            "registered_on": title["registered_on"],
            "buildings": [b["name"] for b in title.get("buildings") or []],
        },
        "section_a": [
            {
                "rank_no": e["rank_no"],
                "cause_text": CAUSE_TEXT.get(e["cause"], e["cause"]),
                "cause_on": e["cause_on"],
                "registered_on": e["registered_on"],
                "receipt_no": e["receipt_no"],
                "owner_name": e["owner_name"],
                "share": e["share"],
                "ended_on": e.get("ended_on") or "",
            }
            for e in register.get("section_a") or []
        ],
        "section_b": [
            {
                "rank_no": r["rank_no"],
                "kind_text": RIGHT_TEXT.get(r["kind"], r["kind"]),
                "holder_name": r["holder_name"],
                "amount_won": f"{int(r['amount_won']):,}",
                "registered_on": r["registered_on"],
                "receipt_no": r["receipt_no"],
                "cancelled_on": r.get("cancelled_on") or "",
            }
            for r in register.get("section_b") or []
        ],
    }
