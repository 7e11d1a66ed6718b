"""The consent store: agreements from declared purposes, consent records, the gateway's check,
and the signed hash chain of revisions."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import Conflict, Forbidden, Invalid, NotFound
from nara.core.outbox import OutboxEvent
from nara.exchange.consent import (
    GENESIS_HASH,
    PLATFORM_MEMBER,
    Sign,
    give_consent,
    grounds_for,
    platform_signer,
    register_agreements,
    set_consent,
    verify_record,
    withdraw_consent,
)
from nara.exchange.consent.models import (
    ExchangeConsentAgreement,
    ExchangeConsentChange,
    ExchangeConsentRecord,
    ExchangeConsentRevision,
)
from nara.exchange.consent.service import record_state, revision_hash
from nara.exchange.purposes import Purpose
from nara.exchange.trust import Keystore, MemberId
from tests.support import count_rows, empty_directory

MASTER = bytes(range(32))
SERVICE = "residents/person-summaries"
ACTOR = "token:citizen-channel"
LOAN = Purpose(
    code="loan-screening",
    fields=frozenset({"name", "birth_date", "address"}),
    lawful_basis="consent",
    legal_reference="",
    en="Screening a loan application",
    ko="대출 심사",
)
OWNERSHIP = Purpose(
    code="ownership-check",
    fields=frozenset({"name"}),
    lawful_basis="public_task",
    legal_reference="부동산등기법 제29조",
    en="Checking the owner of a registered property",
    ko="등기 소유자 확인",
)
LOAN_ID = "residents.person-summaries.loan-screening"
OWNERSHIP_ID = "residents.person-summaries.ownership-check"
TABLES = (
    "exchange_consent_record",
    "exchange_consent_revision",
    "exchange_consent_change",
    "core_outbox",
)


@pytest.fixture
def keystore(tmp_path: Path, clock: FixedClock) -> Keystore:
    store = Keystore(tmp_path / "keys", MASTER, clock=clock)
    store.create_ca()
    store.rotate(PLATFORM_MEMBER)
    return store


@pytest.fixture
def sign(keystore: Keystore) -> Sign:
    return platform_signer(keystore)


@pytest.fixture
def consent(session: Session, clock: FixedClock) -> Session:
    """A session with the two agreements of `SERVICE` registered, and no other."""
    empty_directory(session)
    register_agreements(session, clock, [(SERVICE, LOAN), (SERVICE, OWNERSHIP)])
    return session


def _give(
    session: Session,
    clock: FixedClock,
    sign: Sign,
    person_id: int,
    *,
    expires_at: dt.datetime | None = None,
) -> ExchangeConsentRecord:
    return give_consent(
        session,
        clock=clock,
        sign=sign,
        actor=ACTOR,
        agreement_id=LOAN_ID,
        person_id=person_id,
        expires_at=expires_at,
    )


def _withdraw(
    session: Session, clock: FixedClock, sign: Sign, person_id: int
) -> ExchangeConsentRecord:
    return withdraw_consent(
        session, clock=clock, sign=sign, actor=ACTOR, agreement_id=LOAN_ID, person_id=person_id
    )


def _agreement(session: Session, uid: str) -> ExchangeConsentAgreement:
    return session.scalars(
        select(ExchangeConsentAgreement).where(ExchangeConsentAgreement.uid == uid)
    ).one()


def _counts(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in TABLES}


@pytest.fixture
def queries(session: Session) -> Iterator[list[str]]:
    """The SQL statements the session's connection runs while the test looks."""
    statements: list[str] = []
    connection = session.connection()

    def listen(*args: Any) -> None:
        statements.append(args[2])

    event.listen(connection, "before_cursor_execute", listen)
    yield statements
    event.remove(connection, "before_cursor_execute", listen)


# Agreements --------------------------------------------------------------------------------


