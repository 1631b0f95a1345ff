"""The messaging tables (``outbox``, ``processed_events``) as every service's first migration creates them.

A service's ``migrations/versions/0001_*.py`` calls ``create_messaging_tables()`` in ``upgrade()`` and
``drop_messaging_tables()`` in ``downgrade()``, so a new service gets the tables its outbox relay and its
idempotent consumers need without copying them. ``alembic revision --autogenerate`` writes those two calls itself
(``use_the_shared_steps``, hooked in by services/common/migrations_env.py).

The columns below are frozen as revision 0001 created them, on purpose: a migration must build the same schema
forever, so this module does not read ``services.common.messaging.models``. A later change to those models
needs a new function here that every service's next migration calls (``alembic check`` in each service's
test_migrations.py fails until it does).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from alembic.autogenerate import renderers
from alembic.operations import ops

TABLES = ("outbox", "processed_events")
_IMPORT = "from services.common.messaging.migration import create_messaging_tables, drop_messaging_tables"


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


# --- autogenerate: a first revision calls the two steps above instead of spelling the tables out ---------------


class CreateMessagingTablesOp(ops.MigrateOperation):
    def reverse(self) -> "DropMessagingTablesOp":
        return DropMessagingTablesOp()

    def to_diff_tuple(self) -> tuple:  # what `alembic check` reports when a database lacks both tables
        return ("add_messaging_tables", TABLES)


class DropMessagingTablesOp(ops.MigrateOperation):
    def reverse(self) -> CreateMessagingTablesOp:
        return CreateMessagingTablesOp()

    def to_diff_tuple(self) -> tuple:
        return ("remove_messaging_tables", TABLES)


@renderers.dispatch_for(CreateMessagingTablesOp)
def _render_create(autogen_context, op_: CreateMessagingTablesOp) -> str:
    autogen_context.imports.add(_IMPORT)
    return "create_messaging_tables()"


@renderers.dispatch_for(DropMessagingTablesOp)
def _render_drop(autogen_context, op_: DropMessagingTablesOp) -> str:
    autogen_context.imports.add(_IMPORT)
    return "drop_messaging_tables()"


def use_the_shared_steps(context, revision, directives) -> None:
    """Alembic's ``process_revision_directives`` hook: where a generated revision creates (drops) both messaging
    tables, one ``create_messaging_tables()`` (``drop_messaging_tables()``) call takes their place."""
    for script in directives:
        for upgrade_ops in script.upgrade_ops_list:
            _replace(upgrade_ops, ops.CreateTableOp, CreateMessagingTablesOp)
        for downgrade_ops in script.downgrade_ops_list:
            _replace(downgrade_ops, ops.DropTableOp, DropMessagingTablesOp)


def _replace(container: ops.OpContainer, table_op: type, step: type) -> None:
    found = [op_ for op_ in container.ops if isinstance(op_, table_op) and op_.table_name in TABLES]
    if {op_.table_name for op_ in found} != set(TABLES):
        return  # not both tables: a later change to one of them stays spelled out
    container.ops[container.ops.index(found[0])] = step()
    container.ops = [op_ for op_ in container.ops if op_ not in found]
