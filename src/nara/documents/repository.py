"""Queries of the documents package."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.documents.models import Issuance, IssuedFile


def by_number(session: Session, number: str) -> Issuance | None:
    return session.scalars(select(Issuance).where(Issuance.number == number)).one_or_none()


def by_sha256(session: Session, sha256: str) -> Issuance | None:
    return session.scalars(
        select(Issuance).where(Issuance.sha256 == sha256).order_by(Issuance.id).limit(1)
    ).one_or_none()


def file_of(session: Session, issuance_id: int) -> IssuedFile | None:
    return session.get(IssuedFile, issuance_id)


def number_taken(session: Session, number: str) -> bool:
    return session.scalar(select(Issuance.id).where(Issuance.number == number)) is not None
