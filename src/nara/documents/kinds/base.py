"""What every kind shares: the kind itself, and the person rows certificates show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nara.core.errors import Invalid, Message, NotFound, invalid
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import Contract
from nara.exchange.contracts.residents import (
    PERSON_SUMMARIES,
    PersonSummariesRequest,
    PersonSummary,
    Sex,
)

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
REGISTER_CHECK = "register-check"
"""The purpose certificates read persons for: it sees their birth date and sex."""


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


class CheckedPerson(PersonSummary):
    """A person as the `register-check` view shows him: birth date and sex always given."""

    birth_date: dt.date
    sex: Sex


CHECKED_PERSONS: Contract[PersonSummariesRequest, dict[int, CheckedPerson]] = Contract(
    PERSON_SUMMARIES.service,
    PersonSummariesRequest,
    dict[int, CheckedPerson],
    summary=PERSON_SUMMARIES.summary,
)
"""`residents/person-summaries` as read for `register-check`: an answer lacking a birth date
or a sex does not fit it (502 `answer_invalid`)."""


def day_text(day: dt.date | None) -> str:
    """A date as a certificate writes it (`2010-06-30`), empty when there is none."""
    return day.isoformat() if day else ""


def summaries_of(
    exchange: Exchange, context: ContextFor, ids: Iterable[int]
) -> dict[int, CheckedPerson]:
    """The registered persons among `ids` (each asked once), read for `register-check`."""
    request = PersonSummariesRequest(person_ids=tuple(dict.fromkeys(ids)))
    return exchange.call(CHECKED_PERSONS, context(REGISTER_CHECK), request)


def person_row(summary: CheckedPerson | None, person_id: int) -> dict[str, Any]:
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
        "name_ko": summary.name_ko,
        "name_en": summary.name_en,
        "birth_date": summary.birth_date.isoformat(),
        "sex_text": SEX_TEXT.get(summary.sex, ""),
        "status_text": STATUS_TEXT.get(summary.status, summary.status),
    }


def known_person(summaries: dict[int, CheckedPerson], person_id: int) -> dict[str, Any]:
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
