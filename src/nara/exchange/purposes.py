"""Purposes of use: why an agency may read a service's data, on what lawful basis, and which fields.

Each personal-data service declares its purposes. A purpose is the minimum view of the data
for one task (the fields a caller with that purpose may see) and the lawful basis for the
read: `consent` needs a valid consent record of every person read; any other basis is a
statute (named in `legal_reference`) that waives consent. The consent store registers each
declared purpose of a service as a data agreement (GovStack Consent model).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

LawfulBasis = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "vital_interest",
    "public_task",
    "legitimate_interest",
]
"""The GDPR article 6 lawful bases, as the GovStack Consent API names them."""

LAWFUL_BASES: Final[tuple[str, ...]] = (
    "consent",
    "contract",
    "legal_obligation",
    "vital_interest",
    "public_task",
    "legitimate_interest",
)

PURPOSE_CODE: Final = re.compile(r"[a-z][a-z0-9-]{1,63}")


@dataclass(frozen=True)
class Purpose:
    """One purpose a service may be called for, e.g. `ownership-check` of person summaries."""

    code: str
    fields: frozenset[str]
    """The fields of each returned record this purpose may see (the per-purpose view)."""
    lawful_basis: LawfulBasis
    legal_reference: str
    """The statute that allows the read, e.g. `부동산등기법 제29조`; empty only for consent."""
    en: str
    ko: str
    preconditions: tuple[Callable[[Any, Any], None], ...] = ()
    """Conditions the provider checks before answering a call for this purpose:
    `check(ctx, request)` raises a `NaraError` naming what does not hold (Safe Inheritance
    reads only the accounts of a person recorded deceased). The gateway refuses the call
    with it, as access denied."""

    def __post_init__(self) -> None:
        if not PURPOSE_CODE.fullmatch(self.code):
            raise ValueError(f"purpose code {self.code!r} must match {PURPOSE_CODE.pattern}")
        if self.lawful_basis not in LAWFUL_BASES:
            raise ValueError(f"unknown lawful basis {self.lawful_basis!r}")
        if self.lawful_basis != "consent" and not self.legal_reference.strip():
            raise ValueError(f"purpose {self.code}: a basis other than consent names its statute")
        if not self.fields:
            raise ValueError(f"purpose {self.code}: a view shows at least one field")

    @property
    def waives_consent(self) -> bool:
        return self.lawful_basis != "consent"