def test_each_declared_purpose_becomes_an_agreement(session: Session, clock: FixedClock) -> None:
    changes_before = count_rows(empty_directory(session), "exchange_consent_change")
    register_agreements(session, clock, [(SERVICE, LOAN), (SERVICE, OWNERSHIP)])
    rows = {row.uid: row for row in session.scalars(select(ExchangeConsentAgreement))}

    assert set(rows) == {LOAN_ID, OWNERSHIP_ID}
    loan, ownership = rows[LOAN_ID], rows[OWNERSHIP_ID]
    assert (loan.service, loan.purpose, loan.lawful_basis) == (SERVICE, "loan-screening", "consent")
    assert loan.fields == ["address", "birth_date", "name"]
    assert (loan.purpose_en, loan.purpose_ko) == (LOAN.en, LOAN.ko)
    assert (ownership.lawful_basis, ownership.legal_reference) == (
        "public_task",
        "부동산등기법 제29조",
    )
    assert (loan.version, loan.active, ownership.version, ownership.active) == (1, True, 1, True)
    assert count_rows(session, "exchange_consent_change") == changes_before + 2
    assert count_rows(session, "core_outbox") == 0


def test_registering_the_same_declarations_again_writes_nothing(
    consent: Session, clock: FixedClock
) -> None:
    before = count_rows(consent, "exchange_consent_change")
    clock.advance(dt.timedelta(days=1))

    written = register_agreements(consent, clock, [(SERVICE, OWNERSHIP), (SERVICE, LOAN)])

    assert written == 0
    assert count_rows(consent, "exchange_consent_change") == before
    loan = _agreement(consent, LOAN_ID)
    assert loan.updated_at < clock.now()


def test_a_changed_declaration_gets_the_next_version(consent: Session, clock: FixedClock) -> None:
    wider = Purpose(
        code=LOAN.code,
        fields=LOAN.fields | {"household"},
        lawful_basis="consent",
        legal_reference="",
        en=LOAN.en,
        ko=LOAN.ko,
    )

    written = register_agreements(consent, clock, [(SERVICE, wider), (SERVICE, OWNERSHIP)])

    loan = _agreement(consent, LOAN_ID)
    assert (written, loan.version) == (1, 2)
    assert loan.fields == ["address", "birth_date", "household", "name"]
    assert register_agreements(consent, clock, [(SERVICE, wider), (SERVICE, OWNERSHIP)]) == 0
    assert loan.version == 2


def test_an_undeclared_agreement_is_retired_and_comes_back_when_declared(
    consent: Session, clock: FixedClock
) -> None:
    assert register_agreements(consent, clock, [(SERVICE, OWNERSHIP)]) == 1
    with pytest.raises(Forbidden, match="purpose_unknown"):
        grounds_for(
            consent, service=SERVICE, purpose="loan-screening", person_ids=[1], at=clock.now()
        )

    assert register_agreements(consent, clock, [(SERVICE, OWNERSHIP), (SERVICE, LOAN)]) == 1
    loan = _agreement(consent, LOAN_ID)
    assert (loan.active, loan.version) == (True, 1)


def test_a_purpose_declared_twice_is_refused(session: Session, clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="declared twice"):
        register_agreements(session, clock, [(SERVICE, LOAN), (SERVICE, LOAN)])


# The gateway's check -------------------------------------------------------------------------


def test_a_statutory_basis_waives_consent_without_reading_records(
    consent: Session, clock: FixedClock, queries: list[str]
) -> None:
    grounds = grounds_for(
        consent, service=SERVICE, purpose="ownership-check", person_ids=[1, 2], at=clock.now()
    )

    assert grounds.agreement_id == OWNERSHIP_ID
    assert (grounds.lawful_basis, grounds.legal_reference) == ("public_task", "부동산등기법 제29조")
    assert grounds.consent_refs == {}
    assert len(queries) == 1
    assert "exchange_consent_record" not in queries[0]


