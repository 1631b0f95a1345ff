"""Shared body of every service's Alembic ``env.py``: the service's tables plus the messaging ones."""
from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy import create_engine

from services.common.db import normalize_url
from services.common.messaging.migration import use_the_shared_steps
from services.common.messaging.models import MessagingBase


def run(metadata: MetaData) -> None:
    cfg = context.config
    url = normalize_url(cfg.get_main_option("sqlalchemy.url"))
    targets = [metadata, MessagingBase.metadata]
    is_sqlite = url.startswith("sqlite")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=targets, literal_binds=True, render_as_batch=is_sqlite)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=targets, render_as_batch=is_sqlite,
                          compare_type=True, process_revision_directives=use_the_shared_steps)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
