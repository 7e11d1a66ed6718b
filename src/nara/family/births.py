"""The family register's part in a birth report: the child recorded with both parents.

A birth report filed online is carried to this register as a step (`family/birth-record`),
applied once per step key: the child, just registered by the resident register, is linked
by birth to its father and/or mother (`service.register_birth`, which reads the persons
from the resident register through the exchange, as the family agency).
"""

from __future__ import annotations

from typing import Any, Final

from nara.core.idempotency import apply_once
from nara.exchange import CallContext, Service
from nara.exchange.contracts.family import (
    BIRTH_RECORD,
    BirthParentage,
    BirthRecord,
    BirthRecordRequest,
)
from nara.exchange.directory import ResidentDirectory
from nara.exchange.purposes import Purpose
from nara.family import service
from nara.family.schemas import BirthCreate

AGENCY: Final = "family"
PERSONS_PURPOSE: Final = "register-check"


def _residents(ctx: CallContext) -> ResidentDirectory:
    """The resident register as this agency reads it from inside a handler (same case)."""
    return ResidentDirectory.onward(ctx, client=AGENCY, purpose=PERSONS_PURPOSE)


def birth_record(ctx: CallContext, request: BirthRecordRequest) -> BirthRecord:
    """Link a newborn to its father and/or mother by birth, once per step key."""
    birth_in = BirthCreate(
        child_id=request.child_person_id,
        father_id=request.father_person_id,
        mother_id=request.mother_person_id,
    )

    def apply() -> dict[str, Any]:
        links = service.register_birth(
            session=ctx.session,
            clock=ctx.clock,
            residents=_residents(ctx),
            actor=f"{ctx.client}:{ctx.user_id}",
            birth_in=birth_in,
        )
        made = BirthRecord(
            child_person_id=birth_in.child_id,
            parentages=tuple(
                BirthParentage(
                    parentage_id=link.id,
                    parent_person_id=link.parent_id,
                    role=link.parent_role,
                    kind=link.kind,
                    established_on=link.established_on,
                )
                for link in links
            ),
        )
        return made.model_dump(mode="json", exclude={"repeated"})

    answer = apply_once(
        ctx.session, ctx.clock, scope=BIRTH_RECORD.service, step_key=request.step_key, apply=apply
    )
    return BirthRecord.model_validate(answer)


def _persons_named(request: BirthRecordRequest) -> list[int]:
    named = (request.child_person_id, request.father_person_id, request.mother_person_id)
    return [p for p in named if p is not None]


SERVICES: list[Service] = [
    Service.typed(
        BIRTH_RECORD,
        birth_record,
        subjects=_persons_named,
        purposes=(
            Purpose(
                code="birth-report",
                fields=frozenset({"child_person_id", "parentages", "repeated"}),
                lawful_basis="public_task",
                legal_reference="가족관계의 등록 등에 관한 법률 제44조 (출생신고의 기재사항)",
                en="A birth report filed online records the child with its parents in the "
                "family register.",
                ko="온라인으로 접수된 출생신고에 따라 자녀와 부모의 관계를 가족관계등록부에 "
                "기록합니다.",
            ),
        ),
    ),
]
"""Services of this part, offered through the agency's `exchange.SERVICES`."""
