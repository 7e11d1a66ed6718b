"""A purpose's preconditions are checked by its provider, whoever calls: Safe Inheritance
reads only what a person recorded deceased held, and only for his heir."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.errors import Forbidden
from nara.core.pii import PiiCipher
from nara.exchange import CallContext
from nara.exchange.usage import ExchangeDataUsage
from tests.factories import deceased_with_heir, make_person
from tests.support import call_json, grant

ACCOUNTS = "finance/accounts-of-person"


def _lookup(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher, *, person: int, party: str
) -> object:
    ctx = CallContext(
        session,
        clock,
        cipher,
        client="gov24",
        purpose="inheritance-lookup",
        represented_party=party,
    )
    return call_json(app.state.exchange, ACCOUNTS, ctx, person_id=person)


def _reads(session: Session, person: int) -> int:
    """How often the person's accounts were read (the provider's own checks read his status
    and family, logged as reads of their own)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ExchangeDataUsage)
            .where(ExchangeDataUsage.person_id == person, ExchangeDataUsage.service == ACCOUNTS)
        )
        or 0
    )


@pytest.fixture
def granted(session: Session, clock: FixedClock) -> None:
    grant(session, clock, "gov24", ACCOUNTS)


def test_the_accounts_of_a_living_person_are_not_read_for_safe_inheritance(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher, granted: None
) -> None:
    living = make_person(session, cipher).id
    son = make_person(session, cipher, name_ko="김지훈", name_en="Kim Jihun").id

    with pytest.raises(Forbidden) as refused:
        _lookup(app, session, clock, cipher, person=living, party=f"PERSON/{son}")

    assert refused.value.code == "person_not_deceased"
    assert refused.value.extra["xroad_error"] == "Server.ServerProxy.AccessDenied"
    assert _reads(session, living) == 0


@pytest.mark.parametrize(
    ("party", "code"),
    [("", "precondition_heir_missing"), ("stranger", "heir_rank_refused")],
)
def test_only_an_heir_is_shown_what_the_deceased_held(
    app: FastAPI,
    *,
    session: Session,
    clock: FixedClock,
    cipher: PiiCipher,
    granted: None,
    party: str,
    code: str,
) -> None:
    deceased, _ = deceased_with_heir(session, cipher)
    stranger = make_person(session, cipher, name_ko="박서준", name_en="Park Seojun").id
    party = f"PERSON/{stranger}" if party == "stranger" else party

    with pytest.raises(Forbidden) as refused:
        _lookup(app, session, clock, cipher, person=deceased, party=party)

    assert refused.value.code == code
    assert _reads(session, deceased) == 0


def test_the_heir_is_shown_the_deceased_s_accounts(
    app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher, granted: None
) -> None:
    deceased, son = deceased_with_heir(session, cipher)

    answer = _lookup(app, session, clock, cipher, person=deceased, party=f"PERSON/{son}")

    assert isinstance(answer, dict) and answer["person_id"] == deceased
    assert answer["simulated"] is True
    assert _reads(session, deceased) == 1
