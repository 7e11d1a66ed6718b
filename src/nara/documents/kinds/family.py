"""Certificates of the family relations register: family relations, basic, marriage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.core.errors import Message, NotFound
from nara.documents.kinds.base import (
    KIND_TEXT,
    STATUS_TEXT,
    ContextFor,
    day_text,
    known_person,
    person_row,
    summaries_of,
)
from nara.exchange import Exchange
from nara.exchange.contracts.family import (
    MARRIAGES_OF_PERSON,
    RELATIONS,
    PersonOnDayRequest,
    Relative,
)


def family_relation(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The family relation certificate (가족관계증명서): the person, parents, spouse, children."""
    relations = exchange.call(
        RELATIONS, context("family-register"), PersonOnDayRequest(person_id=person_id, on=as_of)
    )
    spouse = relations.spouse
    ids = [person_id] + [p.person_id for p in relations.parents]
    ids += [spouse.person_id] if spouse else []
    ids += [c.person_id for c in relations.children]
    summaries = summaries_of(exchange, context, ids)
    if person_id not in summaries:
        raise NotFound(
            "person_unknown",
            Message(
                f"The resident register has no person {person_id}.",
                f"주민등록에 {person_id}번 사람이 없습니다.",
            ),
        )

    def row(pid: int, relation_ko: str, relation_en: str, note: str) -> dict[str, Any]:
        return {
            **person_row(summaries.get(pid), pid),
            "relation_ko": relation_ko,
            "relation_en": relation_en,
            "note": note,
        }

    parent_rows = [
        row(
            p.person_id,
            "부" if p.role == "father" else "모",
            "Father" if p.role == "father" else "Mother",
            KIND_TEXT.get(p.kind, ""),
        )
        for p in sorted(relations.parents, key=lambda p: 0 if p.role == "father" else 1)
    ]
    married = f"혼인 Married {spouse.married_on.isoformat()}" if spouse else ""
    spouse_rows = [row(spouse.person_id, "배우자", "Spouse", married)] if spouse else []
    child_rows = sorted(
        (row(c.person_id, "자녀", "Child", KIND_TEXT.get(c.kind, "")) for c in relations.children),
        key=lambda child: str(child["birth_date"]),
    )
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
    asked = PersonOnDayRequest(person_id=person_id, on=as_of)
    relations = exchange.call(RELATIONS, context("certificate-issuance"), asked)
    marriages = exchange.call(MARRIAGES_OF_PERSON, context("certificate-issuance"), asked)
    adoptive = [p for p in relations.parents if p.kind != "birth"]
    summaries = summaries_of(exchange, context, [person_id] + [p.person_id for p in adoptive])
    person = known_person(summaries, person_id)
    events: list[dict[str, Any]] = [
        {"on": person["birth_date"], "event_ko": "출생", "event_en": "Birth", "detail": ""}
    ]
    for link in sorted(adoptive, key=lambda p: p.since):
        events.append(
            _adoption_event(link, person_row(summaries.get(link.person_id), link.person_id))
        )
    status = summaries[person_id].status
    if status in {"deceased", "emigrated"}:
        ko, en = STATUS_TEXT[status].split(" ", 1)
        events.append({"on": "", "event_ko": ko, "event_en": en, "detail": ""})
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "marital_status_text": MARITAL_TEXT.get(marriages.marital_status, ""),
        "events": events,
    }


def _adoption_event(link: Relative, parent: dict[str, Any]) -> dict[str, Any]:
    """A basic certificate's event of adoption by `parent`."""
    role = "양부 Adoptive father" if link.role == "father" else "양모 Adoptive mother"
    event_ko, event_en = ADOPTION_EVENT.get(link.kind, ADOPTION_EVENT["adoption"])
    return {
        "on": link.since.isoformat(),
        "event_ko": event_ko,
        "event_en": event_en,
        "detail": f"{role}: {parent['name_ko']} ({parent['name_en']})",
    }


def marriage(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The marriage relation certificate (혼인관계증명서): current and past marriages."""
    found = exchange.call(
        MARRIAGES_OF_PERSON,
        context("certificate-issuance"),
        PersonOnDayRequest(person_id=person_id, on=as_of),
    )
    summaries = summaries_of(
        exchange, context, [person_id] + [m.spouse_id for m in found.marriages]
    )
    person = known_person(summaries, person_id)
    rows = [
        {
            **person_row(summaries.get(m.spouse_id), m.spouse_id),
            "married_on": m.married_on.isoformat(),
            "ended_on": day_text(m.ended_on),
            "end_text": END_TEXT.get(m.end_cause or "", "") if m.ended_on else "",
            "current": not m.ended_on,
        }
        for m in found.marriages
    ]
    return {
        "as_of": as_of.isoformat(),
        "person": person,
        "marital_status_text": MARITAL_TEXT.get(found.marital_status, ""),
        "current": [row for row in rows if row["current"]],
        "past": [row for row in rows if not row["current"]],
    }
