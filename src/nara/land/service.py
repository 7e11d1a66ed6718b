"""The rules of the real-estate register: opening registers, and reading them.

Transfers of ownership are in `transfers.py`, rights over a property in `rights.py`.

Every registration is dated the day it is received (`today(clock)`) and carries a receipt
number `YYYY-NNNNNN`, counted per year over the whole register. Entries of one registration
share its rank number (순위번호) and receipt number. Entries are never deleted: a
transferred ownership entry gets `ended_on`, a cancelled right `cancelled_on`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.core.identifiers import Pnu
from nara.core.pii import PiiCipher
from nara.core.regions import DISTRICT_BY_CODE
from nara.exchange import CallContext, Exchange
from nara.land import repository
from nara.land.models import (
    LAND_CATEGORIES,
    Building,
    LandChange,
    Ownership,
    Parcel,
    Right,
)
from nara.land.owners import Owner, acquirers, check_whole, owners_data
from nara.land.schemas import BuildingCreate, ParcelCreate

Property = Parcel | Building


def property_kind(prop: Property) -> str:
    return "parcel" if isinstance(prop, Parcel) else "building"


def call_context(session: Session, clock: Clock, cipher: PiiCipher, purpose: str) -> CallContext:
    return CallContext(session=session, clock=clock, cipher=cipher, client="land", purpose=purpose)


def find_parcel(session: Session, pnu_text: str, *, for_update: bool = False) -> Parcel:
    pnu = Pnu.parse(pnu_text)
    parcel = repository.parcel_by_pnu(session, pnu.digits, for_update=for_update)
    if parcel is None:
        raise NotFound(
            "parcel_unknown",
            Message(
                f"No parcel {pnu.formatted} is on the register.",
                f"필지 {pnu.formatted}은(는) 등기되어 있지 않습니다.",
            ),
        )
    return parcel


def find_building(session: Session, building_id: int, *, for_update: bool = False) -> Building:
    building = repository.building_by_id(session, building_id, for_update=for_update)
    if building is None:
        raise NotFound(
            "building_unknown",
            Message(
                f"No building with id {building_id} is on the register.",
                f"id {building_id}인 건물은 등기되어 있지 않습니다.",
            ),
        )
    return building


def buildings_on(session: Session, parcel: Parcel) -> list[Building]:
    return repository.buildings_on_parcel(session, parcel.id)


def parcel_of(session: Session, building: Building) -> Parcel:
    return repository.parcels_by_ids(session, [building.parcel_id])[building.parcel_id]


def next_receipt(session: Session, on: dt.date) -> str:
    last = repository.last_receipt_no(session, on.year)
    number = int(last.split("-", 1)[1]) + 1 if last else 1
    return f"{on.year}-{number:06d}"


def new_entry(
    prop: Property,
    owner: Owner,
    share: Fraction,
    *,
    cause: str,
    cause_on: dt.date,
    on: dt.date,
    rank_no: int,
    receipt_no: str,
) -> Ownership:
    return Ownership(
        property_kind=property_kind(prop),
        property_id=prop.id,
        rank_no=rank_no,
        owner_kind=owner.kind,
        owner_id=owner.id,
        owner_name=owner.name,
        share_num=share.numerator,
        share_den=share.denominator,
        cause=cause,
        cause_on=cause_on,
        registered_on=on,
        receipt_no=receipt_no,
        ended_on=None,
    )


def _preserve(
    session: Session, prop: Property, owners: Sequence[tuple[Owner, Fraction]], on: dt.date
) -> str:
    """Section A's first entry: preservation registration (소유권보존) of every owner."""
    check_whole([share for _, share in owners])
    receipt_no = next_receipt(session, on)
    for owner, share in owners:
        repository.add(
            session,
            new_entry(
                prop,
                owner,
                share,
                cause="preservation",
                cause_on=on,
                on=on,
                rank_no=1,
                receipt_no=receipt_no,
            ),
        )
    return receipt_no


def _check_area(area: Decimal) -> None:
    if area <= 0:
        raise invalid(
            "area_not_positive",
            "An area must be more than 0 m².",
            "면적은 0㎡보다 커야 합니다.",
            field_name="area_m2",
        )


