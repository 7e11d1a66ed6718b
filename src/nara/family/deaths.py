"""The family register's part in a death report: the death recorded, a marriage ended by it;
and, for Safe Inheritance (안심상속), the rank of a would-be heir on the day of a death.

A death report (사망신고, 가족관계의 등록 등에 관한 법률 제84조) reaches the register as a
step of a one-stop case: `record_death` writes the death and ends the deceased's marriage in
force with the cause `death` (the spouse is widowed), once per step key. `heir_rank` tells
whether a person is an heir of the 1st rank (descendants and the spouse) or the 2nd rank
(ascendants and the spouse) by the links in force on the day of the death (민법 제1000조,
제1003조); brothers and sisters (3rd rank) and anyone else have no rank here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import not_in_future
from nara.core.errors import Conflict, Message
from nara.core.history import record_change
from nara.core.idempotency import apply_once
from nara.exchange import CallContext, Service
from nara.exchange.contracts.family import (
    DEATH_RECORD,
    DECEASED_RELATIVES,
    HEIR_RANK,
    DeathRecord,
    DeathRecordRequest,
    DeceasedRelative,
    DeceasedRelatives,
    DeceasedRelativesRequest,
    HeirRank,
    HeirRankRequest,
)
from nara.exchange.purposes import Purpose
from nara.family import repository
from nara.family.models import Death, FamilyChange, Marriage

DEATH_REPORT_REFERENCE: Final = "가족관계의 등록 등에 관한 법률 제84조 (사망신고와 그 기재사항)"
HEIR_RANK_REFERENCE: Final = "민법 제1000조 (상속의 순위), 제1003조 (배우자의 상속순위)"

EVENTS: Final[dict[str, str]] = {
    "family.death_recorded": "A person's death was recorded in the family register.",
    "family.marriage_ended_by_death": "A marriage ended by the death of a spouse (the other "
    "is widowed).",
}
"""Event types of this part (to be listed in the agency's `exchange.EVENTS`)."""


def death_of(session: Session, person_id: int) -> Death | None:
    return repository.death_of(session, person_id)


def _marriage_at_death(session: Session, person_id: int, died_on: dt.date) -> Marriage | None:
    """The marriage not ended when the person died (the one the death ends)."""
    for marriage in repository.marriages_of(session, person_id):
        if marriage.married_on <= died_on and marriage.ended_on is None:
            return marriage
    return None


def record_death(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    step_key: str,
    person_id: int,
    died_on: dt.date,
    case_reference: str,
) -> DeathRecord:
    """Record a death and end the deceased's marriage by it, once per step key."""

    def apply() -> dict[str, Any]:
        not_in_future(clock, died_on, "died_on")
        if death_of(session, person_id) is not None:
            raise Conflict(
                "death_already_recorded",
                Message(
                    "The family register already records this person's death.",
                    "가족관계등록부에 이미 이 사람의 사망이 기록되어 있습니다.",
                ),
            )
        death = Death(
            person_id=person_id,
            died_on=died_on,
            recorded_on=today(clock),
            case_reference=case_reference[:40],
        )
        session.add(death)
        session.flush()
        marriage = _marriage_at_death(session, person_id, died_on)
        if marriage is not None:
            marriage.ended_on, marriage.end_cause = died_on, "death"
            session.flush()
            record_change(
                session,
                clock,
                FamilyChange,
                entity="marriage",
                entity_id=marriage.id,
                action="ended_by_death",
                data={
                    "spouse_a_id": marriage.spouse_a_id,
                    "spouse_b_id": marriage.spouse_b_id,
                    "deceased_id": person_id,
                    "ended_on": died_on.isoformat(),
                },
                actor=actor,
                event_type="family.marriage_ended_by_death",
            )
        record_change(
            session,
            clock,
            FamilyChange,
            entity="death",
            entity_id=death.id,
            action="death_recorded",
            data={
                "person_id": person_id,
                "died_on": died_on.isoformat(),
                "marriage_ended_id": None if marriage is None else marriage.id,
            },
            actor=actor,
            event_type="family.death_recorded",
        )
        recorded = DeathRecord(
            person_id=person_id,
            died_on=died_on,
            death_id=death.id,
            marriage_ended_id=None if marriage is None else marriage.id,
        )
        return recorded.model_dump(mode="json", exclude={"repeated"})

    answer = apply_once(session, clock, scope=DEATH_RECORD.service, step_key=step_key, apply=apply)
    return DeathRecord.model_validate(answer)


def _spouse_at_death(session: Session, deceased: int, heir: int, died_on: dt.date) -> bool:
    for marriage in repository.marriages_of(session, deceased):
        if heir not in (marriage.spouse_a_id, marriage.spouse_b_id):
            continue
        ended = marriage.ended_on
        if marriage.married_on <= died_on and (
            ended is None or ended > died_on or (ended == died_on and marriage.end_cause == "death")
        ):
            return True
    return False


def heir_rank(
    session: Session, *, deceased_person_id: int, heir_person_id: int, died_on: dt.date
) -> tuple[int | None, str | None]:
    """The heir's rank (1, 2 or None) and relation to the deceased on the day of the death."""
    if heir_person_id == deceased_person_id:
        return None, None
    if _spouse_at_death(session, deceased_person_id, heir_person_id, died_on):
        return 1, "spouse"
    children = {
        link.child_id for link in repository.children_on(session, deceased_person_id, died_on)
    }
    parents = {
        link.parent_id for link in repository.parents_on(session, deceased_person_id, died_on)
    }
    grandchildren = {
        link.child_id
        for child in children
        for link in repository.children_on(session, child, died_on)
    }
    grandparents = {
        link.parent_id
        for parent in parents
        for link in repository.parents_on(session, parent, died_on)
    }
    ranks = (
        (1, "child", children),
        (1, "grandchild", grandchildren),
        (2, "parent", parents),
        (2, "grandparent", grandparents),
    )
    for rank, relation, kin in ranks:
        if heir_person_id in kin:
            return rank, relation
    return None, None


def deceased_relatives(
    session: Session, person_id: int, on: dt.date
) -> tuple[DeceasedRelative, ...]:
    """The recorded deaths of a person's spouses, parents, grandparents, children and
    grandchildren (those he may inherit from), oldest death first."""
    spouses = {
        marriage.spouse_b_id if marriage.spouse_a_id == person_id else marriage.spouse_a_id
        for marriage in repository.marriages_of(session, person_id)
    }
    parents = {link.parent_id for link in repository.parents_on(session, person_id, on)}
    children = {link.child_id for link in repository.children_on(session, person_id, on)}
    kin = spouses | parents | children
    for parent in parents:
        kin |= {link.parent_id for link in repository.parents_on(session, parent, on)}
    for child in children:
        kin |= {link.child_id for link in repository.children_on(session, child, on)}
    deaths = repository.deaths_of(session, kin)
    return tuple(DeceasedRelative(person_id=d.person_id, died_on=d.died_on) for d in deaths)


# Through the exchange ----------------------------------------------------------------------


def death_record(ctx: CallContext, request: DeathRecordRequest) -> DeathRecord:
    """Record a reported death and end the deceased's marriage, once per step key."""
    return record_death(
        session=ctx.session,
        clock=ctx.clock,
        actor=f"{ctx.client}:{ctx.user_id}",
        step_key=request.step_key,
        person_id=request.person_id,
        died_on=request.died_on,
        case_reference=ctx.case,
    )


def heir_rank_of(ctx: CallContext, request: HeirRankRequest) -> HeirRank:
    """Whether a person is a 1st- or 2nd-rank heir of a deceased on the day of the death."""
    rank, relation = heir_rank(
        ctx.session,
        deceased_person_id=request.deceased_person_id,
        heir_person_id=request.heir_person_id,
        died_on=request.on,
    )
    return HeirRank(
        deceased_person_id=request.deceased_person_id,
        heir_person_id=request.heir_person_id,
        on=request.on,
        rank=rank,
        relation=relation,
    )


def deceased_relatives_of(ctx: CallContext, request: DeceasedRelativesRequest) -> DeceasedRelatives:
    """The recorded deaths of the relatives a person may inherit from (ids and days)."""
    return DeceasedRelatives(
        person_id=request.person_id,
        deceased=deceased_relatives(ctx.session, request.person_id, today(ctx.clock)),
    )


SERVICES: list[Service] = [
    Service.typed(
        DEATH_RECORD,
        death_record,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="death-report",
                fields=frozenset(
                    {"person_id", "died_on", "death_id", "marriage_ended_id", "repeated"}
                ),
                lawful_basis="public_task",
                legal_reference=DEATH_REPORT_REFERENCE,
                en="A death report filed online is entered in the family register.",
                ko="온라인으로 접수된 사망신고를 가족관계등록부에 기록합니다.",
            ),
        ),
    ),
    Service.typed(
        HEIR_RANK,
        heir_rank_of,
        subjects=lambda request: [request.deceased_person_id, request.heir_person_id],
        purposes=(
            Purpose(
                code="inheritance-request",
                fields=frozenset(
                    {"deceased_person_id", "heir_person_id", "on", "rank", "relation"}
                ),
                lawful_basis="public_task",
                legal_reference=HEIR_RANK_REFERENCE,
                en="Safe Inheritance (안심상속) checks that the person asking is an heir of the "
                "1st or 2nd rank of the deceased.",
                ko="안심상속 원스톱 서비스가 신청인이 피상속인의 1순위 또는 2순위 상속인인지 "
                "확인합니다.",
            ),
        ),
    ),
    Service.typed(
        DECEASED_RELATIVES,
        deceased_relatives_of,
        subjects=lambda request: [request.person_id],
        answer_subjects=lambda answer: [found.person_id for found in answer.deceased],
        purposes=(
            Purpose(
                code="inheritance-request",
                fields=frozenset({"person_id", "deceased"}),
                lawful_basis="public_task",
                legal_reference=HEIR_RANK_REFERENCE,
                en="Safe Inheritance (안심상속) offers an heir the deceased relatives he may ask "
                "a lookup for.",
                ko="안심상속 원스톱 서비스가 신청인이 조회를 신청할 수 있는 사망한 가족을 "
                "보여 줍니다.",
            ),
        ),
    ),
]
"""Services of this part, offered through the agency's `exchange.SERVICES`."""
