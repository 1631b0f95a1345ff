"""fingerprint items: every stored fingerprint inverted (value → track, position) for Audio Recon

The table is filled from the fingerprints already stored (the backfill below), so a clip finds tracks
validated before this revision too. The rule is ``services.audio.analysis.locate.index_entries``,
spelled out here so that this revision keeps doing what it did when that code changes: each value
as a signed 32-bit integer, left out when it repeats the one before it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00
"""
from typing import Sequence, Union

import numpy as np
import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BACKFILL_BATCH = 100  # fingerprints read at a time (a 10-minute track has some 4,800 items)


def upgrade() -> None:
    items = op.create_table(
        "fingerprint_items",
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("track_id", "position", name=op.f("pk_fingerprint_items")),
    )
    with op.batch_alter_table("fingerprint_items", schema=None) as batch_op:
        batch_op.create_index("ix_fingerprint_items_value", ["value"], unique=False)
    connection = op.get_bind()
    backfill(connection, items)
    if connection.dialect.name == "postgresql":
        # without statistics the planner reads the whole table for each clip's IN list (seconds instead of
        # milliseconds) until autovacuum analyses it
        op.execute("ANALYZE fingerprint_items")


def backfill(connection: sa.Connection, items: sa.Table) -> None:
    fingerprints = sa.table("fingerprints", sa.column("track_id", sa.String), sa.column("raw", sa.LargeBinary))
    last = ""
    while True:
        rows = connection.execute(sa.select(fingerprints.c.track_id, fingerprints.c.raw)
                                  .where(fingerprints.c.track_id > last)
                                  .order_by(fingerprints.c.track_id).limit(BACKFILL_BATCH)).all()
        if not rows:
            return
        for track_id, raw in rows:
            entries = _entries(bytes(raw))
            if entries:
                connection.execute(items.insert(), [{"track_id": track_id, "position": position, "value": value}
                                                    for position, value in entries])
        last = rows[-1][0]


def _entries(raw: bytes) -> list[tuple[int, int]]:
    values = np.frombuffer(raw, dtype="<u4").view("<i4")
    if values.size == 0:
        return []
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return [(int(p), int(values[p])) for p in np.nonzero(keep)[0]]


def downgrade() -> None:
    with op.batch_alter_table("fingerprint_items", schema=None) as batch_op:
        batch_op.drop_index("ix_fingerprint_items_value")
    op.drop_table("fingerprint_items")