def register_parcel(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    actor: str,
    parcel_in: ParcelCreate,
) -> Parcel:
    """Open a parcel's register with its title and the preservation of its ownership."""
    pnu = Pnu.parse(parcel_in.pnu)
    if pnu.digits[:5] not in DISTRICT_BY_CODE:
        raise invalid(
            "pnu_district",
            f"The parcel number {pnu.formatted} does not lie in a known district.",
            f"필지고유번호 {pnu.formatted}의 시·군·구 코드를 알 수 없습니다.",
            field_name="pnu",
        )
    if parcel_in.land_category not in LAND_CATEGORIES:
        raise invalid(
            "land_category_unknown",
            f"'{parcel_in.land_category}' is not a land category ({', '.join(LAND_CATEGORIES)}).",
            f"'{parcel_in.land_category}'은(는) 지목이 아닙니다({', '.join(LAND_CATEGORIES)}).",
            field_name="land_category",
        )
    _check_area(parcel_in.area_m2)
    if parcel_in.official_price_per_m2 < 0:
        raise invalid(
            "official_price_negative",
            "The official land price cannot be negative.",
            "공시지가는 음수일 수 없습니다.",
            field_name="official_price_per_m2",
        )
    if repository.parcel_by_pnu(session, pnu.digits) is not None:
        raise Conflict(
            "parcel_already_registered",
            Message(
                f"The parcel {pnu.formatted} is already on the register.",
                f"필지 {pnu.formatted}은(는) 이미 등기되어 있습니다.",
            ),
        )
    ctx = call_context(session, clock, cipher, "register-check")
    owners = acquirers(parcel_in.owners, exchange=exchange, ctx=ctx)
    on = today(clock)
    parcel = Parcel(
        pnu=pnu.digits,
        sido_code=pnu.province_code,
        sigungu_code=pnu.digits[:5],
        land_category=parcel_in.land_category,
        area_m2=parcel_in.area_m2,
        official_price_per_m2=parcel_in.official_price_per_m2,
        registered_on=on,
    )
    repository.add(session, parcel)
    session.flush()
    receipt_no = _preserve(session, parcel, owners, on)
    record_change(
        session,
        clock,
        LandChange,
        entity="parcel",
        entity_id=parcel.id,
        action="parcel_registered",
        actor=actor,
        event_type="land.parcel_registered",
        data={"pnu": parcel.pnu, "receipt_no": receipt_no, "owners": owners_data(owners)},
    )
    return parcel


def register_building(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    actor: str,
    parcel: Parcel,
    building_in: BuildingCreate,
) -> Building:
    """Open a building's register on a parcel, with the preservation of its ownership."""
    address = building_in.address
    on = today(clock)
    _check_area(building_in.gross_area_m2)
    if building_in.completed_on > on:
        raise invalid(
            "completed_on_future",
            "A building is registered once it has been completed, not before.",
            "건물은 사용승인(준공) 후에 등기합니다.",
            field_name="completed_on",
        )
    if address.sigungu_code != parcel.sigungu_code:
        raise invalid(
            "address_district_mismatch",
            f"The address lies in district {address.sigungu_code} but the parcel in "
            f"{parcel.sigungu_code}.",
            f"주소의 시·군·구({address.sigungu_code})가 필지의 시·군·구({parcel.sigungu_code})와 "
            "다릅니다.",
            field_name="address.sigungu_code",
        )
    taken = repository.building_at(
        session,
        sigungu_code=address.sigungu_code,
        road_name=address.road_name,
        building_main=address.building_main,
        building_sub=address.building_sub,
    )
    if taken is not None:
        raise Conflict(
            "building_address_taken",
            Message(
                f"Building {taken.id} is already registered at {address.label('en')}.",
                f"{address.label('ko')}에는 이미 건물(id {taken.id})이 등기되어 있습니다.",
            ),
            {"building_id": taken.id},
        )
    ctx = call_context(session, clock, cipher, "register-check")
    owners = acquirers(building_in.owners, exchange=exchange, ctx=ctx)
    building = Building(
        parcel_id=parcel.id,
        name=building_in.name,
        main_use=building_in.main_use,
        structure=building_in.structure,
        floors_above=building_in.floors_above,
        floors_below=building_in.floors_below,
        gross_area_m2=building_in.gross_area_m2,
        completed_on=building_in.completed_on,
        **address.columns(),
    )
    repository.add(session, building)
    session.flush()
    receipt_no = _preserve(session, building, owners, on)
    record_change(
        session,
        clock,
        LandChange,
        entity="building",
        entity_id=building.id,
        action="building_registered",
        actor=actor,
        event_type="land.building_registered",
        data={"parcel_id": parcel.id, "receipt_no": receipt_no, "owners": owners_data(owners)},
    )
    return building


