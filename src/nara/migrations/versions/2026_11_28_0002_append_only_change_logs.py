"""Make every register's change log append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from nara.migrations.append_only import protect, unprotect

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGE_LOGS = (
    "residents_change",
    "family_change",
    "land_change",
    "vehicles_change",
    "business_change",
)


def upgrade() -> None:
    for table in CHANGE_LOGS:
        protect(table)


def downgrade() -> None:
    for table in CHANGE_LOGS:
        unprotect(table)
