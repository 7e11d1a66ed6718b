"""Which member of the exchange each agency's subsystem belongs to.

| agency | member | organisation |
|---|---|---|
| residents | `KR/GOV/MOIS` | Ministry of the Interior and Safety (행정안전부) |
| family, land | `KR/GOV/SCOURT` | Supreme Court, court registries (대법원) |
| vehicles | `KR/GOV/MOLIT` | Ministry of Land, Infrastructure and Transport (국토교통부) |
| business, tax | `KR/GOV/NTS` | National Tax Service (국세청) |
| welfare | `KR/GOV/MOHW` | Ministry of Health and Welfare (보건복지부) |
| passports | `KR/GOV/MOFA` | Ministry of Foreign Affairs (외교부) |
| finance | `KR/GOV/FSS` | Financial Supervisory Service (금융감독원): simulated financial data |
| gov24 | `KR/GOV/MOIS` | the single window (정부24): identity, applications, certificates |

Each agency is the subsystem `<member>/<agency>`; each declared service `agency/code` is the
service `<member>/<agency>/<code>` (a REST service has no version: PR-REST leaves versions to
the provider's path). The platform's own services (consent, usage log) are
operated by the MOIS (`PLATFORM_MEMBER`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from nara.exchange.trust.identifiers import MemberId, ServiceId, SubsystemId

SERVICE_VERSION: Final = ""
"""The directory's version of a REST service: none."""


@dataclass(frozen=True)
class MemberInfo:
    id: MemberId
    name_ko: str
    name_en: str


_MOIS = MemberInfo(
    MemberId("KR", "GOV", "MOIS"), "행정안전부", "Ministry of the Interior and Safety"
)
_SCOURT = MemberInfo(MemberId("KR", "GOV", "SCOURT"), "대법원", "Supreme Court of Korea")
_MOLIT = MemberInfo(
    MemberId("KR", "GOV", "MOLIT"), "국토교통부", "Ministry of Land, Infrastructure and Transport"
)
_NTS = MemberInfo(MemberId("KR", "GOV", "NTS"), "국세청", "National Tax Service")
_MOHW = MemberInfo(MemberId("KR", "GOV", "MOHW"), "보건복지부", "Ministry of Health and Welfare")
_MOFA = MemberInfo(MemberId("KR", "GOV", "MOFA"), "외교부", "Ministry of Foreign Affairs")
_FSS = MemberInfo(MemberId("KR", "GOV", "FSS"), "금융감독원", "Financial Supervisory Service")

PLATFORM_MEMBER: Final = _MOIS.id
"""The member operating the exchange itself (its consent store and usage log)."""

AGENCY_MEMBERS: Final[dict[str, MemberInfo]] = {
    "residents": _MOIS,
    "family": _SCOURT,
    "land": _SCOURT,
    "vehicles": _MOLIT,
    "business": _NTS,
    "tax": _NTS,
    "welfare": _MOHW,
    "passports": _MOFA,
    "finance": _FSS,
    "gov24": _MOIS,
}
"""The member whose subsystem each agency is."""

MEMBER_NAMES: Final[dict[MemberId, MemberInfo]] = {
    info.id: info for info in AGENCY_MEMBERS.values()
}


@lru_cache(maxsize=256)
def subsystem_of(agency: str) -> SubsystemId:
    """The subsystem of an agency, e.g. `KR/GOV/MOIS/residents`."""
    try:
        return AGENCY_MEMBERS[agency].id.subsystem(agency)
    except KeyError:
        raise ValueError(f"agency {agency!r} has no member in AGENCY_MEMBERS") from None


@lru_cache(maxsize=1024)
def service_id_for(service: str) -> ServiceId:
    """The X-Road id of a declared service: `residents/person-summaries` →
    `KR/GOV/MOIS/residents/person-summaries`."""
    agency, _, code = service.partition("/")
    return subsystem_of(agency).service(code)
