"""The kinds of document this platform issues, and what each reads through the exchange.

A kind has a code (`family-relation`), Korean and English titles, the issuing authority's
name, its HTML template under `templates/`, and `fetch`, which reads the data it shows through
`nara.exchange` as the single window (`gov24`) and returns the content snapshot: plain JSON,
kept with the issuance and shown again by the verification page.

Resident registration numbers are not offered through the exchange, so certificates show
dates of birth where the paper certificate shows RRNs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nara.core.errors import Message, NotFound
from nara.exchange import CallContext, Exchange

ContextFor = Callable[[str], CallContext]
"""Gives the exchange call context for a purpose code (client `gov24`, the requester...)."""

SEX_TEXT = {"M": "남 M", "F": "여 F"}
STATUS_TEXT = {
    "alive": "생존 Alive",
    "deceased": "사망 Deceased",
    "emigrated": "국외이주 Emigrated",
}
KIND_TEXT = {
    "birth": "",
    "adoption": "입양 Adoption",
    "full_adoption": "친양자 입양 Full adoption",
}


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title_ko: str
    title_en: str
    issuer: str
    template: str
    fetch: Callable[[Exchange, ContextFor, int, dt.date], dict[str, Any]]
    uses: tuple[tuple[str, str], ...]
    """The exchange services (and purposes) `fetch` calls."""


def _summaries(exchange: Exchange, ctx: CallContext, ids: list[int]) -> dict[int, dict[str, Any]]:
    answer = exchange.call("residents/person-summaries", ctx, person_ids=ids)
    return {int(key): value for key, value in answer.items()}


def _person(summary: dict[str, Any] | None, person_id: int) -> dict[str, Any]:
    if summary is None:
        return {
            "person_id": person_id,
            "name_ko": "(미확인)",
            "name_en": "(unknown)",
            "birth_date": "",
            "sex_text": "",
            "status_text": "",
        }
    return {
        "person_id": person_id,
        "name_ko": summary.get("name_ko", ""),
        "name_en": summary.get("name_en", ""),
        "birth_date": summary.get("birth_date", ""),
        "sex_text": SEX_TEXT.get(summary.get("sex", ""), ""),
        "status_text": STATUS_TEXT.get(summary.get("status", ""), summary.get("status", "")),
    }


def family_relation(
    exchange: Exchange, context: ContextFor, person_id: int, as_of: dt.date
) -> dict[str, Any]:
    """The family relation certificate (가족관계증명서): the person, parents, spouse, children."""
    relations = exchange.call(
        "family/relations", context("family-register"), person_id=person_id, on=as_of.isoformat()
    )
    parents = relations.get("parents") or []
    spouse = relations.get("spouse")
    children = relations.get("children") or []
    ids = [person_id] + [int(p["person_id"]) for p in parents]
    ids += [int(spouse["person_id"])] if spouse else []
    ids += [int(c["person_id"]) for c in children]
    summaries = _summaries(exchange, context("register-check"), list(dict.fromkeys(ids)))
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
            **_person(summaries.get(pid), pid),
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
        "person": _person(summaries[person_id], person_id),
        "parents": parent_rows,
        "spouse": spouse_rows,
        "children": child_rows,
    }


KINDS: dict[str, DocumentKind] = {
    kind.code: kind
    for kind in (
        DocumentKind(
            code="family-relation",
            title_ko="가족관계증명서",
            title_en="Certificate of Family Relations",
            issuer="법원행정처장 Minister of National Court Administration",
            template="family-relation.html",
            fetch=family_relation,
            uses=(
                ("family/relations", "family-register"),
                ("residents/person-summaries", "register-check"),
            ),
        ),
    )
}
"""Every kind this platform issues, by code."""


def kind_of(code: str) -> DocumentKind:
    """The kind `code`, or 404 `document_kind_unknown`."""
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound(
            "document_kind_unknown",
            Message(
                f"No document of kind {code!r} is issued here.",
                f"{code!r} 종류의 증명서는 발급하지 않습니다.",
            ),
        )
    return kind
