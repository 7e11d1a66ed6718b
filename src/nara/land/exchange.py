"""What the land agency offers other agencies through the exchange, and the events it publishes."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from nara.core.clock import today
from nara.core.errors import NaraError
from nara.core.identifiers import Pnu
from nara.exchange import CallContext, Service
from nara.exchange.contracts.land import (
    PROPERTIES_OF_OWNER,
    REGISTER_OF_PARCEL,
    BuildingOnParcel,
    Holding,
    ParcelRegister,
    ParcelRegisterRequest,
    ParcelTitle,
    PropertiesOfOwnerRequest,
    SectionAEntry,
    SectionBEntry,
)
from nara.exchange.preconditions import INHERITANCE_USES, deceased_for_an_heir
from nara.exchange.purposes import Purpose
from nara.land import repository, service
from nara.land.models import LAND_CATEGORIES
from nara.land.owners import share_text

FIELDS = frozenset(Holding.model_fields)


def properties_of_owner(ctx: CallContext, request: PropertiesOfOwnerRequest) -> list[Holding]:
    """Every parcel and building a person or business owns (or owned on `as_of`), with shares.

    Used, for instance, by the inheritance lookup (안심상속) to find a deceased's land.
    """
    holdings, _total = service.holdings_of_owner(
        session=ctx.session,
        clock=ctx.clock,
        owner_kind=request.owner_kind,
        owner_id=request.owner_id,
        as_of=request.as_of,
    )
    return [
        Holding(
            property_kind=h.property_kind,
            property_id=h.property_id,
            pnu=h.pnu,
            label=h.label,
            share=share_text(h.share),
            since=h.since,
        )
        for h in holdings
    ]


def _until(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    """An end date as known on `as_of`: one after it is not yet known."""
    return None if day is None or day > as_of else day


def register_of_parcel(ctx: CallContext, request: ParcelRegisterRequest) -> ParcelRegister | None:
    """The whole register of a parcel as it stood on a date (today by default): the title
    (표제부) with the buildings on it, section A (갑구, owners and shares, with history) and
    section B (을구, rights, with cancelled ones). None when no parcel has this PNU.
    """
    day = request.as_of or today(ctx.clock)
    try:
        digits = Pnu.parse(request.pnu).digits
    except (NaraError, ValueError):
        return None
    parcel = repository.parcel_by_pnu(ctx.session, digits)
    if parcel is None or parcel.registered_on > day:
        return None
    section_a = repository.ownerships(ctx.session, "parcel", parcel.id, as_of=None, history=True)
    section_b = repository.rights(ctx.session, "parcel", parcel.id, as_of=None, history=True)
    return ParcelRegister(
        pnu=parcel.pnu,
        as_of=day,
        title=ParcelTitle(
            sigungu_code=parcel.sigungu_code,
            land_category=parcel.land_category,
            land_category_en=LAND_CATEGORIES.get(parcel.land_category, ""),
            area_m2=parcel.area_m2,
            registered_on=parcel.registered_on,
            buildings=tuple(
                BuildingOnParcel(building_id=b.id, name=b.name, main_use=b.main_use)
                for b in repository.buildings_on_parcel(ctx.session, parcel.id)
                if b.completed_on <= day
            ),
        ),
        section_a=tuple(
            SectionAEntry(
                rank_no=o.rank_no,
                cause=o.cause,
                cause_on=o.cause_on,
                registered_on=o.registered_on,
                receipt_no=o.receipt_no,
                owner_kind=o.owner_kind,
                owner_id=o.owner_id,
                owner_name=o.owner_name,
                share=share_text(Fraction(o.share_num, o.share_den)),
                ended_on=_until(o.ended_on, day),
            )
            for o in section_a
            if o.registered_on <= day
        ),
        section_b=tuple(
            SectionBEntry(
                rank_no=r.rank_no,
                kind=r.kind,
                holder_name=r.holder_name,
                amount_won=r.amount_won,
                registered_on=r.registered_on,
                receipt_no=r.receipt_no,
                cancelled_on=_until(r.cancelled_on, day),
            )
            for r in section_b
            if r.registered_on <= day
        ),
    )


def _owners_read(answer: ParcelRegister | None) -> list[int]:
    """The persons whose ownership a register answer shows."""
    if answer is None:
        return []
    return [
        entry.owner_id
        for entry in answer.section_a
        if entry.owner_kind == "person" and entry.owner_id is not None
    ]


def _person_owner(request: PropertiesOfOwnerRequest) -> list[int]:
    """The owner of a call, when the owner is a person."""
    return [request.owner_id] if request.owner_kind == "person" else []


SERVICES: list[Service] = [
    Service.typed(
        PROPERTIES_OF_OWNER,
        properties_of_owner,
        subjects=_person_owner,
        purposes=(
            Purpose(
                code="asset-lookup",
                fields=FIELDS,
                lawful_basis="consent",
                legal_reference="",
                en="The person asked for a lookup of his assets.",
                ko="본인이 재산 조회를 신청했습니다.",
            ),
            Purpose(
                code="tax-assessment",
                fields=FIELDS,
                lawful_basis="legal_obligation",
                legal_reference="지방세기본법 제130조; 국세기본법 제81조의13",
                en="A tax office assesses the taxes on what the owner holds.",
                ko="세무관서가 보유 재산에 대한 세금을 부과합니다.",
            ),
            Purpose(
                code="inheritance-lookup",
                fields=FIELDS,
                lawful_basis="public_task",
                legal_reference="상속세 및 증여세법 제83조",
                en="Safe Inheritance (안심상속) shows an heir the deceased's assets.",
                ko="안심상속 원스톱 서비스가 상속인에게 피상속인의 재산을 알려 줍니다.",
                preconditions=(
                    deceased_for_an_heir(
                        lambda request: request.owner_id if request.owner_kind == "person" else None
                    ),
                ),
            ),
        ),
    ),
    Service.typed(
        REGISTER_OF_PARCEL,
        register_of_parcel,
        answer_subjects=_owners_read,
        purposes=(
            Purpose(
                code="certificate-issuance",
                fields=frozenset({"pnu", "as_of", "title", "section_a", "section_b"}),
                lawful_basis="public_task",
                legal_reference="부동산등기법 제19조 (등기사항의 열람과 증명)",
                en="The single window issues a certified copy of the land register "
                "(등기사항전부증명서) to whoever asks, as the register is public.",
                ko="정부24가 신청에 따라 등기사항전부증명서를 발급합니다 (등기부는 공개).",
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {
    "land.parcel_registered": "A parcel's register was opened with its preservation "
    "registration (소유권보존).",
    "land.building_registered": "A building's register was opened on a parcel with its "
    "preservation registration.",
    "land.ownership_transferred": "Ownership or shares of a parcel or building passed to new "
    "owners (sale, inheritance, gift, auction).",
    "land.right_registered": "A mortgage, jeonse, easement or lease was registered in section B.",
    "land.right_cancelled": "A section B right was cancelled (말소).",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ("residents/person-summaries", "business/summaries", *INHERITANCE_USES)
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
