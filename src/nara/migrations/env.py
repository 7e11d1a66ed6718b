"""Alembic environment: one MetaData for every agency's tables."""

from __future__ import annotations

from alembic import context

from nara.app import load_models
from nara.core.db import is_sqlite, make_engine

load_models()

from nara.core.models import metadata  # noqa: E402  (after every model is registered)

config = context.config
url = config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("alembic config lacks sqlalchemy.url")

connectable = config.attributes.get("connection")
if connectable is not None:
    context.configure(
        connection=connectable, target_metadata=metadata, render_as_batch=is_sqlite(url)
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=is_sqlite(url),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
