"""The citizen's e-document wallet (전자문서지갑): the documents issued to him, and their files.

A document belongs to its holder when it was issued at his request (`requester`, the
account as issuance records it: `citizen:<account id>`) and about him (`subject_person_id`,
the resident his account is bound to); for a certificate about a register entry (a parcel,
a vehicle, a business) the person is the one it was issued to. Anyone else, another citizen
included, is told the document is unknown (404 `document_unknown`), never that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nara.core.errors import Message, NotFound
from nara.documents import repository
from nara.documents.models import Issuance
from nara.documents.numbers import parse_number


@dataclass(frozen=True)
class Holder:
    """Who holds documents in a wallet: the requester issuance recorded (`citizen:<id>`) and
    the resident the documents are about."""

    requester: str
    person_id: int


def document_unknown() -> NotFound:
    return NotFound(
        "document_unknown",
        Message(
            "No document with this confirmation number is in your wallet.",
            "전자문서지갑에 이 문서확인번호의 문서가 없습니다.",
        ),
    )


def documents_of(
    session: Session, holder: Holder, *, offset: int, limit: int
) -> tuple[list[Issuance], int]:
    """One page of the holder's documents, newest first, and how many he holds in all."""
    return repository.holder_documents(
        session, holder.requester, holder.person_id, offset=offset, limit=limit
    )


def document_of(session: Session, holder: Holder, number: str) -> Issuance:
    """The holder's document with this confirmation number (typed with or without dashes),
    or 404 `document_unknown` when there is none or it is someone else's."""
    digits = parse_number(number)
    issuance = (
        None
        if digits is None
        else repository.holder_document(session, digits, holder.requester, holder.person_id)
    )
    if issuance is None:
        raise document_unknown()
    return issuance


def stored_file(session: Session, issuance: Issuance) -> bytes:
    """The signed PDF kept for an issuance."""
    stored = repository.file_of(session, issuance.id)
    if stored is None:
        raise document_unknown()
    return stored.data


def file_of(session: Session, holder: Holder, number: str) -> tuple[Issuance, bytes]:
    """The holder's document and its signed PDF, or 404 `document_unknown`."""
    issuance = document_of(session, holder, number)
    return issuance, stored_file(session, issuance)
