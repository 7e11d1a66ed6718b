"""The family register's part in a birth report: the child recorded with both parents.

A birth report filed online is carried to this register as a step (`family/birth-record`),
applied once per step key: the child, just registered by the resident register, is linked
by birth to its father and/or mother (`service.register_birth`, which reads the persons
from the resident register through the exchange, as the family agency).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from nara.core.idempotency import apply_once
from nara.exchange import CallContext, Service
from nara.exchange.directory import ResidentDirectory
from nara.exchange.purposes import Purpose
from nara.family import service
from nara.family.schemas import BirthCreate

BIRTH_RECORD: Final = "family/birth-record"
AGENCY: Final = "family"
PERSONS_PURPOSE: Final = "register-check"


def _residents(ctx: CallContext) -> ResidentDirectory:
    """The resident register as this agency reads it from inside a handler (same case)."""
    if ctx.exchange is None:
        raise RuntimeError("the call context has no exchange to call onward through")
    return ResidentDirectory(ctx.exchange, replace(ctx, client=AGENCY, purpose=PERSONS_PURPOSE))


def birth_record(
    ctx: CallContext,
    *,
    step_key: str,
    child_person_id: int,
    father_person_id: int | None = None,
    mother_person_id: int | None = None,
) -> dict[str, Any]:
    """Link a newborn to its father and/or mother by birth, once per step key."""
    birth_in = BirthCreate(
        child_id=child_person_id, father_id=father_person_id, mother_id=mother_person_id
    )

    def apply() -> dict[str, Any]:
        links = service.register_birth(
            session=ctx.session,
            clock=ctx.clock,
            residents=_residents(ctx),
            actor=f"{ctx.client}:{ctx.user_id}",
            birth_in=birth_in,
        )
        return {
            "child_person_id": birth_in.child_id,
            "parentages": [
                {
                    "parentage_id": link.id,
                    "parent_person_id": link.parent_id,
                    "role": link.parent_role,
                    "kind": link.kind,
                    "established_on": link.established_on.isoformat(),
                }
                for link in links
            ],
        }

    return apply_once(ctx.session, ctx.clock, scope=BIRTH_RECORD, step_key=step_key, apply=apply)


def _persons_named(params: Mapping[str, Any]) -> Sequence[int]:
    named = (
        params.get("child_person_id"),
        params.get("father_person_id"),
        params.get("mother_person_id"),
    )
    return [int(p) for p in named if p is not None]


SERVICES: list[Service] = [
    Service(
        id=BIRTH_RECORD,
        description="Record a newborn with its father and/or mother by birth, once per step "
        "key; answers the parent-child links made.",
        handler=birth_record,
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
