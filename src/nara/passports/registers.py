"""The other registers the passport office reads, through the exchange only.

Service functions receive the `Exchange` and a `ContextFor`: a function that builds the
call context for a purpose (the caller's transaction, clock, cipher and acting user), so
that an official's API request and a citizen's portal page call them alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final

from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import family
from nara.exchange.directory import PersonSummary, ResidentDirectory

ContextFor = Callable[[str], CallContext]
"""`context(purpose)` → the call context of a call made for that purpose."""

CLIENT: Final = "passports"
ELIGIBILITY: Final = "passport-eligibility"
"""Purpose of `residents/person-summaries` calls: a living applicant, his age."""
FAMILY_REGISTER: Final = "family-register"
"""Purpose of `family/relations` calls: is the consenting guardian a parent."""
RELATIONS: Final = family.RELATIONS.service


def person(exchange: Exchange, context: ContextFor, person_id: int) -> PersonSummary | None:
    """The resident register's summary of a person, or None when he is not registered."""
    directory = ResidentDirectory(exchange, context(ELIGIBILITY))
    return directory.summaries([person_id]).get(person_id)


def parents_of(exchange: Exchange, context: ContextFor, person_id: int, on: dt.date) -> set[int]:
    """The ids of the person's parents on a date, from the family register."""
    request = family.PersonOnDayRequest(person_id=person_id, on=on)
    answer = exchange.call(family.RELATIONS, context(FAMILY_REGISTER), request)
    return {parent.person_id for parent in answer.parents}
