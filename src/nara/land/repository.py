"""Queries of the real-estate register. No rules here, and no writes but `session.add`.

An entry is *in force* on a day when it was registered on or before that day and has not
ended (or been cancelled) by then: `registered_on <= day < ended_on`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select, text, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from nara.core.models import Base
from nara.land.models import Building, Ownership, Parcel, Right

RECEIPT_LOCK_KEY = 0x4C414E44  # "LAND": serialises the issue of receipt numbers on PostgreSQL


def add(session: Session, row: Base) -> None:
    session.add(row)


def parcel_by_pnu(session: Session, pnu: str, *, for_update: bool = False) -> Parcel | None:
    query = select(Parcel).where(Parcel.pnu == pnu)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def parcels_by_ids(session: Session, ids: Sequence[int]) -> dict[int, Parcel]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Parcel).where(Parcel.id.in_(set(ids))))}


def building_by_id(
    session: Session, building_id: int, *, for_update: bool = False
) -> Building | None:
    query = select(Building).where(Building.id == building_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def buildings_by_ids(session: Session, ids: Sequence[int]) -> dict[int, Building]:
    if not ids:
        return {}
    rows = session.scalars(select(Building).where(Building.id.in_(set(ids))))
    return {b.id: b for b in rows}


def buildings_on_parcel(session: Session, parcel_id: int) -> list[Building]:
    query = select(Building).where(Building.parcel_id == parcel_id).order_by(Building.id)
    return list(session.scalars(query))


def building_at(
    session: Session, *, sigungu_code: str, road_name: str, building_main: int, building_sub: int
) -> Building | None:
    """The building already registered at this road-name building number, if any."""
    return session.scalar(
        select(Building)
        .where(
            Building.sigungu_code == sigungu_code,
            Building.road_name == road_name,
            Building.building_main == building_main,
            Building.building_sub == building_sub,
        )
        .limit(1)
    )


def right_by_id(session: Session, right_id: int, *, for_update: bool = False) -> Right | None:
    query = select(Right).where(Right.id == right_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def _entry_in_force(
    registered: InstrumentedAttribute[dt.date],
    ended: InstrumentedAttribute[dt.date | None],
    day: dt.date,
) -> ColumnElement[bool]:
    return (registered <= day) & or_(ended.is_(None), ended > day)


def ownerships(
    session: Session, kind: str, property_id: int, *, as_of: dt.date | None, history: bool = False
) -> list[Ownership]:
    """Section A of one property: current entries, those in force `as_of`, or all of them."""
    query = select(Ownership).where(
        Ownership.property_kind == kind, Ownership.property_id == property_id
    )
    if as_of is not None:
        query = query.where(_entry_in_force(Ownership.registered_on, Ownership.ended_on, as_of))
    elif not history:
        query = query.where(Ownership.ended_on.is_(None))
    return list(session.scalars(query.order_by(Ownership.rank_no, Ownership.id)))


def rights(
    session: Session, kind: str, property_id: int, *, as_of: dt.date | None, history: bool = False
) -> list[Right]:
    """Section B of one property: current entries, those in force `as_of`, or all of them."""
    query = select(Right).where(Right.property_kind == kind, Right.property_id == property_id)
    if as_of is not None:
        query = query.where(_entry_in_force(Right.registered_on, Right.cancelled_on, as_of))
    elif not history:
        query = query.where(Right.cancelled_on.is_(None))
    return list(session.scalars(query.order_by(Right.rank_no, Right.id)))


def next_ownership_rank(session: Session, kind: str, property_id: int) -> int:
    top = session.scalar(
        select(func.max(Ownership.rank_no)).where(
            Ownership.property_kind == kind, Ownership.property_id == property_id
        )
    )
    return (top or 0) + 1


def next_right_rank(session: Session, kind: str, property_id: int) -> int:
    top = session.scalar(
        select(func.max(Right.rank_no)).where(
            Right.property_kind == kind, Right.property_id == property_id
        )
    )
    return (top or 0) + 1


def last_receipt_no(session: Session, year: int) -> str | None:
    """The highest receipt number issued in a year, over both sections of every register.

    On PostgreSQL a transaction-scoped advisory lock is taken first, so that two
    registrations never receive the same number.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RECEIPT_LOCK_KEY})
    prefix = f"{year}-%"
    in_a = session.scalar(
        select(func.max(Ownership.receipt_no)).where(Ownership.receipt_no.like(prefix))
    )
    in_b = session.scalar(select(func.max(Right.receipt_no)).where(Right.receipt_no.like(prefix)))
    found = [r for r in (in_a, in_b) if r is not None]
    return max(found) if found else None


def _holdings_filter(
    owner_kind: str, owner_id: int, as_of: dt.date | None
) -> list[ColumnElement[bool]]:
    conditions = [Ownership.owner_kind == owner_kind, Ownership.owner_id == owner_id]
    if as_of is None:
        conditions.append(Ownership.ended_on.is_(None))
    else:
        conditions.append(_entry_in_force(Ownership.registered_on, Ownership.ended_on, as_of))
    return conditions


def holdings_of_owner(
    session: Session,
    *,
    owner_kind: str,
    owner_id: int,
    as_of: dt.date | None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Ownership], int]:
    """The entries of one owner on one page of properties, and how many properties in all.

    Properties are ordered parcels first, then buildings, each by id; without a limit,
    every property is on the page.
    """
    conditions = _holdings_filter(owner_kind, owner_id, as_of)
    properties = (
        select(Ownership.property_kind, Ownership.property_id).where(*conditions).distinct()
    )
    total = session.scalar(select(func.count()).select_from(properties.subquery())) or 0
    page = list(
        session.execute(
            properties.order_by(Ownership.property_kind.desc(), Ownership.property_id)
            .offset(offset)
            .limit(limit)
        ).tuples()
    )
    if not page:
        return [], total
    entries = session.scalars(
        select(Ownership)
        .where(*conditions, tuple_(Ownership.property_kind, Ownership.property_id).in_(page))
        .order_by(Ownership.registered_on, Ownership.id)
    )
    return list(entries), total
