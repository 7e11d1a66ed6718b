"""Every query of the one-stop cases. No rules here; writes only through the session.

On PostgreSQL the runner's claims skip steps another worker holds (`SKIP LOCKED`) and cases are
locked in id order, so that two workers finishing steps of one case cannot deadlock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nara.lifeevents.models import FINISHED_STEP_STATES, Case, Step


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# Cases ---------------------------------------------------------------------------------------


def case(session: Session, case_id: int, *, for_update: bool = False) -> Case | None:
    query = select(Case).where(Case.id == case_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def lock_cases(session: Session, case_ids: Iterable[int]) -> dict[int, Case]:
    """The cases by id, locked in id order on PostgreSQL."""
    query = select(Case).where(Case.id.in_(sorted(case_ids))).order_by(Case.id)
    if _postgresql(session):
        query = query.with_for_update()
    return {row.id: row for row in session.scalars(query)}


def cases_of_applicant(session: Session, person_id: int, *, limit: int) -> Sequence[Case]:
    """The cases a person filed, newest first."""
    return session.scalars(
        select(Case)
        .where(Case.applicant_person_id == person_id)
        .order_by(Case.id.desc())
        .limit(limit)
    ).all()


def cases_awaiting_confirmation(session: Session, person_id: int) -> Sequence[Case]:
    return session.scalars(
        select(Case)
        .where(Case.confirmer_person_id == person_id, Case.state == "awaiting_confirmation")
        .order_by(Case.id)
    ).all()


def cases_of_kind_by(
    session: Session, kind: str, person_id: int, states: Iterable[str]
) -> Sequence[Case]:
    """A person's cases of one kind in the given states, oldest first."""
    return session.scalars(
        select(Case)
        .where(
            Case.kind == kind,
            Case.applicant_person_id == person_id,
            Case.state.in_(list(states)),
        )
        .order_by(Case.id)
    ).all()


def done_cases_with_open_steps(session: Session) -> list[tuple[int, int]]:
    """(case id, steps not finished) of cases marked done that still have such steps."""
    rows = session.execute(
        select(Case.id, func.count(Step.id))
        .join(Step, Step.case_id == Case.id)
        .where(Case.state == "done", Step.state.not_in(FINISHED_STEP_STATES))
        .group_by(Case.id)
        .order_by(Case.id)
    ).all()
    return [(case_id, steps) for case_id, steps in rows]


# Steps ---------------------------------------------------------------------------------------


def steps_of_case(session: Session, case_id: int) -> list[Step]:
    """A case's steps in stage order."""
    return list(
        session.scalars(select(Step).where(Step.case_id == case_id).order_by(Step.stage, Step.id))
    )


def steps_of_cases(session: Session, case_ids: Iterable[int]) -> dict[int, list[Step]]:
    """The steps of several cases in stage order, by case, with one query."""
    found: dict[int, list[Step]] = {case_id: [] for case_id in case_ids}
    query = select(Step).where(Step.case_id.in_(sorted(found))).order_by(Step.stage, Step.id)
    for step in session.scalars(query):
        found[step.case_id].append(step)
    return found


def step_named(session: Session, case_id: int, name: str) -> Step | None:
    return session.scalar(select(Step).where(Step.case_id == case_id, Step.name == name))


def claim_due_steps(session: Session, now: dt.datetime, size: int) -> list[Step]:
    """Up to `size` steps due by `now`, longest due first; on PostgreSQL locked, skipping
    the steps another worker holds. Returned in case, stage and id order."""
    due = (
        select(Step)
        .where(Step.state == "due", Step.next_attempt_at <= now)
        .order_by(Step.next_attempt_at, Step.id)
        .limit(size)
    )
    if _postgresql(session):
        due = due.with_for_update(skip_locked=True)
    return sorted(session.scalars(due), key=lambda step: (step.case_id, step.stage, step.id))


def attention_steps(session: Session, agency: str, *, limit: int) -> Sequence[Step]:
    """Steps of an agency that wait for an official, oldest first."""
    return session.scalars(
        select(Step)
        .where(Step.agency == agency, Step.state == "attention")
        .order_by(Step.id)
        .limit(limit)
    ).all()


def cases_with_attention_steps(session: Session) -> Sequence[int]:
    """Ids of the cases with a step waiting for an official (once per step)."""
    return session.scalars(
        select(Step.case_id).where(Step.state == "attention").order_by(Step.case_id)
    ).all()
