"""Certificates of the resident register: the abstract (초본) and the copy (등본)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.documents.kinds.base import ContextFor, day_text, known_person, summaries_of
from nara.exchange import Exchange
from nara.exchange.contracts.residents import (
    ADDRESS_HISTORY,
    HOUSEHOLD_MEMBERS,
    PersonOnDayRequest,
    Residence,
)

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
    residences = _residences(exchange, context, person_id, as_of)
    person = known_person(summaries_of(exchange, context, [person_id]), person_id)
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "residences": [
            {
                "address_ko": r.address_ko,
                "address_en": r.address_en,
                "moved_in": r.moved_in.isoformat(),
                "moved_out": day_text(r.moved_out),
                "reported_on": r.reported_on.isoformat(),
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
    household = exchange.call(
        HOUSEHOLD_MEMBERS,
        context("certificate-issuance"),
        PersonOnDayRequest(person_id=person_id, on=as_of),
    )
    residences = _residences(exchange, context, person_id, as_of)
    person = known_person(summaries_of(exchange, context, [person_id]), person_id)
    current = [r for r in residences if not r.moved_out]
    members: list[dict[str, Any]] = []
    for member in household.members if household else ():
        ko, en = RELATION_TEXT.get(member.relation, (member.relation, member.relation))
        members.append(
            {
                "person_id": member.person_id,
                "name_ko": member.name_ko,
                "name_en": member.name_en,
                "birth_date": member.birth_date.isoformat(),
                "relation_ko": ko,
                "relation_en": en,
                "joined_on": member.joined_on.isoformat(),
            }
        )
    head = next((m for m in members if m["relation_en"] == "Head of household"), None)
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "address_ko": current[-1].address_ko if current else "",
        "address_en": current[-1].address_en if current else "",
        "head_name_ko": head["name_ko"] if head else "",
        "head_name_en": head["name_en"] if head else "",
        "members": members,
    }


def _residences(
    exchange: Exchange, context: ContextFor, person_id: int, as_of: dt.date
) -> tuple[Residence, ...]:
    """The person's addresses up to `as_of`, oldest first (none for a person not registered)."""
    history = exchange.call(
        ADDRESS_HISTORY,
        context("certificate-issuance"),
        PersonOnDayRequest(person_id=person_id, on=as_of),
    )
    return history.residences if history else ()