def test_consent_given_by_every_person_is_the_ground(
    consent: Session, clock: FixedClock, sign: Sign, queries: list[str]
) -> None:
    first, second = _give(consent, clock, sign, 1), _give(consent, clock, sign, 2)
    consent.flush()
    queries.clear()

    grounds = grounds_for(
        consent, service=SERVICE, purpose="loan-screening", person_ids=[1, 2, 1], at=clock.now()
    )

    assert grounds.agreement_id == LOAN_ID
    assert grounds.lawful_basis == "consent"
    assert grounds.consent_refs == {1: first.uid, 2: second.uid}
    assert len(queries) <= 2


def test_a_person_without_a_record_is_consent_missing(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    _give(consent, clock, sign, 1)

    with pytest.raises(Forbidden) as refused:
        grounds_for(
            consent, service=SERVICE, purpose="loan-screening", person_ids=[1, 2, 3], at=clock.now()
        )

    assert refused.value.code == "consent_missing"
    assert refused.value.extra["person_ids"] == [2, 3]
    assert refused.value.message.ko


def test_a_withdrawn_consent_is_refused(consent: Session, clock: FixedClock, sign: Sign) -> None:
    _give(consent, clock, sign, 1)
    _give(consent, clock, sign, 2)
    _withdraw(consent, clock, sign, 2)

    with pytest.raises(Forbidden) as refused:
        grounds_for(
            consent, service=SERVICE, purpose="loan-screening", person_ids=[1, 2], at=clock.now()
        )

    assert refused.value.code == "consent_withdrawn"
    assert refused.value.extra["person_ids"] == [2]


def test_a_consent_is_refused_from_its_expiry(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    expiry = clock.now() + dt.timedelta(days=30)
    _give(consent, clock, sign, 1, expires_at=expiry)

    before = expiry - dt.timedelta(seconds=1)
    grounds = grounds_for(
        consent, service=SERVICE, purpose="loan-screening", person_ids=[1], at=before
    )
    assert set(grounds.consent_refs) == {1}
    for at in (expiry, expiry + dt.timedelta(days=1)):
        with pytest.raises(Forbidden, match="consent_withdrawn"):
            grounds_for(consent, service=SERVICE, purpose="loan-screening", person_ids=[1], at=at)


def test_consent_given_again_after_withdrawal_is_the_ground_again(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    record = _give(consent, clock, sign, 1)
    _withdraw(consent, clock, sign, 1)
    clock.advance(dt.timedelta(hours=1))
    again = _give(consent, clock, sign, 1)

    grounds = grounds_for(
        consent, service=SERVICE, purpose="loan-screening", person_ids=[1], at=clock.now()
    )

    assert again.uid == record.uid
    assert grounds.consent_refs == {1: record.uid}
    assert again.revisions == 3
    assert count_rows(consent, "exchange_consent_record") == 1


def test_an_unknown_purpose_or_service_is_refused(consent: Session, clock: FixedClock) -> None:
    for service, purpose in ((SERVICE, "marketing"), ("land/parcels", "loan-screening")):
        with pytest.raises(Forbidden) as refused:
            grounds_for(consent, service=service, purpose=purpose, person_ids=[1], at=clock.now())
        assert refused.value.code == "purpose_unknown"


# Giving and withdrawing ----------------------------------------------------------------------


def test_giving_consent_writes_a_record_a_revision_a_change_and_an_event(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    record = _give(consent, clock, sign, 7)

    assert (record.opt_in, record.expires_at, record.agreement_version) == (True, None, 1)
    change = consent.scalars(
        select(ExchangeConsentChange).where(ExchangeConsentChange.entity == "consent_record")
    ).one()
    assert (change.action, change.actor, change.entity_id) == ("consent_given", ACTOR, record.id)
    assert change.data["record_id"] == record.uid
    [outbox] = consent.scalars(select(OutboxEvent)).all()
    assert outbox.event_type == "consent.given"

    _withdraw(consent, clock, sign, 7)
    events = consent.scalars(select(OutboxEvent.event_type).order_by(OutboxEvent.id)).all()
    assert events == ["consent.given", "consent.withdrawn"]


def test_giving_the_current_consent_again_or_withdrawing_twice_changes_nothing(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    _give(consent, clock, sign, 7)
    before = _counts(consent)
    _give(consent, clock, sign, 7)
    assert _counts(consent) == before

    _withdraw(consent, clock, sign, 7)
    after_withdrawal = _counts(consent)
    _withdraw(consent, clock, sign, 7)
    assert _counts(consent) == after_withdrawal


def test_a_new_expiry_is_a_new_revision(consent: Session, clock: FixedClock, sign: Sign) -> None:
    _give(consent, clock, sign, 7)
    record = _give(consent, clock, sign, 7, expires_at=clock.now() + dt.timedelta(days=1))
    assert record.revisions == 2
    assert record.expires_at == clock.now() + dt.timedelta(days=1)


def test_refused_writes_leave_nothing_behind(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    before = _counts(consent)

    with pytest.raises(NotFound) as unknown:
        give_consent(consent, clock=clock, sign=sign, actor=ACTOR, agreement_id="nope", person_id=1)
    assert unknown.value.code == "agreement_unknown"
    with pytest.raises(Conflict) as statutory:
        give_consent(
            consent, clock=clock, sign=sign, actor=ACTOR, agreement_id=OWNERSHIP_ID, person_id=1
        )
    assert statutory.value.code == "consent_not_applicable"
    for expiry in (clock.now(), clock.now() - dt.timedelta(days=1)):
        with pytest.raises(Invalid) as past:
            _give(consent, clock, sign, 1, expires_at=expiry)
        assert past.value.code == "expiry_in_past"
    with pytest.raises(Invalid, match="expiry_invalid"):
        _give(consent, clock, sign, 1, expires_at=dt.datetime(2030, 1, 1))  # noqa: DTZ001
    with pytest.raises(NotFound) as nothing:
        _withdraw(consent, clock, sign, 1)
    assert nothing.value.code == "consent_unknown"

    assert _counts(consent) == before


def test_a_retired_agreement_takes_no_new_consent(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    register_agreements(consent, clock, [(SERVICE, OWNERSHIP)])
    with pytest.raises(Conflict, match="agreement_inactive"):
        _give(consent, clock, sign, 1)


def test_a_record_is_changed_only_by_its_individual(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    record = _give(consent, clock, sign, 7)
    with pytest.raises(NotFound, match="consent_unknown"):
        set_consent(
            consent,
            clock=clock,
            sign=sign,
            actor=ACTOR,
            record_id=record.uid,
            person_id=8,
            opt_in=False,
        )
    changed = set_consent(
        consent,
        clock=clock,
        sign=sign,
        actor=ACTOR,
        record_id=record.uid,
        person_id=7,
        opt_in=False,
    )
    assert not changed.opt_in


# Revisions -----------------------------------------------------------------------------------


def _revisions(session: Session, record: ExchangeConsentRecord) -> list[ExchangeConsentRevision]:
    return list(
        session.scalars(
            select(ExchangeConsentRevision)
            .where(ExchangeConsentRevision.record_id == record.id)
            .order_by(ExchangeConsentRevision.seq)
        )
    )


def test_revisions_are_chained_hashed_and_signed_by_the_platform(
    consent: Session, clock: FixedClock, sign: Sign, keystore: Keystore
) -> None:
    record = _give(consent, clock, sign, 7)
    clock.advance(dt.timedelta(minutes=5))
    _withdraw(consent, clock, sign, 7)
    clock.advance(dt.timedelta(minutes=5))
    _give(consent, clock, sign, 7, expires_at=clock.now() + dt.timedelta(days=365))
    consent.expire_all()

    revisions = _revisions(consent, record)

    assert [(r.seq, r.action) for r in revisions] == [
        (1, "given"),
        (2, "withdrawn"),
        (3, "given"),
    ]
    assert revisions[0].prev_hash == GENESIS_HASH
    assert [r.prev_hash for r in revisions[1:]] == [r.hash for r in revisions[:-1]]
    assert [r.state["opt_in"] for r in revisions] == [True, False, True]
    assert revisions[2].state["expires_at"] == "2027-03-02T00:10:00+00:00"
    for r in revisions:
        assert r.hash == revision_hash(
            record=record.uid,
            seq=r.seq,
            action=r.action,
            state=r.state,
            actor=r.actor,
            recorded_at=r.recorded_at,
            prev_hash=r.prev_hash,
        )
        keystore.verify(PLATFORM_MEMBER, r.hash.encode(), r.signature)
    assert revisions[2].state == record_state(
        record, consent.get_one(ExchangeConsentAgreement, record.agreement_id)
    )

    result = verify_record(consent, keystore, record.uid)
    assert (result.valid, result.revisions, result.broken_at, result.reason) == (
        True,
        3,
        None,
        None,
    )


def test_verify_record_accepts_a_verify_callable(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    record = _give(consent, clock, sign, 7)
    seen: list[tuple[bytes, str]] = []

    assert verify_record(consent, lambda data, sig: seen.append((data, sig)), record.uid).valid
    assert seen == [
        (_revisions(consent, record)[0].hash.encode(), _revisions(consent, record)[0].signature)
    ]


def test_verify_record_of_an_unknown_record_is_not_found(
    consent: Session, keystore: Keystore
) -> None:
    with pytest.raises(NotFound, match="consent_unknown"):
        verify_record(consent, keystore, str(uuid.uuid4()))


def test_revisions_and_changes_are_append_only(
    consent: Session, clock: FixedClock, sign: Sign
) -> None:
    _give(consent, clock, sign, 7)
    consent.flush()
    for statement in (
        "UPDATE exchange_consent_revision SET state = state, hash = 'x'",
        "DELETE FROM exchange_consent_revision",
        "UPDATE exchange_consent_change SET actor = 'x'",
        "DELETE FROM exchange_consent_change",
    ):
        with pytest.raises(DBAPIError, match="append-only"), consent.begin_nested():
            consent.execute(text(statement))


# Tampering: chains built directly, the only way rows get in past the triggers ---------------


def _forge(
    session: Session,
    agreement: ExchangeConsentAgreement,
    clock: FixedClock,
    sign: Sign,
    steps: list[bool],
) -> tuple[ExchangeConsentRecord, list[dict[str, Any]]]:
    """A record with a correct chain of revisions (opt_in per step), as rows to insert."""
    person_id = 100 + count_rows(session, "exchange_consent_record")
    record = ExchangeConsentRecord(
        uid=str(uuid.uuid4()),
        agreement_id=agreement.id,
        person_id=person_id,
        opt_in=steps[-1],
        expires_at=None,
        agreement_version=agreement.version,
        revisions=len(steps),
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    session.add(record)
    session.flush()
    rows: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    for seq, opt_in in enumerate(steps, start=1):
        state = {
            "agreement": agreement.uid,
            "agreement_version": agreement.version,
            "person_id": person_id,
            "opt_in": opt_in,
            "expires_at": None,
        }
        action = "given" if opt_in else "withdrawn"
        at = clock.now() + dt.timedelta(minutes=seq)
        digest = revision_hash(
            record=record.uid,
            seq=seq,
            action=action,
            state=state,
            actor=ACTOR,
            recorded_at=at,
            prev_hash=prev,
        )
        rows.append(
            {
                "record_id": record.id,
                "seq": seq,
                "action": action,
                "state": state,
                "actor": ACTOR,
                "recorded_at": at,
                "prev_hash": prev,
                "hash": digest,
                "signature": sign(digest.encode()),
            }
        )
        prev = digest
    return record, rows


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        session.add(ExchangeConsentRevision(**row))
    session.flush()


@pytest.fixture
def loan(consent: Session) -> ExchangeConsentAgreement:
    return _agreement(consent, LOAN_ID)


def _verdict(
    session: Session, keystore: Keystore, record: ExchangeConsentRecord
) -> tuple[bool, int | None, str | None]:
    result = verify_record(session, keystore, record.uid)
    return result.valid, result.broken_at, result.reason


def test_a_forged_but_correct_chain_verifies(
    consent: Session,
    clock: FixedClock,
    sign: Sign,
    keystore: Keystore,
    loan: ExchangeConsentAgreement,
) -> None:
    record, rows = _forge(consent, loan, clock, sign, [True, False, True])
    _insert(consent, rows)
    assert _verdict(consent, keystore, record) == (True, None, None)


def test_an_altered_state_is_detected(
    consent: Session,
    clock: FixedClock,
    sign: Sign,
    keystore: Keystore,
    loan: ExchangeConsentAgreement,
) -> None:
    record, rows = _forge(consent, loan, clock, sign, [True, False, True])
    rows[1]["state"] = {**rows[1]["state"], "opt_in": True}
    _insert(consent, rows)
    assert _verdict(consent, keystore, record) == (False, 2, "hash_mismatch")


def test_an_altered_instant_or_actor_is_detected(
    consent: Session,
    clock: FixedClock,
    sign: Sign,
    keystore: Keystore,
    loan: ExchangeConsentAgreement,
) -> None:
    record, rows = _forge(consent, loan, clock, sign, [True, False])
    rows[0]["recorded_at"] = rows[0]["recorded_at"] - dt.timedelta(days=1)
    _insert(consent, rows)
    assert _verdict(consent, keystore, record) == (False, 1, "hash_mismatch")

    other, rows = _forge(consent, loan, clock, sign, [True, False])
    rows[1]["actor"] = "token:someone-else"
    _insert(consent, rows)
    assert _verdict(consent, keystore, other) == (False, 2, "hash_mismatch")


def test_a_removed_revision_is_detected(
    consent: Session,
    clock: FixedClock,
    sign: Sign,
    keystore: Keystore,
    loan: ExchangeConsentAgreement,
) -> None:
    record, rows = _forge(consent, loan, clock, sign, [True, False, True])
    _insert(consent, [rows[0], rows[2]])
    assert _verdict(consent, keystore, record) == (False, 2, "revision_missing")

    renumbered, rows = _forge(consent, loan, clock, sign, [True, False, True])
    _insert(consent, [rows[0], {**rows[2], "seq": 2}])
    assert _verdict(consent, keystore, renumbered) == (False, 2, "chain_broken")

    truncated, rows = _forge(consent, loan, clock, sign, [True, False, True])
    _insert(consent, rows[:2])
    assert _verdict(consent, keystore, truncated) == (False, 3, "revision_missing")


def test_reordered_revisions_are_detected(
    consent: Session,
    clock: FixedClock,
    sign: Sign,
    keystore: Keystore,
    loan: ExchangeConsentAgreement,
) -> None:
    record, rows = _forge(consent, loan, clock, sign, [True, False, True])
    swapped = [{**rows[0], "seq": 2}, {**rows[1], "seq": 1}, rows[2]]
    _insert(consent, swapped)
    assert _verdict(consent, keystore, record) == (False, 1, "chain_broken")


def test_a_bad_or_foreign_signature_is_detected(
    consent: Session,
    clock: FixedClock,
    sign: Sign,
    keystore: Keystore,
    loan: ExchangeConsentAgreement,
) -> None:
    record, rows = _forge(consent, loan, clock, sign, [True, False])
    rows[1]["signature"] = rows[0]["signature"]
    _insert(consent, rows)
    assert _verdict(consent, keystore, record) == (False, 2, "signature_invalid")

    molit = MemberId("KR", "GOV", "MOLIT")
    keystore.rotate(molit)
    foreign, rows = _forge(
        consent, loan, clock, lambda data: keystore.sign(molit, data).to_wire(), [True]
    )
    _insert(consent, rows)
    assert _verdict(consent, keystore, foreign) == (False, 1, "signature_invalid")


def test_a_record_that_differs_from_its_last_revision_is_detected(
    consent: Session, clock: FixedClock, sign: Sign, keystore: Keystore
) -> None:
    record = _give(consent, clock, sign, 7)
    record.opt_in = False  # the record table is mutable; its revisions are the evidence
    consent.flush()
    assert _verdict(consent, keystore, record) == (False, 1, "record_differs")
