"""Certificates of the family relations register: family relations, basic, marriage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.core.errors import Message, NotFound
from nara.documents.kinds.base import (
    KIND_TEXT,
    STATUS_TEXT,
    ContextFor,
    known_person,
    person_row,
    summaries_of,
)
from nara.exchange import Exchange


def family_relation(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The family relation certificate (가족관계증명서): the person, parents, spouse, children."""
    relations = exchange.call_json(
        "family/relations", context("family-register"), person_id=person_id, on=as_of.isoformat()
    )
    parents = relations.get("parents") or []
    spouse = relations.get("spouse")
    children = relations.get("children") or []
    ids = [person_id] + [int(p["person_id"]) for p in parents]
    ids += [int(spouse["person_id"])] if spouse else []
    ids += [int(c["person_id"]) for c in children]
    summaries = summaries_of(exchange, context("register-check"), list(dict.fromkeys(ids)))
    if person_id not in summaries:
        raise NotFound(
            "person_unknown",
            Message(
                f"The resident register has no person {person_id}.",
                f"주민등록에 {person_id}번 사람이 없습니다.",
            ),
        )

    def row(link: dict[str, Any], relation_ko: str, relation_en: str, note: str) -> dict[str, Any]:
        pid = int(link["person_id"])
        return {
            **person_row(summaries.get(pid), pid),
            "relation_ko": relation_ko,
            "relation_en": relation_en,
            "note": note,
        }

    parent_rows = [
        row(
            p,
            "부" if p["role"] == "father" else "모",
            "Father" if p["role"] == "father" else "Mother",
            KIND_TEXT.get(p.get("kind", "birth"), ""),
        )
        for p in sorted(parents, key=lambda p: 0 if p["role"] == "father" else 1)
    ]
    spouse_rows = (
        [row(spouse, "배우자", "Spouse", f"혼인 Married {spouse['married_on']}")] if spouse else []
    )
    child_rows = [
        row(c, "자녀", "Child", KIND_TEXT.get(c.get("kind", "birth"), ""))
        for c in sorted(
            children, key=lambda c: summaries.get(int(c["person_id"]), {}).get("birth_date", "")
        )
    ]
    return {
        "as_of": as_of.isoformat(),
        "person": person_row(summaries[person_id], person_id),
        "parents": parent_rows,
        "spouse": spouse_rows,
        "children": child_rows,
    }


MARITAL_TEXT = {
    "never_married": "미혼 Never married",
    "married": "혼인 중 Married",
    "divorced": "이혼 Divorced",
    "widowed": "사별 Widowed",
    "annulled": "혼인취소 Annulled",
}
ADOPTION_EVENT = {
    "adoption": ("입양", "Adoption"),
    "full_adoption": ("친양자 입양", "Full adoption"),
}
END_TEXT = {
    "divorce": "이혼 Divorce",
    "death": "사별 Death of a spouse",
    "annulment": "혼인취소 Annulment",
}


def basic(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The basic certificate (기본증명서): the person's own registration facts and events."""
    relations = exchange.call_json(
        "family/relations",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    marriages = exchange.call_json(
        "family/marriages-of-person",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    adoptive = [p for p in relations.get("parents") or [] if p.get("kind", "birth") != "birth"]
    ids = [person_id] + [int(p["person_id"]) for p in adoptive]
    summaries = summaries_of(exchange, context("register-check"), list(dict.fromkeys(ids)))
    person = known_person(summaries, person_id)
    events: list[dict[str, Any]] = [
        {"on": person["birth_date"], "event_ko": "출생", "event_en": "Birth", "detail": ""}
    ]
    for link in sorted(adoptive, key=lambda p: p.get("since", "")):
        parent = person_row(summaries.get(int(link["person_id"])), int(link["person_id"]))
        role = "양부 Adoptive father" if link["role"] == "father" else "양모 Adoptive mother"
        event_ko, event_en = ADOPTION_EVENT.get(link["kind"], ADOPTION_EVENT["adoption"])
        events.append(
            {
                "on": link.get("since", ""),
                "event_ko": event_ko,
                "event_en": event_en,
                "detail": f"{role}: {parent['name_ko']} ({parent['name_en']})",
            }
        )
    summary = summaries[person_id]
    if summary.get("status") in {"deceased", "emigrated"}:
        ko, en = STATUS_TEXT[summary["status"]].split(" ", 1)
        events.append({"on": "", "event_ko": ko, "event_en": en, "detail": ""})
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "marital_status_text": MARITAL_TEXT.get(marriages.get("marital_status", ""), ""),
        "events": events,
    }


def marriage(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The marriage relation certificate (혼인관계증명서): current and past marriages."""
    found = exchange.call_json(
        "family/marriages-of-person",
        context("certificate-issuance"),
        person_id=person_id,
        on=as_of.isoformat(),
    )
    marriages = found.get("marriages") or []
    ids = [person_id] + [int(m["spouse_id"]) for m in marriages]
    summaries = summaries_of(exchange, context("register-check"), list(dict.fromkeys(ids)))
    person = known_person(summaries, person_id)
    rows = [
        {
            **person_row(summaries.get(int(m["spouse_id"])), int(m["spouse_id"])),
            "married_on": m["married_on"],
            "ended_on": m.get("ended_on") or "",
            "end_text": END_TEXT.get(m.get("end_cause") or "", "") if m.get("ended_on") else "",
            "current": not m.get("ended_on"),
        }
        for m in marriages
    ]
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "marital_status_text": MARITAL_TEXT.get(found.get("marital_status", ""), ""),
        "current": [row for row in rows if row["current"]],
        "past": [row for row in rows if not row["current"]],
    }
