"""What the family agency offers other agencies through the exchange, and its events."""

from __future__ import annotations

from nara.core.clock import today
from nara.exchange import CallContext, Service
from nara.exchange.contracts.family import (
    MARRIAGES_OF_PERSON,
    RELATIONS,
    MarriageOfPerson,
    MarriagesOfPerson,
    PersonOnDayRequest,
    Relations,
    Relative,
    Spouse,
)
from nara.exchange.purposes import Purpose
from nara.family import births, deaths, repository
from nara.family.models import Parentage
from nara.family.records import marital_status_on, relations_on, spouse_of

CERTIFICATE_ISSUANCE_REFERENCE = "가족관계의 등록 등에 관한 법률 제15조 (증명서의 종류 및 기록사항)"


def _relative(link: Parentage, person_id: int) -> Relative:
    return Relative(
        person_id=person_id, role=link.parent_role, kind=link.kind, since=link.established_on
    )


def relations(ctx: CallContext, request: PersonOnDayRequest) -> Relations:
    """A person's parents, spouse and children in force on a date (today by default), by id.

    Callers that need names ask the resident register for `residents/person-summaries`.
    """
    as_of = request.on or today(ctx.clock)
    found = relations_on(ctx.session, request.person_id, as_of)
    marriage = found.marriage
    return Relations(
        person_id=request.person_id,
        as_of=as_of,
        parents=tuple(_relative(link, link.parent_id) for link in found.parents),
        spouse=None
        if marriage is None
        else Spouse(
            person_id=spouse_of(marriage, request.person_id),
            marriage_id=marriage.id,
            married_on=marriage.married_on,
        ),
        children=tuple(_relative(link, link.child_id) for link in found.children),
    )


def marriages_of_person(ctx: CallContext, request: PersonOnDayRequest) -> MarriagesOfPerson:
    """Every marriage of a person known on a date (today by default), oldest first, by id.

    A marriage ended after the date is shown as it stood then (not yet ended). The marital
    status is the one on the date (`never_married`, `married`, `divorced`, `widowed`,
    `annulled`).
    """
    person_id = request.person_id
    as_of = request.on or today(ctx.clock)
    marriages = [
        m for m in repository.marriages_of(ctx.session, person_id) if m.married_on <= as_of
    ]
    marriages.sort(key=lambda m: (m.married_on, m.id))
    shown: list[MarriageOfPerson] = []
    for marriage in marriages:
        ended = marriage.ended_on is not None and marriage.ended_on <= as_of
        shown.append(
            MarriageOfPerson(
                marriage_id=marriage.id,
                spouse_id=spouse_of(marriage, person_id),
                married_on=marriage.married_on,
                ended_on=marriage.ended_on if ended else None,
                end_cause=marriage.end_cause if ended else None,
            )
        )
    return MarriagesOfPerson(
        person_id=person_id,
        as_of=as_of,
        marital_status=marital_status_on(ctx.session, person_id, as_of),
        marriages=tuple(shown),
    )


SERVICES: list[Service] = [
    Service.typed(
        RELATIONS,
        relations,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="family-register",
                fields=frozenset({"person_id", "as_of", "parents", "spouse", "children"}),
                lawful_basis="public_task",
                legal_reference="가족관계의 등록 등에 관한 법률 제14조 (증명서의 교부 등)",
                en="An agency establishes a person's parents, spouse and children for a "
                "registration or benefit it decides.",
                ko="등록 또는 급여 처분을 위해 부모·배우자·자녀를 확인합니다.",
            ),
            Purpose(
                code="certificate-issuance",
                fields=frozenset({"person_id", "as_of", "parents", "spouse", "children"}),
                lawful_basis="public_task",
                legal_reference=CERTIFICATE_ISSUANCE_REFERENCE,
                en="The single window issues the person's family relation or basic certificate "
                "(가족관계증명서, 기본증명서) at his request.",
                ko="정부24가 신청에 따라 가족관계증명서·기본증명서를 발급합니다.",
            ),
            Purpose(
                code="spouse-check",
                fields=frozenset({"person_id", "as_of", "spouse"}),
                lawful_basis="consent",
                legal_reference="",
                en="A service the person applied for checks whether he is married, and to whom.",
                ko="본인이 신청한 서비스가 혼인 여부와 배우자를 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        MARRIAGES_OF_PERSON,
        marriages_of_person,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="certificate-issuance",
                fields=frozenset({"person_id", "as_of", "marital_status", "marriages"}),
                lawful_basis="public_task",
                legal_reference=CERTIFICATE_ISSUANCE_REFERENCE,
                en="The single window issues the person's marriage relation or basic certificate "
                "(혼인관계증명서, 기본증명서) at his request.",
                ko="정부24가 신청에 따라 혼인관계증명서·기본증명서를 발급합니다.",
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""
SERVICES += births.SERVICES + deaths.SERVICES

EVENTS: dict[str, str] = {
    "family.birth_registered": "A child was linked to its father and/or mother by birth.",
    "family.adopted": "A child was adopted (kind adoption) or fully adopted (kind "
    "full_adoption, which ended the links in the roles it filled).",
    "family.adoption_ended": "An adoption was dissolved; ending a full adoption restores the "
    "birth link it had ended.",
    "family.married": "Two persons married.",
    "family.divorced": "A marriage ended by divorce.",
    **deaths.EVENTS,
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ("residents/person-summaries",)
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
