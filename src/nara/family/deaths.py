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
from collections.abc import Mapping, Sequence
from typing import Any, Final

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import not_in_future
from nara.core.errors import Conflict, Message, invalid
from nara.core.history import record_change
from nara.core.idempotency import apply_once
from nara.exchange import CallContext, Service, date_param
from nara.exchange.purposes import Purpose
from nara.exchange.services import person_id_param, person_ids_param
from nara.family import repository
from nara.family.models import Death, FamilyChange, Marriage

DEATH_RECORD: Final = "family/death-record"
HEIR_RANK: Final = "family/heir-rank"
DECEASED_RELATIVES: Final = "family/deceased-relatives"
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
) -> dict[str, Any]:
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
        return {
            "person_id": person_id,
            "died_on": died_on.isoformat(),
            "death_id": death.id,
            "marriage_ended_id": None if marriage is None else marriage.id,
        }

    return apply_once(session, clock, scope=DEATH_RECORD, step_key=step_key, apply=apply)


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


def deceased_relatives(session: Session, person_id: int, on: dt.date) -> list[dict[str, Any]]:
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
    return [{"person_id": d.person_id, "died_on": d.died_on.isoformat()} for d in deaths]


# Through the exchange ----------------------------------------------------------------------


def death_record(
    ctx: CallContext, *, step_key: str, person_id: int, died_on: str
) -> dict[str, Any]:
    """Record a reported death and end the deceased's marriage, once per step key."""
    day = date_param(died_on, field_name="died_on")
    if day is None:
        raise invalid(
            "died_on_missing",
            "The date of death is required.",
            "사망일이 필요합니다.",
            field_name="died_on",
        )
    return record_death(
        session=ctx.session,
        clock=ctx.clock,
        actor=f"{ctx.client}:{ctx.user_id}",
        step_key=step_key,
        person_id=int(person_id),
        died_on=day,
        case_reference=ctx.case,
    )


def heir_rank_of(
    ctx: CallContext, *, deceased_person_id: int, heir_person_id: int, on: str
) -> dict[str, Any]:
    """Whether a person is a 1st- or 2nd-rank heir of a deceased on the day of the death."""
    day = date_param(on, field_name="on")
    if day is None:
        raise invalid(
            "on_missing",
            "The day of the death is required.",
            "사망일이 필요합니다.",
            field_name="on",
        )
    rank, relation = heir_rank(
        ctx.session,
        deceased_person_id=int(deceased_person_id),
        heir_person_id=int(heir_person_id),
        died_on=day,
    )
    return {
        "deceased_person_id": int(deceased_person_id),
        "heir_person_id": int(heir_person_id),
        "on": day.isoformat(),
        "rank": rank,
        "relation": relation,
    }


def deceased_relatives_of(ctx: CallContext, *, person_id: int) -> dict[str, Any]:
    """The recorded deaths of the relatives a person may inherit from (ids and days)."""
    return {
        "person_id": int(person_id),
        "deceased": deceased_relatives(ctx.session, int(person_id), today(ctx.clock)),
    }


def _deceased_read(answer: Any) -> list[int]:
    if not isinstance(answer, dict):
        return []
    return [int(found["person_id"]) for found in answer.get("deceased", [])]


def _deceased_and_heir(params: Mapping[str, Any]) -> Sequence[int]:
    named = [params.get("deceased_person_id"), params.get("heir_person_id")]
    return person_ids_param({"person_ids": [p for p in named if p is not None]})


SERVICES: list[Service] = [
    Service(
        id=DEATH_RECORD,
        description="Record a reported death in the family register and end the deceased's "
        "marriage by it, once per step key.",
        handler=death_record,
        subjects=person_id_param,
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
    Service(
        id=HEIR_RANK,
        description="Whether a person is an heir of the 1st rank (descendants, spouse) or the "
        "2nd rank (ascendants, spouse) of a deceased, by the links on the day of the death.",
        handler=heir_rank_of,
        subjects=_deceased_and_heir,
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
    Service(
        id=DECEASED_RELATIVES,
        description="The recorded deaths of a person's spouses, parents, grandparents, "
        "children and grandchildren: ids and days of death.",
        handler=deceased_relatives_of,
        subjects=person_id_param,
        answer_subjects=_deceased_read,
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
