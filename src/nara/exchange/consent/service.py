"""Rules of the consent store: agreements from declared purposes, giving and withdrawing
consent, the grounds of a personal-data call, and the verification of a record's history.

Functions take keyword-only arguments and never commit. Every change of a consent record
appends a hash-chained revision signed by the platform (`sign`) and a change row with its
outbox event (`consent.given` / `consent.withdrawn`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, Invalid, Message, NaraError, NotFound
from nara.core.history import record_change
from nara.exchange.consent import repository
from nara.exchange.consent.models import (
    ExchangeConsentAgreement,
    ExchangeConsentChange,
    ExchangeConsentRecord,
    ExchangeConsentRevision,
)
from nara.exchange.purposes import Purpose
from nara.exchange.trust.identifiers import MemberId
from nara.exchange.trust.keystore import Keystore

PLATFORM_MEMBER: Final = MemberId("KR", "GOV", "MOIS")
"""The member whose key signs consent revisions (the platform operator)."""

GENESIS_HASH: Final = "0" * 64
SYNC_ACTOR: Final = "system:consent-sync"
CONSENT: Final = "consent"

Sign = Callable[[bytes], str]
"""Signs bytes for the platform; returns a signature in wire form `<kid>.<b64url>`."""

VerifySignature = Callable[[bytes, str], None]
"""Accepts a platform signature of bytes or raises (any `NaraError`)."""


def platform_signer(keystore: Keystore) -> Sign:
    """The `sign` callable of the platform member's active key (issued on first use)."""
    return lambda data: keystore.ensure_signer(PLATFORM_MEMBER).sign(data).to_wire()


# Canonical form and hashes ------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys and no spaces, UTF-8: the bytes that are hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def instant(value: dt.datetime | None) -> str | None:
    """An instant in ISO 8601, in UTC."""
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def agreement_uid(service: str, purpose: str) -> str:
    """The stable id of the agreement of a service and purpose."""
    return f"{service.replace('/', '.')}.{purpose}"


def record_state(
    record: ExchangeConsentRecord, agreement: ExchangeConsentAgreement
) -> dict[str, Any]:
    """The state of a consent record a revision holds (and its hash covers)."""
    return {
        "agreement": agreement.uid,
        "agreement_version": record.agreement_version,
        "person_id": record.person_id,
        "opt_in": record.opt_in,
        "expires_at": instant(record.expires_at),
    }


def revision_document(
    *,
    record: str,
    seq: int,
    action: str,
    state: dict[str, Any],
    actor: str,
    recorded_at: dt.datetime,
    prev_hash: str,
) -> dict[str, Any]:
    """The fields of a revision that its hash covers, `prev_hash` included."""
    return {
        "record": record,
        "seq": seq,
        "action": action,
        "state": state,
        "actor": actor,
        "recorded_at": instant(recorded_at),
        "prev_hash": prev_hash,
    }


