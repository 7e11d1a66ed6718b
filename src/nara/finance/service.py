"""The rules of the simulated financial data source.

SIMULATED: Korea's Safe Inheritance asks the Financial Supervisory Service, which asks every
bank, insurer and securities firm. Nara has no such institutions, so this source invents
them. The first time a person's accounts are asked for, `simulate_accounts` generates one to
four accounts seeded by the person's id — the same person always gets the same accounts —
and stores them (one change row records it). Nothing here is real financial data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Final

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.history import record_change
from nara.finance import repository
from nara.finance.models import Account, FinanceChange, Institution

SIMULATED_INSTITUTIONS: Final[tuple[tuple[str, str], ...]] = (
    ("한빛은행 (모의)", "bank"),
    ("누리은행 (모의)", "bank"),
    ("바다저축은행 (모의)", "bank"),
    ("든든생명 (모의)", "insurer"),
    ("새솔손해보험 (모의)", "insurer"),
    ("가람증권 (모의)", "securities"),
)
"""The synthetic institutions (name, kind); `(모의)` marks each as simulated."""

HOLDER_KIND: Final[dict[str, str]] = {
    "deposit": "bank",
    "loan": "bank",
    "insurance": "insurer",
    "securities": "securities",
}
"""The kind of institution that keeps each kind of account."""

PRODUCTS: Final[dict[str, tuple[str, ...]]] = {
    "deposit": ("보통예금", "정기예금", "정기적금"),
    "loan": ("신용대출", "주택담보대출"),
    "insurance": ("종신보험", "연금보험"),
    "securities": ("위탁계좌",),
}
BALANCE_RANGES: Final[dict[str, tuple[int, int]]] = {
    "deposit": (100, 80_000),
    "loan": (1_000, 300_000),
    "insurance": (500, 50_000),
    "securities": (100, 100_000),
}
"""Balances drawn for each kind, in thousands of won."""
FIRST_OPENING: Final = dt.date(2005, 1, 1)
OPENING_SPAN_DAYS: Final = 7000
MAX_ACCOUNTS: Final = 4
CLOSED_SHARE: Final = 0.2


@dataclass(frozen=True)
class Holdings:
    """A person's accounts open on a day, with totals by kind (won)."""

    person_id: int
    as_of: dt.date
    accounts: list[tuple[Account, Institution]]

    def total(self, kind: str) -> int:
        return sum(account.balance_won for account, _ in self.accounts if account.kind == kind)


def ensure_institutions(session: Session) -> dict[str, Institution]:
    """The simulated institutions by name, created the first time they are needed."""
    found = {row.name: row for row in repository.institutions(session)}
    missing = [
        Institution(name=name, kind=kind)
        for name, kind in SIMULATED_INSTITUTIONS
        if name not in found
    ]
    if missing:
        repository.add(session, *missing)
        session.flush()
        found.update({row.name: row for row in missing})
    return found


def synthetic_accounts(person_id: int, institutions: dict[str, Institution]) -> list[Account]:
    """The accounts the simulation gives a person: always the same for the same id."""
    rng = random.Random(f"nara-finance:{person_id}")  # noqa: S311  (a simulation, not security)
    count = rng.randint(1, MAX_ACCOUNTS)
    accounts = []
    for seq in range(1, count + 1):
        kind = "deposit" if seq == 1 else rng.choice(tuple(HOLDER_KIND))
        names = [name for name, holder in SIMULATED_INSTITUTIONS if holder == HOLDER_KIND[kind]]
        low, high = BALANCE_RANGES[kind]
        opened_on = FIRST_OPENING + dt.timedelta(days=rng.randrange(OPENING_SPAN_DAYS))
        closed = seq > 1 and rng.random() < CLOSED_SHARE
        accounts.append(
            Account(
                person_id=person_id,
                seq=seq,
                institution_id=institutions[rng.choice(names)].id,
                kind=kind,
                product=rng.choice(PRODUCTS[kind]),
                balance_won=rng.randint(low, high) * 1000,
                opened_on=opened_on,
                closed_on=opened_on + dt.timedelta(days=rng.randrange(365, 3650))
                if closed
                else None,
            )
        )
    return accounts


def simulate_accounts(session: Session, clock: Clock, *, person_id: int, actor: str) -> int:
    """Generate and store a person's synthetic accounts unless he has some; how many were
    made (0 when they existed)."""
    if repository.has_accounts(session, person_id):
        return 0
    accounts = synthetic_accounts(person_id, ensure_institutions(session))
    repository.add(session, *accounts)
    session.flush()
    record_change(
        session,
        clock,
        FinanceChange,
        entity="person",
        entity_id=person_id,
        action="accounts_simulated",
        data={"accounts": len(accounts), "simulated": True},
        actor=actor,
        event_type="finance.accounts_simulated",
    )
    return len(accounts)


def accounts_of_person(
    *, session: Session, clock: Clock, actor: str, person_id: int, on: dt.date
) -> Holdings:
    """A person's accounts open on a day (generated on first use), with their institutions."""
    simulate_accounts(session, clock, person_id=person_id, actor=actor)
    return Holdings(person_id, on, repository.accounts_open_on(session, person_id, on))


def stored_accounts(*, session: Session, person_id: int, on: dt.date) -> Holdings:
    """A person's stored accounts open on a day, generating none (what the API shows)."""
    return Holdings(person_id, on, repository.accounts_open_on(session, person_id, on))
