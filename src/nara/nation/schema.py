"""The tables the nation builder fills, in foreign-key order, and how rows become SQL values."""

from __future__ import annotations

from sqlalchemy import Date, Table
from sqlalchemy.schema import ForeignKeyConstraint, Index, UniqueConstraint

from nara.core.models import metadata

TABLE_ORDER: tuple[str, ...] = (
    "residents_person",
    "residents_address",
    "residents_household",
    "residents_household_member",
    "residents_residence",
    "family_parentage",
    "family_marriage",
    "business_registration",
    "business_employment",
    "business_wage",
    "vehicles_vehicle",
    "vehicles_ownership",
    "vehicles_lien",
    "land_parcel",
    "land_building",
    "land_ownership",
    "land_right",
    "tax_taxpayer",
    "tax_balance",
)
"""Parents before children. Change logs (`*_change`) and the outbox stay empty: the build is
an initial load of the registers, not a series of recorded changes."""

AGENCY_PREFIXES = ("residents_", "family_", "land_", "vehicles_", "business_", "tax_")


def table(name: str) -> Table:
    from nara.app import load_models

    load_models()
    return metadata.tables[name]


def registry_tables() -> list[Table]:
    """Every table of the six registers (including change logs), sorted by name."""
    from nara.app import load_models

    load_models()
    return [t for name, t in sorted(metadata.tables.items()) if name.startswith(AGENCY_PREFIXES)]


def secondary_indexes(t: Table) -> list[Index]:
    return sorted(t.indexes, key=lambda i: str(i.name))


def unique_constraints(t: Table) -> list[UniqueConstraint]:
    return sorted(
        (c for c in t.constraints if isinstance(c, UniqueConstraint)), key=lambda c: str(c.name)
    )


def foreign_keys(t: Table) -> list[ForeignKeyConstraint]:
    return sorted(
        (c for c in t.constraints if isinstance(c, ForeignKeyConstraint)), key=lambda c: str(c.name)
    )


def date_columns(name: str) -> frozenset[str]:
    return frozenset(c.name for c in table(name).columns if isinstance(c.type, Date))


def all_date_columns() -> dict[str, frozenset[str]]:
    return {name: date_columns(name) for name in TABLE_ORDER}