def revision_hash(
    *,
    record: str,
    seq: int,
    action: str,
    state: dict[str, Any],
    actor: str,
    recorded_at: dt.datetime,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of a revision's fields (`revision_document`)."""
    document = revision_document(
        record=record,
        seq=seq,
        action=action,
        state=state,
        actor=actor,
        recorded_at=recorded_at,
        prev_hash=prev_hash,
    )
    return hashlib.sha256(canonical_json(document)).hexdigest()


# Agreements ---------------------------------------------------------------------------------


def consent_is_migrated(session: Session) -> bool:
    """Whether the consent tables exist (a database not yet migrated has none)."""
    table = ExchangeConsentAgreement.__tablename__
    return bool(inspect(session.connection()).has_table(table))


def _declared(purpose: Purpose) -> dict[str, Any]:
    return {
        "purpose_en": purpose.en,
        "purpose_ko": purpose.ko,
        "lawful_basis": purpose.lawful_basis,
        "legal_reference": purpose.legal_reference,
        "fields": sorted(purpose.fields),
    }


def _sync_log(
    session: Session, clock: Clock, *, row: ExchangeConsentAgreement, action: str
) -> None:
    session.add(
        ExchangeConsentChange(
            entity="agreement",
            entity_id=row.id,
            action=action,
            data={"agreement": row.uid, "version": row.version, "active": row.active},
            actor=SYNC_ACTOR,
            recorded_at=clock.now(),
        )
    )


def register_agreements(
    session: Session,
    clock: Clock,
    declarations: Iterable[tuple[str, Purpose]],
    *,
    retire_undeclared: bool = True,
) -> int:
    """Upsert the data agreement of every declared (service id, purpose); never commits.

    A new declaration is version 1; a changed one (description, basis, statute or fields)
    gets the next version; an unchanged one is not written. With `retire_undeclared`,
    active agreements no longer declared become inactive (declared again, they come back).
    Changes are logged (actor `system:consent-sync`) without outbox events. Returns the
    number of agreements written.
    """
    wanted: dict[tuple[str, str], Purpose] = {}
    for service, purpose in declarations:
        if (service, purpose.code) in wanted:
            raise ValueError(f"purpose {purpose.code} of {service} is declared twice")
        wanted[(service, purpose.code)] = purpose
    existing = {(row.service, row.purpose): row for row in repository.agreements_of(session)}
    now = clock.now()
    written = 0
    for (service, code), purpose in wanted.items():
        declared = _declared(purpose)
        row = existing.get((service, code))
        if row is None:
            row = ExchangeConsentAgreement(
                uid=agreement_uid(service, code),
                service=service,
                purpose=code,
                version=1,
                active=True,
                created_at=now,
                updated_at=now,
                **declared,
            )
            session.add(row)
            session.flush()
            _sync_log(session, clock, row=row, action="agreement_registered")
            written += 1
            continue
        changed = any(getattr(row, name) != value for name, value in declared.items())
        if not changed and row.active:
            continue
        for name, value in declared.items():
            setattr(row, name, value)
        if changed:
            row.version += 1
        row.active = True
        row.updated_at = now
        session.flush()
        _sync_log(session, clock, row=row, action="agreement_revised")
        written += 1
    if retire_undeclared:
        for key, row in existing.items():
            if key not in wanted and row.active:
                row.active = False
                row.updated_at = now
                session.flush()
                _sync_log(session, clock, row=row, action="agreement_retired")
                written += 1
    session.flush()
    return written


def get_agreement(session: Session, agreement_id: str) -> ExchangeConsentAgreement:
    row = repository.agreement_by_uid(session, agreement_id)
    if row is None:
        raise NotFound(
            "agreement_unknown",
            Message(
                f"No data agreement {agreement_id}.", f"{agreement_id} 데이터 협약이 없습니다."
            ),
            {"agreement_id": agreement_id},
        )
    return row


def agreements(
    session: Session, *, service: str | None, include_inactive: bool, offset: int, limit: int
) -> tuple[list[ExchangeConsentAgreement], int]:
    return repository.agreements_page(
        session, service=service, include_inactive=include_inactive, offset=offset, limit=limit
    )


# Consent records ----------------------------------------------------------------------------


def _consent_unknown(extra: dict[str, Any]) -> NotFound:
    return NotFound(
        "consent_unknown",
        Message("No such consent record.", "해당 동의 기록이 없습니다."),
        extra,
    )


def get_record(session: Session, record_id: str) -> ExchangeConsentRecord:
    row = repository.record_by_uid(session, record_id)
    if row is None:
        raise _consent_unknown({"record_id": record_id})
    return row


def own_record(session: Session, *, record_id: str, person_id: int) -> ExchangeConsentRecord:
    """A record of this individual; another individual's record is 404, like a missing one."""
    row = repository.record_by_uid(session, record_id)
    if row is None or row.person_id != person_id:
        raise _consent_unknown({"record_id": record_id})
    return row


def record_for(session: Session, *, agreement_id: str, person_id: int) -> ExchangeConsentRecord:
    agreement = get_agreement(session, agreement_id)
    row = repository.record_of(session, agreement_id=agreement.id, person_id=person_id)
    if row is None:
        raise _consent_unknown({"agreement_id": agreement_id})
    return row


def records(
    session: Session,
    *,
    agreement_id: str | None,
    person_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[ExchangeConsentRecord], int]:
    agreement = None if agreement_id is None else get_agreement(session, agreement_id)
    return repository.records_page(
        session,
        agreement_id=None if agreement is None else agreement.id,
        person_id=person_id,
        offset=offset,
        limit=limit,
    )


def agreement_uids(session: Session, rows: Sequence[ExchangeConsentRecord]) -> dict[int, str]:
    """The public ids of the agreements of these records, by internal id."""
    found = repository.agreements_by_ids(session, [row.agreement_id for row in rows])
    return {key: row.uid for key, row in found.items()}


def revisions(session: Session, record: ExchangeConsentRecord) -> list[ExchangeConsentRevision]:
    return repository.revisions_of(session, record.id)


def latest_revision(
    session: Session, record: ExchangeConsentRecord
) -> ExchangeConsentRevision | None:
    return repository.last_revision(session, record.id)


def _append_revision(
    session: Session,
    *,
    clock: Clock,
    sign: Sign,
    actor: str,
    action: str,
    record: ExchangeConsentRecord,
    agreement: ExchangeConsentAgreement,
) -> ExchangeConsentRevision:
    prev_hash = GENESIS_HASH
    if record.revisions:
        last = repository.last_revision(session, record.id)
        if last is not None:
            prev_hash = last.hash
    seq = record.revisions + 1
    state = record_state(record, agreement)
    now = clock.now()
    digest = revision_hash(
        record=record.uid,
        seq=seq,
        action=action,
        state=state,
        actor=actor,
        recorded_at=now,
        prev_hash=prev_hash,
    )
    revision = ExchangeConsentRevision(
        record_id=record.id,
        seq=seq,
        action=action,
        state=state,
        actor=actor,
        recorded_at=now,
        prev_hash=prev_hash,
        hash=digest,
        signature=sign(digest.encode()),
    )
    record.revisions = seq
    session.add(revision)
    session.flush()
    return revision


def _log(
    session: Session,
    clock: Clock,
    *,
    actor: str,
    action: str,
    record: ExchangeConsentRecord,
    agreement: ExchangeConsentAgreement,
    revision: ExchangeConsentRevision,
    mandate: str | None,
) -> None:
    data: dict[str, Any] = {
        "record_id": record.uid,
        "agreement_id": agreement.uid,
        "person_id": record.person_id,
        "opt_in": record.opt_in,
        "expires_at": instant(record.expires_at),
        "revision": revision.seq,
    }
    if mandate is not None:
        data["mandate_id"] = mandate
    record_change(
        session,
        clock,
        ExchangeConsentChange,
        entity="consent_record",
        entity_id=record.id,
        action=f"consent_{action}",
        data=data,
        actor=actor,
        event_type=f"consent.{action}",
    )
    session.flush()


def _expiry(expires_at: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise Invalid(
            "expiry_invalid",
            Message(
                "An expiry is an instant with a time zone (e.g. 2027-01-01T00:00:00+09:00).",
                "만료 시각에는 시간대가 있어야 합니다 (예: 2027-01-01T00:00:00+09:00).",
            ),
            {"field": "expires_at"},
        )
    if expires_at <= now:
        raise Invalid(
            "expiry_in_past",
            Message(
                f"The expiry {instant(expires_at)} is not in the future.",
                f"만료 시각 {instant(expires_at)}이(가) 미래가 아닙니다.",
            ),
            {"field": "expires_at"},
        )
    return expires_at.astimezone(dt.UTC)


def give_consent(
    session: Session,
    *,
    clock: Clock,
    sign: Sign,
    actor: str,
    agreement_id: str,
    person_id: int,
    expires_at: dt.datetime | None = None,
    mandate: str | None = None,
) -> ExchangeConsentRecord:
    """Record that `person_id` opts in to an agreement, until `expires_at` if given.

    `actor` is who does it (the citizen, or `token:<name> (mandate <uid>)`); `mandate`, the
    mandate it is done under, goes into the change row and its event.

    404 `agreement_unknown`; 409 `agreement_inactive`, `consent_not_applicable` (the basis
    is not consent); 422 `expiry_in_past`, `expiry_invalid`. Giving the consent that is
    already current (same expiry, same agreement version) changes nothing.
    """
    agreement = get_agreement(session, agreement_id)
    if not agreement.active:
        raise Conflict(
            "agreement_inactive",
            Message(
                f"The data agreement {agreement.uid} is no longer in use.",
                f"{agreement.uid} 데이터 협약은 더 이상 사용되지 않습니다.",
            ),
            {"agreement_id": agreement.uid},
        )
    if agreement.lawful_basis != CONSENT:
        raise Conflict(
            "consent_not_applicable",
            Message(
                f"The data agreement {agreement.uid} rests on {agreement.lawful_basis} "
                f"({agreement.legal_reference}), not on consent.",
                f"{agreement.uid} 데이터 협약은 동의가 아닌 법적 근거"
                f"({agreement.legal_reference})에 따릅니다.",
            ),
            {"agreement_id": agreement.uid, "lawful_basis": agreement.lawful_basis},
        )
    now = clock.now()
    expiry = _expiry(expires_at, now)
    record = repository.record_of(session, agreement_id=agreement.id, person_id=person_id)
    if record is None:
        record = ExchangeConsentRecord(
            uid=str(uuid.uuid4()),
            agreement_id=agreement.id,
            person_id=person_id,
            opt_in=True,
            expires_at=expiry,
            agreement_version=agreement.version,
            revisions=0,
            created_at=now,
            updated_at=now,
        )
        session.add(record)
        session.flush()
    elif (
        record.opt_in
        and record.expires_at == expiry
        and record.agreement_version == agreement.version
    ):
        return record
    else:
        record.opt_in = True
        record.expires_at = expiry
        record.agreement_version = agreement.version
        record.updated_at = now
    revision = _append_revision(
        session,
        clock=clock,
        sign=sign,
        actor=actor,
        action="given",
        record=record,
        agreement=agreement,
    )
    _log(
        session,
        clock,
        actor=actor,
        action="given",
        record=record,
        agreement=agreement,
        revision=revision,
        mandate=mandate,
    )
    return record


def withdraw_consent(
    session: Session,
    *,
    clock: Clock,
    sign: Sign,
    actor: str,
    agreement_id: str,
    person_id: int,
    mandate: str | None = None,
) -> ExchangeConsentRecord:
    """Record that `person_id` withdraws consent to an agreement (`actor`, `mandate`: as for
    `give_consent`).

    404 `agreement_unknown`, `consent_unknown` (there is no record to withdraw).
    Withdrawing a consent already withdrawn changes nothing.
    """
    agreement = get_agreement(session, agreement_id)
    record = repository.record_of(session, agreement_id=agreement.id, person_id=person_id)
    if record is None:
        raise _consent_unknown({"agreement_id": agreement.uid})
    if not record.opt_in:
        return record
    record.opt_in = False
    record.updated_at = clock.now()
    revision = _append_revision(
        session,
        clock=clock,
        sign=sign,
        actor=actor,
        action="withdrawn",
        record=record,
        agreement=agreement,
    )
    _log(
        session,
        clock,
        actor=actor,
        action="withdrawn",
        record=record,
        agreement=agreement,
        revision=revision,
        mandate=mandate,
    )
    return record


def set_consent(
    session: Session,
    *,
    clock: Clock,
    sign: Sign,
    actor: str,
    record_id: str,
    person_id: int,
    opt_in: bool,
    expires_at: dt.datetime | None = None,
    mandate: str | None = None,
) -> ExchangeConsentRecord:
    """Give again or withdraw the consent of one of the individual's own records (404 else)."""
    record = own_record(session, record_id=record_id, person_id=person_id)
    agreement = session.get_one(ExchangeConsentAgreement, record.agreement_id)
    if opt_in:
        return give_consent(
            session,
            clock=clock,
            sign=sign,
            actor=actor,
            agreement_id=agreement.uid,
            person_id=person_id,
            expires_at=expires_at,
            mandate=mandate,
        )
    return withdraw_consent(
        session,
        clock=clock,
        sign=sign,
        actor=actor,
        agreement_id=agreement.uid,
        person_id=person_id,
        mandate=mandate,
    )


# The gate -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grounds:
    """Why a personal-data call may proceed: the agreement, its basis, and the consents."""

    agreement_id: str
    lawful_basis: str
    legal_reference: str
    consent_refs: dict[int, str] = field(default_factory=dict)
    """person_id -> consent record id; empty when the basis waives consent."""


class ConsentState(Protocol):
    @property
    def opt_in(self) -> bool: ...

    @property
    def expires_at(self) -> dt.datetime | None: ...


def in_force(record: ConsentState, at: dt.datetime) -> bool:
    """Whether a record is an opt-in that has not expired at `at`."""
    return record.opt_in and (record.expires_at is None or record.expires_at > at)


class AgreementTerms(Protocol):
    """What the gate needs of an agreement (a row, or a cached copy of one)."""

    @property
    def id(self) -> int: ...

    @property
    def uid(self) -> str: ...

    @property
    def lawful_basis(self) -> str: ...

    @property
    def legal_reference(self) -> str: ...


def grounds_for(
    session: Session,
    *,
    service: str,
    purpose: str,
    person_ids: Sequence[int],
    at: dt.datetime,
    agreements: Callable[[str, str], AgreementTerms | None] | None = None,
) -> Grounds:
    """The grounds of reading these persons' data from `service` for `purpose` at `at`.

    At most two indexed queries (one when `agreements`, a cached lookup of active
    agreements by service and purpose, is given). Raises `Forbidden`: `purpose_unknown` (no
    active agreement for the service and purpose), `consent_missing` (the basis is consent
    and some persons have no record; `person_ids` lists them), `consent_withdrawn` (some
    records are withdrawn or expired at `at`; `person_ids` lists them).
    """
    agreement: AgreementTerms | None = (
        repository.active_agreement(session, service=service, purpose=purpose)
        if agreements is None
        else agreements(service, purpose)
    )
    if agreement is None:
        raise Forbidden(
            "purpose_unknown",
            Message(
                f"The service {service} declares no purpose {purpose!r}.",
                f"{service} 서비스에는 {purpose!r} 이용 목적이 없습니다.",
            ),
            {"service": service, "purpose": purpose},
        )
    if agreement.lawful_basis != CONSENT:
        return Grounds(agreement.uid, agreement.lawful_basis, agreement.legal_reference, {})
    wanted = list(dict.fromkeys(person_ids))
    found = {
        row.person_id: row
        for row in (
            repository.records_of_persons(session, agreement_id=agreement.id, person_ids=wanted)
            if wanted
            else []
        )
    }
    missing = [person for person in wanted if person not in found]
    if missing:
        raise Forbidden(
            "consent_missing",
            Message(
                f"{len(missing)} of the persons read have not consented to {agreement.uid}.",
                f"조회 대상 중 {len(missing)}명이 {agreement.uid}에 동의하지 않았습니다.",
            ),
            {"agreement_id": agreement.uid, "person_ids": missing},
        )
    ended = [person for person in wanted if not in_force(found[person], at)]
    if ended:
        raise Forbidden(
            "consent_withdrawn",
            Message(
                f"{len(ended)} of the persons read have withdrawn their consent to "
                f"{agreement.uid}, or it has expired.",
                f"조회 대상 중 {len(ended)}명의 {agreement.uid} 동의가 철회되었거나 "
                "만료되었습니다.",
            ),
            {"agreement_id": agreement.uid, "person_ids": ended},
        )
    return Grounds(
        agreement.uid,
        agreement.lawful_basis,
        agreement.legal_reference,
        {person: found[person].uid for person in wanted},
    )


# Verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """The result of checking a record's revisions: valid, or the first broken one and why.

    Reasons: `revision_missing` (a sequence number is skipped, or the record counts more
    revisions than there are), `chain_broken` (`prev_hash` is not the previous revision's
    hash: a revision removed or reordered), `hash_mismatch` (the fields were altered),
    `signature_invalid` (not the platform's signature of the hash), `record_differs` (the
    record's current state is not its last revision's), `no_revisions`.
    """

    record_id: str
    valid: bool
    revisions: int
    broken_at: int | None = None
    reason: str | None = None


def _verifier(verify: Keystore | VerifySignature) -> Callable[[bytes, str, dt.datetime], None]:
    if isinstance(verify, Keystore):
        keystore = verify
        return lambda data, signature, at: keystore.verify(PLATFORM_MEMBER, data, signature, at=at)
    check = verify
    return lambda data, signature, at: check(data, signature)


def _fault(
    row: ExchangeConsentRevision,
    *,
    record: str,
    position: int,
    prev_hash: str,
    check: Callable[[bytes, str, dt.datetime], None],
) -> str | None:
    """Why one revision breaks the chain, if it does."""
    if row.seq != position:
        return "revision_missing"
    if row.prev_hash != prev_hash:
        return "chain_broken"
    digest = revision_hash(
        record=record,
        seq=row.seq,
        action=row.action,
        state=row.state,
        actor=row.actor,
        recorded_at=row.recorded_at,
        prev_hash=row.prev_hash,
    )
    if digest != row.hash:
        return "hash_mismatch"
    try:
        check(row.hash.encode(), row.signature, row.recorded_at)
    except NaraError:
        return "signature_invalid"
    return None


def verify_record(
    session: Session, verify: Keystore | VerifySignature, record_id: str
) -> Verification:
    """Recompute a record's hash chain and check every signature (404 `consent_unknown`).

    With a `Keystore`, a signature is checked as the platform member's at the instant the
    revision was recorded.
    """
    record = get_record(session, record_id)
    agreement = session.get_one(ExchangeConsentAgreement, record.agreement_id)
    rows = repository.revisions_of(session, record.id)
    check = _verifier(verify)
    count = len(rows)
    if not rows:
        reason = "revision_missing" if record.revisions else "no_revisions"
        return Verification(record.uid, False, 0, 1, reason)
    prev_hash = GENESIS_HASH
    for position, row in enumerate(rows, start=1):
        fault = _fault(row, record=record.uid, position=position, prev_hash=prev_hash, check=check)
        if fault is not None:
            return Verification(record.uid, False, count, position, fault)
        prev_hash = row.hash
    if record.revisions > count:
        return Verification(record.uid, False, count, count + 1, "revision_missing")
    if record.revisions < count or record_state(record, agreement) != rows[-1].state:
        return Verification(record.uid, False, count, count, "record_differs")
    return Verification(record.uid, True, count)
