"""What every kind shares: the kind itself, and the person rows certificates show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nara.core.errors import Invalid, Message, NotFound, invalid
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
    fetch: Callable[[Exchange, ContextFor, int, dt.date, str | None], dict[str, Any]]
    """Reads the content: (exchange, context, person id, as-of date, subject). The subject
    names the register entry when it is not the person (a parcel's PNU)."""
    uses: tuple[tuple[str, str], ...]
    """The exchange services (and purposes) `fetch` calls."""
    attest_ko: str = "위 기록 사항은 가족관계등록부의 기록 사항과 틀림없음을 증명합니다."
    attest_en: str = "We certify that the above agrees with the family relations register."


def summaries_of(exchange: Exchange, ctx: CallContext, ids: list[int]) -> dict[int, dict[str, Any]]:
    answer = exchange.call_json("residents/person-summaries", ctx, person_ids=ids)
    return {int(key): value for key, value in answer.items()}


def person_row(summary: dict[str, Any] | None, person_id: int) -> dict[str, Any]:
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


def known_person(summaries: dict[int, dict[str, Any]], person_id: int) -> dict[str, Any]:
    if person_id not in summaries:
        raise NotFound(
            "person_unknown",
            Message(
                f"The resident register has no person {person_id}.",
                f"주민등록에 {person_id}번 사람이 없습니다.",
            ),
        )
    return person_row(summaries[person_id], person_id)


def subject_missing(what_en: str, what_ko: str) -> Invalid:
    return invalid(
        "document_subject_missing",
        f"This certificate names its register entry: give {what_en} as the subject.",
        f"이 증명서는 대상을 지정해야 합니다: subject에 {what_ko}을(를) 주십시오.",
        field_name="subject",
    )