def _check_as_of(clock: Clock, as_of: dt.date | None) -> None:
    if as_of is not None and as_of > today(clock):
        raise invalid(
            "as_of_future",
            "The register can be read as of today or an earlier day, not a future one.",
            "등기부는 오늘 또는 과거의 날짜 기준으로만 볼 수 있습니다.",
            field_name="as_of",
        )


def register_entries(
    *, session: Session, clock: Clock, prop: Property, as_of: dt.date | None, history: bool
) -> tuple[dt.date | None, list[Ownership], list[Right]]:
    """Sections A and B: entries in force today or `as_of` a day, or (`history`) every entry.

    Returns the day shown (None for the whole history) and both sections.
    """
    if as_of is not None and history:
        raise invalid(
            "view_ambiguous",
            "Ask either for the entries in force on a day (as_of) or for the whole history.",
            "특정일 기준(as_of) 또는 전체 이력(history) 중 하나만 요청하세요.",
            field_name="history",
        )
    _check_as_of(clock, as_of)
    kind = property_kind(prop)
    section_a = repository.ownerships(session, kind, prop.id, as_of=as_of, history=history)
    section_b = repository.rights(session, kind, prop.id, as_of=as_of, history=history)
    return (None if history else as_of or today(clock)), section_a, section_b


@dataclass(frozen=True)
class Holding:
    """One owner's share of one property."""

    property_kind: str
    property_id: int
    pnu: str
    label: str
    share: Fraction
    since: dt.date


def holdings_of_owner(
    *,
    session: Session,
    clock: Clock,
    owner_kind: str,
    owner_id: int,
    as_of: dt.date | None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Holding], int]:
    """The properties a person or business owns now (or owned `as_of` a day), with shares."""
    if owner_kind not in ("person", "business"):
        raise invalid(
            "owner_kind_unknown",
            f"Properties are listed for a person or a business, not '{owner_kind}'.",
            f"소유 부동산은 person 또는 business에 대해서만 조회합니다('{owner_kind}').",
            field_name="owner_kind",
        )
    _check_as_of(clock, as_of)
    entries, total = repository.holdings_of_owner(
        session,
        owner_kind=owner_kind,
        owner_id=owner_id,
        as_of=as_of,
        offset=offset,
        limit=limit,
    )
    grouped: dict[tuple[str, int], list[Ownership]] = {}
    for entry in entries:
        grouped.setdefault((entry.property_kind, entry.property_id), []).append(entry)
    buildings = repository.buildings_by_ids(
        session, [pid for kind, pid in grouped if kind == "building"]
    )
    parcels = repository.parcels_by_ids(
        session,
        [pid for kind, pid in grouped if kind == "parcel"]
        + [b.parcel_id for b in buildings.values()],
    )
    holdings = []
    for (kind, pid), held in sorted(grouped.items(), key=lambda i: (i[0][0] != "parcel", i[0][1])):
        if kind == "parcel":
            parcel = parcels[pid]
            label = (
                f"{DISTRICT_BY_CODE[parcel.sigungu_code].name_ko} {Pnu.parse(parcel.pnu).lot_label}"
            )
        else:
            parcel = parcels[buildings[pid].parcel_id]
            label = buildings[pid].name
        holdings.append(
            Holding(
                property_kind=kind,
                property_id=pid,
                pnu=parcel.pnu,
                label=label,
                share=sum((Fraction(e.share_num, e.share_den) for e in held), Fraction(0)),
                since=min(e.registered_on for e in held),
            )
        )
    return holdings, total
