"""Tables of the motor vehicle register (자동차등록원부)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.address import AddressColumns
from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

VEHICLE_TYPES = ("passenger", "van", "truck", "special")
FUELS = ("gasoline", "diesel", "lpg", "hybrid", "electric", "hydrogen")
OWNER_KINDS = ("person", "business")
ACQUISITION_CAUSES = ("new", "transfer", "inheritance", "auction")


class Vehicle(Base, AddressColumns):
    """A registered vehicle: plate, VIN, model, current owner and base address (사용본거지)."""

    __tablename__ = "vehicles_vehicle"
    __table_args__ = (
        CheckConstraint(
            "vehicle_type IN ('passenger', 'van', 'truck', 'special')", name="vehicle_type"
        ),
        CheckConstraint("owner_kind IN ('person', 'business')", name="owner_kind"),
        CheckConstraint("status IN ('registered', 'deregistered')", name="status"),
        Index("ix_vehicles_vehicle_owner", "owner_kind", "owner_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plate: Mapped[str] = mapped_column(String(16), unique=True)
    vin: Mapped[str] = mapped_column(String(17), unique=True)
    make: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(60))
    model_year: Mapped[int] = mapped_column(SmallInteger)
    vehicle_type: Mapped[str] = mapped_column(String(10))
    fuel: Mapped[str] = mapped_column(String(10))
    first_registered_on: Mapped[dt.date]
    owner_kind: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(BigId)
    owner_name: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12))
    deregistered_on: Mapped[dt.date | None]


class VehicleOwnership(Base):
    """One owner's holding of a vehicle, from acquisition until transfer."""

    __tablename__ = "vehicles_ownership"
    __table_args__ = (
        Index("ix_vehicles_ownership_vehicle", "vehicle_id", "acquired_on"),
        Index("ix_vehicles_ownership_owner", "owner_kind", "owner_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles_vehicle.id"))
    owner_kind: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(BigId)
    owner_name: Mapped[str] = mapped_column(String(80))
    cause: Mapped[str] = mapped_column(String(12))
    acquired_on: Mapped[dt.date]
    released_on: Mapped[dt.date | None]


class Lien(Base):
    """A chattel mortgage (저당권) on a vehicle, until released."""

    __tablename__ = "vehicles_lien"
    __table_args__ = (CheckConstraint("amount_won > 0", name="amount"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles_vehicle.id"), index=True)
    creditor_name: Mapped[str] = mapped_column(String(80))
    amount_won: Mapped[int] = mapped_column(BigInteger)
    registered_on: Mapped[dt.date]
    released_on: Mapped[dt.date | None]


class VehiclesChange(Base, ChangeLogMixin):
    """Append-only log of every change to the vehicle register."""

    __tablename__ = "vehicles_change"
