"""The base registries the home page presents, with the table that counts their records.

Counting a national register (tens of millions of rows) takes seconds, so the counts are kept
for a minute per application (`RecordCounts`) rather than taken on every view of the home
page.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import FromClause, func, select
from sqlalchemy.orm import Session

from nara.business.models import Registration
from nara.family.models import Parentage
from nara.land.models import Parcel
from nara.residents.models import Person
from nara.vehicles.models import Vehicle


@dataclass(frozen=True)
class RegistryCard:
    slug: str
    name_ko: str
    name_en: str
    agency_ko: str
    agency_en: str
    table: FromClause


REGISTRIES: tuple[RegistryCard, ...] = (
    RegistryCard("residents", "주민등록", "Resident registration", "행정안전부",
                 "Ministry of the Interior and Safety", Person.__table__),
    RegistryCard("family", "가족관계등록", "Family relations", "법원행정처",
                 "National Court Administration", Parentage.__table__),
    RegistryCard("land", "부동산등기", "Real-estate register", "법원행정처 · 국토교통부",
                 "Courts · Ministry of Land", Parcel.__table__),
    RegistryCard("vehicles", "자동차등록", "Vehicle register", "국토교통부",
                 "Ministry of Land, Infrastructure and Transport", Vehicle.__table__),
    RegistryCard("business", "사업자등록 · 고용", "Businesses and employment",
                 "국세청 · 고용노동부",
                 "National Tax Service · Ministry of Employment and Labor", Registration.__table__),
)  # fmt: skip


@dataclass
class RecordCounts:
    """The number of records of each register, counted at most once per `seconds`."""

    seconds: float = 60.0
    _counted_at: float | None = None
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, session: Session) -> dict[str, int]:
        with self._lock:
            now = time.monotonic()
            if self._counted_at is None or now - self._counted_at >= self.seconds:
                self._counts = {
                    registry.slug: session.scalar(select(func.count()).select_from(registry.table))
                    or 0
                    for registry in REGISTRIES
                }
                self._counted_at = now
            return dict(self._counts)
