"""The messaging tables (``outbox``, ``processed_events``) as every service's first migration creates them.

A service's ``migrations/versions/0001_*.py`` calls ``create_messaging_tables()`` in ``upgrade()`` and
``drop_messaging_tables()`` in ``downgrade()``, so a new service gets the tables its outbox relay and its
idempotent consumers need without copying them.

The columns below are frozen as revision 0001 created them, on purpose: a migration must build the same schema
forever, so this module does not read ``services.common.messaging.models``. A later change to those models
needs a new function here that every service's next migration calls (``alembic check`` in each service's
test_migrations.py fails until it does).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def create_messaging_tables() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def drop_messaging_tables() -> None:
    op.drop_table("processed_events")
    op.drop_table("outbox")
