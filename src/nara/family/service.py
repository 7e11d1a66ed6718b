"""The rules of the family register: parentage by birth and adoption, marriage and divorce.

Persons belong to the resident register; this register reads them through the exchange
(`residents/person-summaries`) and keeps only their ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.dates import age_on, not_in_future
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.exchange.directory import PersonSummary, ResidentDirectory, check_alive
from nara.family import repository
from nara.family.models import FamilyChange, Marriage, Parentage
from nara.family.schemas import (
    AdoptionCreate,
    AdoptionEndCreate,
    BirthCreate,
    DivorceCreate,
    MarriageCreate,
)

MARRIAGE_AGE = 18
"""Age from which a person may marry (Civil Code art. 807)."""
MAJORITY_AGE = 19
"""Age of majority; only a minor can be fully adopted (Civil Code art. 908-2)."""
ROLES = ("father", "mother")
SEX_OF_ROLE = {"father": "M", "mother": "F"}
ADOPTION_KINDS = ("adoption", "full_adoption")


def _named_parents(father_id: int | None, mother_id: int | None, child_id: int) -> dict[str, int]:
    named = {
        role: pid
        for role, pid in zip(ROLES, (father_id, mother_id), strict=True)
        if pid is not None
    }
    if not named:
        raise invalid(
            "parent_missing",
            "Name the father, the mother or both.",
            "부 또는 모, 혹은 둘 다를 입력하세요.",
            field_name="father_id",
        )
    for role, pid in named.items():
        if pid == child_id:
            raise invalid(
                "self_parentage",
                "A person cannot be their own parent.",
                "자기 자신의 부모가 될 수 없습니다.",
                field_name=f"{role}_id",
            )
    return named


def _check_parent(child: PersonSummary, parent: PersonSummary, role: str) -> None:
    if parent.sex != SEX_OF_ROLE[role]:
        raise invalid(
            "parent_sex_mismatch",
            f"A {role} is registered with sex {SEX_OF_ROLE[role]}; "
            f"person {parent.person_id} is {parent.sex}.",
            f"{'부' if role == 'father' else '모'}의 성별은 {SEX_OF_ROLE[role]}이어야 합니다.",
            field_name=f"{role}_id",
        )
    if parent.birth_date >= child.birth_date:
        raise invalid(
            "parent_not_older",
            f"A parent must be born before the child (born {child.birth_date}).",
            f"부모는 자녀({child.birth_date} 출생)보다 먼저 태어났어야 합니다.",
            field_name=f"{role}_id",
        )


def _parentage_exists(child_id: int, parent_id: int) -> Conflict:
    return Conflict(
        "parentage_exists",
        Message(
            f"Person {parent_id} is already a parent of person {child_id}.",
            f"{parent_id}번 사람은 이미 {child_id}번 사람의 부모로 등록되어 있습니다.",
        ),
        {"child_id": child_id, "parent_id": parent_id},
    )


def _role_taken(child_id: int, role: str) -> Conflict:
    return Conflict(
        f"{role}_already_registered",
        Message(
            f"Person {child_id} already has a {role} by birth or full adoption.",
            f"{child_id}번 사람에게는 이미 친생 또는 친양자 관계의 "
            f"{'부' if role == 'father' else '모'}가 등록되어 있습니다.",
        ),
        {"child_id": child_id, "role": role},
    )


def _link(child_id: int, parent_id: int, role: str, kind: str, on: dt.date) -> Parentage:
    return Parentage(
        child_id=child_id,
        parent_id=parent_id,
        parent_role=role,
        kind=kind,
        established_on=on,
        ended_on=None,
        end_cause=None,
    )


def register_birth(
    *,
    session: Session,
    clock: Clock,
    residents: ResidentDirectory,
    actor: str,
    birth_in: BirthCreate,
) -> list[Parentage]:
    """Link a child to its father and/or mother by birth, from the child's birth date."""
    named = _named_parents(birth_in.father_id, birth_in.mother_id, birth_in.child_id)
    people = residents.require([birth_in.child_id, *named.values()])
    child = people[birth_in.child_id]
    for role, pid in named.items():
        _check_parent(child, people[pid], role)
    current = repository.current_parentages_of_child(session, child.person_id)
    for role, pid in named.items():
        if any(link.parent_id == pid for link in current):
            raise _parentage_exists(child.person_id, pid)
        if any(link.parent_role == role and link.kind != "adoption" for link in current):
            raise _role_taken(child.person_id, role)
    links = [
        _link(child.person_id, pid, role, "birth", child.birth_date) for role, pid in named.items()
    ]
    repository.add(session, *links)
    session.flush()
    record_change(
        session,
        clock,
        FamilyChange,
        entity="person",
        entity_id=child.person_id,
        action="birth_registered",
        data={
            "father_id": birth_in.father_id,
            "mother_id": birth_in.mother_id,
            "born_on": child.birth_date.isoformat(),
            "parentage_ids": [link.id for link in links],
        },
        actor=actor,
        event_type="family.birth_registered",
    )
    return links


