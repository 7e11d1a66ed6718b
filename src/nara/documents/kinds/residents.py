"""Certificates of the resident register: the abstract (초본) and the copy (등본)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.documents.kinds.base import (
    ContextFor,
    known_person,
    summaries_of,
)
from nara.exchange import Exchange

RELATION_TEXT = {
    "head": ("본인(세대주)", "Head of household"),
    "spouse": ("배우자", "Spouse"),
    "child": ("자녀", "Child"),
    "parent": ("부모", "Parent"),
    "parent_in_law": ("배우자의 부모", "Parent-in-law"),
    "child_in_law": ("자녀의 배우자", "Child-in-law"),
    "grandchild": ("손자녀", "Grandchild"),
    "grandparent": ("조부모", "Grandparent"),
    "sibling": ("형제자매", "Sibling"),
    "cohabitant": ("동거인", "Cohabitant"),
    "other": ("기타", "Other"),
}


def resident_abstract(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The abstract of the resident register (주민등록표 초본): the person's addresses."""
    history = exchange.call_json(
        "residents/address-history",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    summaries = summaries_of(exchange, context("register-check"), [person_id])
    person = known_person(summaries, person_id)
    residences = (history or {}).get("residences") or []
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "residences": [
            {
                "address_ko": r["address_ko"],
                "address_en": r["address_en"],
                "moved_in": r["moved_in"],
                "moved_out": r.get("moved_out") or "",
                "reported_on": r.get("reported_on") or "",
            }
            for r in residences
        ],
    }


def resident_copy(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The copy of the resident register (주민등록표 등본): the household, its address and
    members with their relation to the head."""
    household = exchange.call_json(
        "residents/household-members",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    history = exchange.call_json(
        "residents/address-history",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    summaries = summaries_of(exchange, context("register-check"), [person_id])
    person = known_person(summaries, person_id)
    residences = (history or {}).get("residences") or []
    current = [r for r in residences if not r.get("moved_out")]
    members = []
    for member in (household or {}).get("members") or []:
        ko, en = RELATION_TEXT.get(member["relation"], (member["relation"], member["relation"]))
        members.append(
            {
                "person_id": member["person_id"],
                "name_ko": member["name_ko"],
                "name_en": member["name_en"],
                "birth_date": member["birth_date"],
                "relation_ko": ko,
                "relation_en": en,
                "joined_on": member["joined_on"],
            }
        )
    head = next((m for m in members if m["relation_en"] == "Head of household"), None)
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "address_ko": current[-1]["address_ko"] if current else "",
        "address_en": current[-1]["address_en"] if current else "",
        "head_name_ko": head["name_ko"] if head else "",
        "head_name_en": head["name_en"] if head else "",
        "members": members,
    }
