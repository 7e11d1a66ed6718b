"""Callers bound to their subsystem; message-log entries that keep what signatures cover.

- `core_api_token.client`: the exchange subsystem a token calls as (required for
  `exchange:call`).
- `exchange_message_log`: which node's side an entry is, who the client's node
  authenticated, whether the user id is the calling system's assertion, the free-text issue
  and the represented party, and the heads, body digests and signing instants that the two
  signatures cover (`nara.exchange.messages`). Earlier entries keep these null and hash as
  they always did.
- `exchange_data_usage.user_asserted`: shown to the citizen next to the reader's id.
- REST services carry no version (PR-REST: a version is the provider's path):
  `.../person-summaries/v1` becomes `.../person-summaries`.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOG_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("side", sa.String(16)),
    ("caller", sa.String(300)),
    ("user_asserted", sa.Boolean()),
    ("issue", sa.String(1000)),
    ("represented_party", sa.String(600)),
    ("request_head", sa.Text()),
    ("request_body_digest", sa.String(88)),
    ("request_signed_at", sa.String(40)),
    ("response_head", sa.Text()),
    ("response_body_digest", sa.String(88)),
    ("response_signed_at", sa.String(40)),
    ("error_type", sa.String(128)),
)

_service = sa.table(
    "exchange_service",
    sa.column("id", sa.BigInteger()),
    sa.column("xroad_id", sa.String(1700)),
    sa.column("version", sa.String(255)),
)


def upgrade() -> None:
    op.add_column("core_api_token", sa.Column("client", sa.String(1100), nullable=True))
    for name, kind in _LOG_COLUMNS:
        op.add_column("exchange_message_log", sa.Column(name, kind, nullable=True))
    op.add_column("exchange_data_usage", sa.Column("user_asserted", sa.Boolean(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_service.c.id, _service.c.xroad_id).where(_service.c.version == "v1")
    ).all()
    for row in rows:
        bind.execute(
            _service.update()
            .where(_service.c.id == row.id)
            .values(xroad_id=row.xroad_id.removesuffix("/v1"), version="")
        )


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_service.c.id, _service.c.xroad_id).where(_service.c.version == "")
    ).all()
    for row in rows:
        bind.execute(
            _service.update()
            .where(_service.c.id == row.id)
            .values(xroad_id=f"{row.xroad_id}/v1", version="v1")
        )
    op.drop_column("exchange_data_usage", "user_asserted")
    for name, _ in reversed(_LOG_COLUMNS):
        op.drop_column("exchange_message_log", name)
    op.drop_column("core_api_token", "client")