@dataclass(frozen=True)
class Adoption:
    created: list[Parentage]
    ended: list[Parentage]


def register_adoption(
    *,
    session: Session,
    clock: Clock,
    residents: ResidentDirectory,
    actor: str,
    adoption_in: AdoptionCreate,
) -> Adoption:
    """Link a child to adoptive parents. A full adoption ends the links in the roles it fills."""
    named = _named_parents(adoption_in.father_id, adoption_in.mother_id, adoption_in.child_id)
    on = adoption_in.adopted_on
    not_in_future(clock, on, "adopted_on")
    people = residents.require([adoption_in.child_id, *named.values()])
    child = people[adoption_in.child_id]
    if on < child.birth_date:
        raise invalid(
            "date_before_birth",
            f"The adoption date is before the child's birth ({child.birth_date}).",
            f"입양일이 자녀의 출생일({child.birth_date})보다 앞섭니다.",
            field_name="adopted_on",
        )
    for person in people.values():
        check_alive(person)
    for role, pid in named.items():
        _check_parent(child, people[pid], role)
    full = adoption_in.kind == "full_adoption"
    if full and age_on(child.birth_date, on) >= MAJORITY_AGE:
        raise invalid(
            "full_adoption_of_adult",
            "Only a minor (under 19) can be fully adopted.",
            "친양자 입양은 미성년자(19세 미만)만 할 수 있습니다.",
            field_name="child_id",
        )
    current = repository.current_parentages_of_child(session, child.person_id)
    for pid in named.values():
        if any(link.parent_id == pid for link in current):
            raise _parentage_exists(child.person_id, pid)
    ending = [
        link
        for link in current
        if full and link.parent_role in named and link.kind != "full_adoption"
    ]
    if full:
        for role in named:
            if any(link.parent_role == role and link.kind == "full_adoption" for link in current):
                raise _role_taken(child.person_id, role)
        if any(link.established_on > on for link in ending):
            raise Conflict(
                "parentage_after_adoption",
                Message(
                    "A link the full adoption would end began after the adoption date.",
                    "친양자 입양으로 종료될 친자 관계가 입양일 이후에 성립되었습니다.",
                ),
                {"child_id": child.person_id},
            )
    for link in ending:
        link.ended_on = on
        link.end_cause = "full_adoption"
    links = [_link(child.person_id, pid, role, adoption_in.kind, on) for role, pid in named.items()]
    repository.add(session, *links)
    session.flush()
    record_change(
        session,
        clock,
        FamilyChange,
        entity="person",
        entity_id=child.person_id,
        action="adopted",
        data={
            "kind": adoption_in.kind,
            "father_id": adoption_in.father_id,
            "mother_id": adoption_in.mother_id,
            "adopted_on": on.isoformat(),
            "parentage_ids": [link.id for link in links],
            "ended_parentage_ids": [link.id for link in ending],
        },
        actor=actor,
        event_type="family.adopted",
    )
    return Adoption(created=links, ended=ending)


@dataclass(frozen=True)
class AdoptionEnding:
    ended: Parentage
    restored: list[Parentage]


def end_adoption(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    parentage_id: int,
    end_in: AdoptionEndCreate,
) -> AdoptionEnding:
    """Dissolve an adoption link (파양). Ending a full adoption restores the birth link it ended."""
    link = repository.parentage(session, parentage_id)
    if link is None or link.kind not in ADOPTION_KINDS:
        raise NotFound(
            "adoption_unknown",
            Message(
                f"There is no adoption with id {parentage_id}.",
                f"id {parentage_id}인 입양 관계가 없습니다.",
            ),
        )
    if link.ended_on is not None:
        raise Conflict(
            "adoption_ended",
            Message(
                f"This adoption already ended on {link.ended_on}.",
                f"이 입양 관계는 이미 {link.ended_on}에 종료되었습니다.",
            ),
        )
    on = end_in.ended_on
    not_in_future(clock, on, "ended_on")
    if on < link.established_on:
        raise invalid(
            "end_before_start",
            f"An adoption cannot end before it began ({link.established_on}).",
            f"입양 관계는 성립일({link.established_on}) 이전에 종료될 수 없습니다.",
            field_name="ended_on",
        )
    link.ended_on = on
    link.end_cause = "dissolution"
    restored: list[Parentage] = []
    if link.kind == "full_adoption":
        birth = repository.birth_link_ended_by_full_adoption(
            session, link.child_id, link.parent_role, link.established_on
        )
        if birth is not None:
            restored.append(_link(link.child_id, birth.parent_id, link.parent_role, "birth", on))
    repository.add(session, *restored)
    session.flush()
    record_change(
        session,
        clock,
        FamilyChange,
        entity="parentage",
        entity_id=link.id,
        action="adoption_ended",
        data={
            "child_id": link.child_id,
            "parent_id": link.parent_id,
            "kind": link.kind,
            "ended_on": on.isoformat(),
            "restored_parentage_ids": [r.id for r in restored],
        },
        actor=actor,
        event_type="family.adoption_ended",
    )
    return AdoptionEnding(ended=link, restored=restored)


