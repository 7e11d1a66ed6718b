"""The exchange's periodic upkeep, run by `nara worker` on every pass.

1. `chain_pending`: link the entries calls have logged onto the hash chain;
2. `relay_reads`: announce the newly chained personal-data reads as `personal_data.read`
   events (delivered to subscribers by the same worker, on its next pass);
3. `stamp_due`: take the RFC 3161 batch time-stamp of the chain when one is due (at least
   every `exchange_timestamp_interval_seconds`).

Each step runs in a transaction of its own, so a failure of one (an unreachable external
time-stamp authority, say) neither undoes nor blocks the others; the next pass retries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import Clock
from nara.core.db import unit_of_work
from nara.core.settings import Settings
from nara.exchange.messagelog import chain_pending
from nara.exchange.timestamps import TimeStampAuthority, stamp_due, stamp_pending
from nara.exchange.usage import RELAY_PAGE, relay_reads

CHAIN_BATCH = 10_000


@dataclass(frozen=True)
class Upkeep:
    """What one pass did."""

    chained: int = 0
    announced: int = 0
    stamped: bool = False


def run_upkeep(
    session_factory: sessionmaker[Session],
    clock: Clock,
    settings: Settings,
    authority: TimeStampAuthority,
    *,
    stamp_now: bool = False,
) -> Upkeep:
    """One pass; with `stamp_now`, whatever is unstamped is stamped at once (before a node
    stops, or an evidence export), not only when due."""
    chained = 0
    while True:
        with unit_of_work(session_factory) as session:
            linked = chain_pending(session, limit=CHAIN_BATCH)
        chained += linked
        if linked < CHAIN_BATCH:
            break
    announced = 0
    while True:
        with unit_of_work(session_factory) as session:
            relayed = relay_reads(session, clock, limit=RELAY_PAGE)
        announced += relayed.announced
        if relayed.scanned < RELAY_PAGE:  # the chained log is all seen
            break
    with unit_of_work(session_factory) as session:
        if stamp_now:
            stamp = stamp_pending(session, clock, authority)
        else:
            stamp = stamp_due(
                session,
                clock,
                authority,
                dt.timedelta(seconds=settings.exchange_timestamp_interval_seconds),
            )
    return Upkeep(chained=chained, announced=announced, stamped=stamp is not None)
