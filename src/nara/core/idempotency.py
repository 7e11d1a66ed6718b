"""Applied steps: a write service applies each step key once, however often it is called.

A one-stop case (`nara.lifeevents`) calls agencies' write services with a step key
(`moving-in:42:residents`). A call may be repeated — the caller crashed after the provider
committed, or a retry follows a lost answer — so a provider records the key with its answer
in the same transaction as its change, and answers a repeated key with the recorded answer
instead of applying the change again (the transactional inbox pattern). Two concurrent calls
with one key cannot both commit: the second meets the unique constraint, rolls back, and its
retry finds the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.clock import Clock
from nara.core.errors import invalid
from nara.core.models import Base, BigId

STEP_KEY_LENGTH = 128


class AppliedStep(Base):
    """A step key a service has applied, with the answer it gave."""

    __tablename__ = "core_applied_step"
    __table_args__ = (UniqueConstraint("scope", "step_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    scope: Mapped[str] = mapped_column(String(96))
    """The service that applied it (`residents/moving-in`)."""
    step_key: Mapped[str] = mapped_column(String(STEP_KEY_LENGTH))
    answer: Mapped[dict[str, Any]]
    applied_at: Mapped[dt.datetime]


def check_step_key(step_key: object) -> str:
    """A step key as a service receives it: a non-empty printable string of at most 128."""
    if (
        not isinstance(step_key, str)
        or not step_key
        or len(step_key) > STEP_KEY_LENGTH
        or not step_key.isprintable()
    ):
        raise invalid(
            "step_key_invalid",
            f"A step key is a printable text of 1 to {STEP_KEY_LENGTH} characters.",
            f"단계 키는 1~{STEP_KEY_LENGTH}자의 출력 가능한 문자열입니다.",
            field_name="step_key",
        )
    return step_key


def applied_answer(session: Session, *, scope: str, step_key: str) -> dict[str, Any] | None:
    """The answer recorded for a step key, or None when the key was never applied."""
    return session.scalar(
        select(AppliedStep.answer).where(
            AppliedStep.scope == scope, AppliedStep.step_key == step_key
        )
    )


def apply_once(
    session: Session,
    clock: Clock,
    *,
    scope: str,
    step_key: str,
    apply: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run `apply` unless `step_key` was applied in `scope` before; either way, the answer.

    `apply` writes in `session` and must not commit; its answer is recorded with its change.
    A repeated key gets the first answer with `"repeated": true`.
    """
    key = check_step_key(step_key)
    earlier = applied_answer(session, scope=scope, step_key=key)
    if earlier is not None:
        return {**earlier, "repeated": True}
    answer = apply()
    session.add(AppliedStep(scope=scope, step_key=key, answer=answer, applied_at=clock.now()))
    session.flush()
    return {**answer, "repeated": False}


__all__ = ["AppliedStep", "applied_answer", "apply_once", "check_step_key"]
