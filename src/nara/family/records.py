"""What the family register shows of a person on a date: the data behind its certificates.

The family relation certificate (가족관계증명서) lists parents, spouse and children; the basic
certificate (기본증명서) the person and their status; the marriage relation certificate
(혼인관계증명서) every marriage with its dates. Names come from the resident register.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nara.exchange.directory import PersonSummary, ResidentDirectory, person_unknown
from nara.family import repository
from nara.family.models import Marriage, Parentage
from nara.family.schemas import (
    BasicRecordRead,
    ChildRead,
    FamilyRelationsRead,
    MaritalStatus,
    MarriageRecordRead,
    ParentRead,
    PersonBrief,
    SpouseRead,
)


@dataclass(frozen=True)
class Relations:
    """A person's links in force on a date, as ids (what the exchange hands out)."""

    person_id: int
    as_of: dt.date
    parents: list[Parentage]
    marriage: Marriage | None
    children: list[Parentage]

    def person_ids(self) -> set[int]:
        ids = {self.person_id}
        ids.update(link.parent_id for link in self.parents)
        ids.update(link.child_id for link in self.children)
        if self.marriage is not None:
            ids.add(spouse_of(self.marriage, self.person_id))
        return ids


def spouse_of(marriage: Marriage, person_id: int) -> int:
    return marriage.spouse_b_id if marriage.spouse_a_id == person_id else marriage.spouse_a_id


def relations_on(session: Session, person_id: int, on: dt.date) -> Relations:
    return Relations(
        person_id=person_id,
        as_of=on,
        parents=repository.parents_on(session, person_id, on),
        marriage=repository.marriage_on(session, person_id, on),
        children=repository.children_on(session, person_id, on),
    )


_STATUS_AFTER: dict[str, MaritalStatus] = {
    "divorce": "divorced",
    "death": "widowed",
    "annulment": "annulled",
}


def marital_status_on(session: Session, person_id: int, on: dt.date) -> MaritalStatus:
    last = repository.last_marriage_before(session, person_id, on)
    if last is None:
        return "never_married"
    if last.ended_on is None or last.ended_on > on:
        return "married"
    return _STATUS_AFTER[last.end_cause or "divorce"]


class _People:
    """Briefs of the persons a record mentions, fetched in one exchange call."""

    def __init__(self, residents: ResidentDirectory, person_id: int, others: set[int]) -> None:
        self.found = residents.summaries({person_id, *others})
        if person_id not in self.found:
            raise person_unknown([person_id])

    def brief(self, person_id: int) -> PersonBrief:
        summary: PersonSummary | None = self.found.get(person_id)
        if summary is None:  # a link to a person the resident register no longer shows
            return PersonBrief.model_validate({"person_id": person_id})
        return PersonBrief.model_validate(
            {
                "person_id": person_id,
                "name_ko": summary.name_ko,
                "name_en": summary.name_en,
                "birth_date": summary.birth_date,
                "sex": summary.sex,
                "status": summary.status,
            }
        )

    def parent(self, link: Parentage) -> ParentRead:
        return ParentRead.model_validate(
            {**_link_fields(link), "parent": self.brief(link.parent_id)}
        )

    def child(self, link: Parentage) -> ChildRead:
        return ChildRead.model_validate({**_link_fields(link), "child": self.brief(link.child_id)})

    def spouse(self, marriage: Marriage, person_id: int) -> SpouseRead:
        return SpouseRead.model_validate(
            {
                "marriage_id": marriage.id,
                "married_on": marriage.married_on,
                "ended_on": marriage.ended_on,
                "end_cause": marriage.end_cause,
                "spouse": self.brief(spouse_of(marriage, person_id)),
            }
        )


def _link_fields(link: Parentage) -> dict[str, object]:
    return {
        "parentage_id": link.id,
        "role": link.parent_role,
        "kind": link.kind,
        "established_on": link.established_on,
        "ended_on": link.ended_on,
        "end_cause": link.end_cause,
    }


def parents(
    *, session: Session, residents: ResidentDirectory, person_id: int, on: dt.date
) -> list[ParentRead]:
    links = repository.parents_on(session, person_id, on)
    people = _People(residents, person_id, {link.parent_id for link in links})
    return [people.parent(link) for link in links]


def children(
    *, session: Session, residents: ResidentDirectory, person_id: int, on: dt.date
) -> list[ChildRead]:
    links = repository.children_on(session, person_id, on)
    people = _People(residents, person_id, {link.child_id for link in links})
    return [people.child(link) for link in links]


def spouses(
    *, session: Session, residents: ResidentDirectory, person_id: int, on: dt.date
) -> list[SpouseRead]:
    """The person's spouse on the date, as a list (empty when unmarried)."""
    marriage = repository.marriage_on(session, person_id, on)
    marriages = [] if marriage is None else [marriage]
    people = _People(residents, person_id, {spouse_of(m, person_id) for m in marriages})
    return [people.spouse(m, person_id) for m in marriages]


def family_relations(
    *, session: Session, residents: ResidentDirectory, person_id: int, on: dt.date
) -> FamilyRelationsRead:
    relations = relations_on(session, person_id, on)
    people = _People(residents, person_id, relations.person_ids())
    return FamilyRelationsRead(
        person=people.brief(person_id),
        as_of=on,
        parents=[people.parent(link) for link in relations.parents],
        spouse=None if relations.marriage is None else people.spouse(relations.marriage, person_id),
        children=[people.child(link) for link in relations.children],
    )


def basic_record(
    *, session: Session, residents: ResidentDirectory, person_id: int, on: dt.date
) -> BasicRecordRead:
    adoptions = repository.adoptions_of_child(session, person_id, on)
    people = _People(residents, person_id, {link.parent_id for link in adoptions})
    return BasicRecordRead(
        person=people.brief(person_id),
        as_of=on,
        marital_status=marital_status_on(session, person_id, on),
        adoptions=[_as_of(people.parent(link), on) for link in adoptions],
    )


def _as_of(parent: ParentRead, on: dt.date) -> ParentRead:
    """The link as it stood on the date: an end after it is not yet known."""
    if parent.ended_on is not None and parent.ended_on > on:
        return parent.model_copy(update={"ended_on": None, "end_cause": None})
    return parent


def marriage_record(
    *, session: Session, residents: ResidentDirectory, person_id: int
) -> MarriageRecordRead:
    marriages = repository.marriages_of(session, person_id)
    people = _People(residents, person_id, {spouse_of(m, person_id) for m in marriages})
    return MarriageRecordRead(
        person=people.brief(person_id),
        marriages=[people.spouse(m, person_id) for m in marriages],
    )
