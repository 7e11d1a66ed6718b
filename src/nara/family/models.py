"""Tables of the family relations register (가족관계등록부), kept by the court.

Persons are the resident register's persons, referred to by their `person_id` only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

PARENT_ROLES = ("father", "mother")
PARENTAGE_KINDS = ("birth", "adoption", "full_adoption")
MARRIAGE_END_CAUSES = ("divorce", "death", "annulment")


class Parentage(Base):
    """A parent-child link: by birth, adoption (입양) or full adoption (친양자 입양)."""

    __tablename__ = "family_parentage"
    __table_args__ = (
        CheckConstraint("parent_role IN ('father', 'mother')", name="parent_role"),
        CheckConstraint("kind IN ('birth', 'adoption', 'full_adoption')", name="kind"),
        CheckConstraint("child_id <> parent_id", name="not_self"),
        Index("ix_family_parentage_child", "child_id"),
        Index("ix_family_parentage_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    child_id: Mapped[int] = mapped_column(BigId)
    parent_id: Mapped[int] = mapped_column(BigId)
    parent_role: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(14))
    established_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]
    end_cause: Mapped[str | None] = mapped_column(String(24))


class Marriage(Base):
    """A marriage between two persons, and how and when it ended."""

    __tablename__ = "family_marriage"
    __table_args__ = (
        CheckConstraint("spouse_a_id <> spouse_b_id", name="two_people"),
        CheckConstraint(
            "end_cause IS NULL OR end_cause IN ('divorce', 'death', 'annulment')", name="end_cause"
        ),
        Index("ix_family_marriage_spouse_a", "spouse_a_id"),
        Index("ix_family_marriage_spouse_b", "spouse_b_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    spouse_a_id: Mapped[int] = mapped_column(BigId)
    spouse_b_id: Mapped[int] = mapped_column(BigId)
    married_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]
    end_cause: Mapped[str | None] = mapped_column(String(10))


class FamilyChange(Base, ChangeLogMixin):
    """Append-only log of every change to the family relations register."""

    __tablename__ = "family_change"


class Death(Base):
    """A death recorded in the family register (사망 기록), from a death report."""

    __tablename__ = "family_death"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, unique=True)
    died_on: Mapped[dt.date]
    recorded_on: Mapped[dt.date]
    case_reference: Mapped[str] = mapped_column(String(40))
    """The one-stop case (or other source) that reported it; empty when none."""
