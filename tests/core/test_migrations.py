"""The migrations build exactly the schema the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from nara.app import load_models
from nara.core.models import metadata


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    load_models()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_every_table_belongs_to_a_package_by_its_prefix() -> None:
    load_models()
    prefixes = (
        "core_",
        "exchange_",
        "identity_",
        "documents_",
        "applications_",
        "lifeevents_",
        "residents_",
        "family_",
        "land_",
        "vehicles_",
        "business_",
        "tax_",
        "welfare_",
        "passports_",
        "finance_",
    )
    assert [t for t in metadata.tables if not t.startswith(prefixes)] == []