def register_marriage(
    *,
    session: Session,
    clock: Clock,
    residents: ResidentDirectory,
    actor: str,
    marriage_in: MarriageCreate,
) -> Marriage:
    """Register a marriage between two living adults who are free to marry each other."""
    a, b, on = marriage_in.spouse_a_id, marriage_in.spouse_b_id, marriage_in.married_on
    if a == b:
        raise invalid(
            "self_marriage",
            "A marriage needs two different persons.",
            "혼인은 서로 다른 두 사람 사이에서만 성립합니다.",
            field_name="spouse_b_id",
        )
    not_in_future(clock, on, "married_on")
    people = residents.require([a, b])
    for field_name, pid in (("spouse_a_id", a), ("spouse_b_id", b)):
        person = people[pid]
        check_alive(person)
        if age_on(person.birth_date, on) < MARRIAGE_AGE:
            raise invalid(
                "under_marriage_age",
                f"Person {pid} is under {MARRIAGE_AGE} on {on}.",
                f"{pid}번 사람은 {on}에 만 {MARRIAGE_AGE}세 미만입니다.",
                field_name=field_name,
            )
    holding = repository.marriages_holding_after(session, [a, b], on)
    if holding:
        married = sorted({pid for m in holding for pid in (m.spouse_a_id, m.spouse_b_id)} & {a, b})
        raise Conflict(
            "already_married",
            Message(
                f"Person {married[0]} is married on {on} (marriage {holding[0].id}).",
                f"{married[0]}번 사람은 {on}에 혼인 중입니다(혼인 {holding[0].id}).",
            ),
            {"person_ids": married},
        )
    if repository.parentages_between(session, a, b):
        raise Conflict(
            "parent_child_marriage",
            Message(
                "A parent and a child (by birth or adoption) cannot marry each other.",
                "부모와 자녀(친생 또는 입양) 사이에는 혼인할 수 없습니다.",
            ),
        )
    row = Marriage(spouse_a_id=a, spouse_b_id=b, married_on=on, ended_on=None, end_cause=None)
    repository.add(session, row)
    session.flush()
    record_change(
        session,
        clock,
        FamilyChange,
        entity="marriage",
        entity_id=row.id,
        action="married",
        data={"spouse_a_id": a, "spouse_b_id": b, "married_on": on.isoformat()},
        actor=actor,
        event_type="family.married",
    )
    return row


def get_marriage(session: Session, marriage_id: int) -> Marriage:
    row = repository.marriage(session, marriage_id)
    if row is None:
        raise NotFound(
            "marriage_unknown",
            Message(
                f"There is no marriage with id {marriage_id}.",
                f"id {marriage_id}인 혼인이 없습니다.",
            ),
        )
    return row


def register_divorce(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    marriage_id: int,
    divorce_in: DivorceCreate,
) -> Marriage:
    """End a marriage by divorce from a date on or after the marriage."""
    row = get_marriage(session, marriage_id)
    if row.ended_on is not None:
        raise Conflict(
            "marriage_ended",
            Message(
                f"This marriage already ended on {row.ended_on} ({row.end_cause}).",
                f"이 혼인은 이미 {row.ended_on}에 종료되었습니다({row.end_cause}).",
            ),
        )
    on = divorce_in.divorced_on
    not_in_future(clock, on, "divorced_on")
    if on < row.married_on:
        raise invalid(
            "divorce_before_marriage",
            f"A divorce cannot precede the marriage ({row.married_on}).",
            f"이혼일은 혼인일({row.married_on})보다 앞설 수 없습니다.",
            field_name="divorced_on",
        )
    row.ended_on = on
    row.end_cause = "divorce"
    session.flush()
    record_change(
        session,
        clock,
        FamilyChange,
        entity="marriage",
        entity_id=row.id,
        action="divorced",
        data={
            "spouse_a_id": row.spouse_a_id,
            "spouse_b_id": row.spouse_b_id,
            "divorced_on": on.isoformat(),
        },
        actor=actor,
        event_type="family.divorced",
    )
    return row
